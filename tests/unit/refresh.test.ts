// One engine job that brings a dataset's scores up to date: features, then the feed's models
// score again; or a model is trained first (trees with labels, else an Isolation Forest).
import { describe, expect, it } from 'vitest';
import type { JobFinished } from '../../src-shared/contract';
import type { JobProgress } from '../../src-shared/domain';
import { call, hostWithCase, ingest, job, writeFile } from './helpers';

const T0 = Date.UTC(2026, 9, 5);

function csv(from: number, to: number, label = false): string {
  const lines = [`ts,user,ip,device,merchant,amount,status${label ? ',is_fraud' : ''}`];
  for (let i = from; i < to; i++) {
    const u = i % 60;
    const fraud = label && i % 97 === 0;
    lines.push(
      `${new Date(T0 + i * 120_000).toISOString()},u${u},10.0.${u}.1,d${u},m${u % 7},${fraud ? 4000 + i : 20 + ((i * 37) % 60)},${i % 31 === 0 ? 'declined' : 'approved'}${label ? `,${fraud ? 1 : 0}` : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}

describe('scores.refresh', () => {
  it('trains trees when the dataset has labels, then scores, in one job with its steps in the label', async () => {
    const { host, dir } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 'tx.csv', csv(0, 4000, true)) });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const labels: string[] = [];
    const off = host.on('job.progress', (p: JobProgress) => {
      if (p.kind === 'refresh' && !labels.includes(p.label)) labels.push(p.label);
    });
    const done = await job(host, 'scores.refresh', { datasetId: 1, train: true });
    off();
    expect(done.built.rows).toBe(4000);
    expect(done.trained?.model.kind).toBe('gbdt');
    expect(done.scored).toHaveLength(1);
    expect(done.scored[0].modelId).toBe(done.trained!.model.id);
    expect(done.scored[0].rows).toBe(4000);
    const feed = await call(host, 'feed.page', { datasetId: 1, view: 'all', offset: 0, limit: 5 });
    expect(feed.models.map((m) => m.id)).toEqual([done.trained!.model.id]);
    // progress named each step it reached (ticks every 200 ms: the short ones may pass unseen)
    expect(labels.length).toBeGreaterThan(0);
    for (const l of labels) expect(l).toMatch(/ · [123]\/3: (features|training trees|scoring with tx-gbdt)$/);
  });

  it('trains an Isolation Forest when there are no labels, and later scores the given models again', async () => {
    const { host, dir } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 'tx.csv', csv(0, 3000)) });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const first = await job(host, 'scores.refresh', { datasetId: 1, train: true });
    expect(first.trained?.model.kind).toBe('iforest');
    const hbos = await job(host, 'model.train', { datasetId: 1, model: 'hbos' });
    // later events: features for them only, then both models score every event again
    const more = await ingest(host, { path: writeFile(dir, 'more.csv', csv(3000, 3300)), appendTo: 1 });
    if (!more.ok) throw new Error(JSON.stringify(more.error));
    const again = await job(host, 'scores.refresh', {
      datasetId: 1,
      modelIds: [first.trained!.model.id, hbos.model.id],
    });
    expect(again.trained).toBeNull();
    expect(again.built.written).toBe(300);
    expect(again.scored.map((s) => [s.modelId, s.rows])).toEqual([
      [first.trained!.model.id, 3300],
      [hbos.model.id, 3300],
    ]);
    // no models and no training: the features alone
    const features = await job(host, 'scores.refresh', { datasetId: 1 });
    expect(features.scored).toEqual([]);
    expect(features.built.mode).toBe('current');
  });

  it('stops at the first failing step with its error, and on Cancel', async () => {
    const { host, dir } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 'tx.csv', csv(0, 3000)) });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    await expect(job(host, 'scores.refresh', { datasetId: 1, modelIds: [99] })).rejects.toThrow(/99/);
    await expect(call(host, 'scores.refresh', { datasetId: 1, modelIds: [0] })).rejects.toThrow(
      /BAD_REQUEST/,
    );
    await expect(call(host, 'scores.refresh', { datasetId: 7, train: true })).rejects.toThrow(/no dataset/);
    const { jobId } = await call(host, 'scores.refresh', { datasetId: 1, train: true });
    const finished = new Promise<JobFinished>((resolve) => {
      const off = host.on('job.finished', (f) => {
        if (f.jobId === jobId) {
          off();
          resolve(f);
        }
      });
    });
    await call(host, 'job.cancel', { jobId });
    const f = await finished;
    expect(f.ok).toBe(false);
    if (!f.ok) expect(f.error.code).toBe('CANCELLED');
    const models = await call(host, 'model.list', {});
    expect(models).toEqual([]); // cancelled before its model was kept
  });
});
