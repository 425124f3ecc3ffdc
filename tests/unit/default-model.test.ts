// The bundled default model is what `npm run train-default` makes: same seed, same demo,
// same trees. If this fails after a change to the demo, the features or the trainer, run
// `npm run train-default` and commit models/.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineHost } from '../../src-main/engine/host';
import type { ModelMetadata } from '../../src-main/engine/models/train-dataset';
import { call, job, tempDir } from './helpers';

describe('the default model', () => {
  it('is reproduced by training on the demo case with its seed', async () => {
    const committed = JSON.parse(
      readFileSync(path.resolve(__dirname, '../../models/default.json'), 'utf8'),
    ) as ModelMetadata;
    const host = new EngineHost({ shell: 'cli' });
    try {
      await job(host, 'demo.create', { path: path.join(tempDir(), 'demo.sentinel') });
      const info = await call(host, 'case.info', {});
      const cards = info.datasets.find((d) => d.name === 'card_transactions')!;
      const out = path.join(tempDir(), 'fresh.onnx');
      await job(host, 'model.train', { datasetId: cards.id, model: 'gbdt', seed: 42, out });
      const fresh = JSON.parse(readFileSync(out.replace(/\.onnx$/, '.json'), 'utf8')) as ModelMetadata;
      const { createdAt: _a, ...a } = committed;
      const { createdAt: _b, ...b } = fresh;
      expect(b).toEqual(a);
      expect(fresh.metrics.test!.rocAuc).toBeGreaterThanOrEqual(0.99);
    } finally {
      await host.close();
    }
  });
});
