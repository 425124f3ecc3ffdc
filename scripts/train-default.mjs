#!/usr/bin/env node
// `npm run train-default`: the bundled default model, reproducibly. Builds the demo case in a
// temporary folder (deterministic), trains gradient-boosted trees on its card transactions
// (fixed seed) and writes models/default.onnx with its metadata, models/default.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const { EngineHost, runJob } = createRequire(import.meta.url)(path.join(root, 'out', 'main', 'engine.js'));
const must = (r) => {
  if (!r.ok) {
    console.error(`train-default: ${r.error.message}`);
    process.exit(1);
  }
  return r.value;
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-train-default-'));
const host = new EngineHost({ shell: 'cli' });
try {
  const invoke = (m, p) => host.call(m, p);
  must(await runJob(invoke, 'demo.create', { path: path.join(dir, 'demo.sentinel') }));
  const info = must(await host.call('case.info', {}));
  const cards = info.datasets.find((d) => d.name === 'card_transactions');
  const out = path.join(root, 'models', 'default.onnx');
  const trained = must(
    await runJob(invoke, 'model.train', { datasetId: cards.id, model: 'gbdt', seed: 42, out }),
  );
  const m = trained.test;
  console.log(
    `models/default.onnx: ${trained.model.featureNames.length} features, trained in ${trained.seconds.toFixed(1)} s`,
  );
  if (m)
    console.log(
      `on the latest 20% of the demo by time: ROC AUC ${m.rocAuc.toFixed(4)}, PR AUC ${m.prAuc.toFixed(4)}, precision ${m.precision.toFixed(3)}, recall ${m.recall.toFixed(3)}, F1 ${m.f1.toFixed(3)}`,
    );
} finally {
  await host.close();
  rmSync(dir, { recursive: true, force: true });
}
