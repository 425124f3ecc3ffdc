// Training on a dataset's features and labels, keeping the model in the case, scoring events.
import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScoreResult, TrainResult } from '../../src-shared/domain';
import type { EngineHost } from '../../src-main/engine/host';
import type { Params } from '../../src-shared/contract';
import { hostWithCase, ingest, snapshot, writeFile, startJob, cancel, call } from './helpers';

const T0 = Date.UTC(2026, 9, 5);

function csv(extra = ''): string {
  const lines = [`ts,user,ip,device,merchant,amount,status${extra ? ',' + extra : ''}`];
  for (let i = 0; i < 6000; i++) {
    const u = i % 60;
    lines.push(
      `${new Date(T0 + i * 120_000).toISOString()},u${u},10.0.${u}.1,d${u},m${u % 7},${20 + ((i * 37) % 60)},${i % 31 === 0 ? 'declined' : 'approved'}${extra ? ',' + (i % 97 === 0 ? 'maybe' : '0') : ''}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function done<T>(
  started: { ok: true; value: { done: Promise<{ ok: boolean }> } } | { ok: false; error: unknown },
): Promise<T> {
  if (!started.ok) throw new Error(JSON.stringify(started.error));
  const r = (await started.value.done) as { ok: true; value: T } | { ok: false; error: unknown };
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.value;
}

async function failure(host: EngineHost, req: Params<'model.train'>) {
  const started = await startJob(host, 'model.train', req);
  if (!started.ok) return started.error;
  const r = await started.value.done;
  return r.ok ? null : r.error;
}

async function prepared(withInjections: boolean, extra = '') {
  const env = await hostWithCase();
  const r = await ingest(env.host, { path: writeFile(env.dir, 'tx.csv', csv(extra)) });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  if (withInjections) {
    for (let k = 0; k < 24; k++) {
      const scenario = ['velocity_spike', 'high_value_sudden', 'card_testing', 'login_burst'][k % 4];
      const inj = await env.host.call('scenario.inject', {
        datasetId: 1,
        scenario,
        start: T0 + (k + 0.5) * 30_000_000,
        seed: k,
      });
      if (!inj.ok) throw new Error(JSON.stringify(inj.error));
    }
  }
  const f = await startJob(env.host, 'features.build', { datasetId: 1 });
  if (!f.ok) throw new Error('features');
  await f.value.done;
  return env;
}

describe('training and scoring', () => {
  it('trains gradient-boosted trees on injected scenarios, tested on the latest events, kept in the case and written out', async () => {
    const { host, dir, casePath } = await prepared(true);
    const out = path.join(dir, 'model.onnx');
    const r = await done<TrainResult>(
      await startJob(host, 'model.train', { datasetId: 1, model: 'gbdt', out }),
    );
    expect(r.model).toMatchObject({ kind: 'gbdt', datasetId: 1 });
    expect(r.test!.rocAuc!).toBeGreaterThan(0.9);
    expect(r.test!.positives).toBeGreaterThan(0);
    expect(r.test!.rows).toBe(Math.ceil((6000 + 6 * (12 + 2 + 25 + 20)) * 0.2));
    expect(existsSync(out)).toBe(true);
    const meta = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
    expect(meta).toMatchObject({
      format: 'sentinelrisk-model/1',
      kind: 'gbdt',
      split: { by: 'time' },
      trainedOn: { labels: 'injected scenarios' },
    });
    expect(meta.featureNames).toEqual(r.model.featureNames);

    const s = await done<ScoreResult>(await startJob(host, 'model.score', { datasetId: 1 }));
    expect(s).toMatchObject({ modelId: r.model.id, rows: 6000 + 6 * 59 });
    expect(s.anomalies).toBeGreaterThan(0);
    const db = new Database(casePath, { readonly: true });
    try {
      expect(db.prepare('SELECT count(*) FROM scores WHERE model_id = ?').pluck().get(r.model.id)).toBe(
        s.rows,
      );
      // injected events score higher than the rest, on average
      const avg = db
        .prepare(
          'SELECT (ie.event_id IS NOT NULL) AS injected, avg(s.score) AS a FROM scores s LEFT JOIN injected_events ie ON ie.event_id = s.event_id AND ie.dataset_id = 1 GROUP BY 1 ORDER BY 1',
        )
        .all() as { injected: number; a: number }[];
      expect(avg[1].a).toBeGreaterThan(avg[0].a * 5);
    } finally {
      db.close();
    }
    // the written ONNX file scores the same dataset; being the same bytes as the model kept in
    // the case, it is not kept twice (nor again when scoring with it again)
    const again = await done<ScoreResult>(await startJob(host, 'model.score', { datasetId: 1, path: out }));
    expect(again).toMatchObject({ anomalies: s.anomalies, modelId: r.model.id });
    await done<ScoreResult>(await startJob(host, 'model.score', { datasetId: 1, path: out }));
    const models = await host.call('model.list', {});
    expect((models as { ok: true; value: unknown[] }).value).toHaveLength(1);
  });

  it('trains unsupervised detectors without labels, and says what to do when a classifier has none', async () => {
    const { host, casePath } = await prepared(false);
    const before = snapshot(casePath);
    expect(await failure(host, { datasetId: 1, model: 'gbdt' })).toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(/no labels.*--model iforest/),
    });
    expect(snapshot(casePath)).toEqual(before);
    for (const model of ['iforest', 'hbos'] as const) {
      const r = await done<TrainResult>(await startJob(host, 'model.train', { datasetId: 1, model }));
      expect(r.model.kind).toBe(model);
      expect(r.test).toBeNull(); // no labels to measure against
      const s = await done<ScoreResult>(
        await startJob(host, 'model.score', { datasetId: 1, modelId: r.model.id }),
      );
      expect(s.rows).toBe(6000);
    }
  });

  it('refuses a non-binary label column, a dataset too small to learn from, and model files that do not fit', async () => {
    const { host, dir, casePath } = await prepared(false, 'flag');
    const before = snapshot(casePath);
    expect(await failure(host, { datasetId: 1, model: 'gbdt', label: 'flag' })).toMatchObject({
      message: expect.stringMatching(/label column "flag" is not binary: it has "maybe"/),
    });
    await ingest(host, { path: writeFile(dir, 'more.csv', 'ts,x\n2026-10-05T00:00:00Z,1\n') });
    // training builds the missing features itself; one event is still too few
    expect(await failure(host, { datasetId: 2, model: 'iforest' })).toMatchObject({
      message: expect.stringMatching(/has 1 event: too few to train on/),
    });
    const corrupt = path.join(dir, 'broken.onnx');
    writeFileSync(corrupt, 'not a model');
    const bad = await startJob(host, 'model.score', { datasetId: 1, path: corrupt });
    if (!bad.ok) throw new Error('start');
    expect(await bad.value.done).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/not an ONNX model/), file: 'broken.onnx' },
    });
    // a model whose features the dataset lacks
    const r = await done<TrainResult>(
      await startJob(host, 'model.train', { datasetId: 1, model: 'iforest' }),
    );
    const f2 = await startJob(host, 'features.build', { datasetId: 2 });
    if (f2.ok) await f2.value.done;
    const mismatch = await startJob(host, 'model.score', { datasetId: 2, modelId: r.model.id });
    if (!mismatch.ok) throw new Error('start');
    expect(await mismatch.value.done).toMatchObject({
      ok: false,
      error: { message: expect.stringMatching(/takes features that dataset "more" does not have: amount/) },
    });
    expect(snapshot(casePath).datasets).toEqual(
      (before.datasets as unknown[]).concat(snapshot(casePath).datasets.slice(1)),
    );
  });
});

describe('models and a changing dataset', () => {
  it('label injected attacks in a label column, build stale features before training, drop scores with their events, and honour Cancel', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const lines = ['ts,user,amount,is_fraud'];
    for (let i = 0; i < 3000; i++)
      lines.push(`${new Date(T0 + i * 300_000).toISOString()},u${i % 30},${10 + (i % 50)},0`);
    await ingest(host, { path: writeFile(dir, 'l.csv', lines.join('\n')) });
    for (let k = 0; k < 12; k++) {
      const r = await host.call('scenario.inject', {
        datasetId: 1,
        scenario: 'high_value_sudden',
        start: T0 + (k + 0.5) * 70_000_000,
        seed: k,
      });
      expect(r.ok).toBe(true);
    }
    const db = new Database(casePath, { readonly: true });
    expect(db.prepare('SELECT count(*) FROM ds_1 WHERE is_fraud = 1').pluck().get()).toBe(24);
    db.close();
    // features not built for the injected events yet: training builds them first, never partial
    const f = await startJob(host, 'features.build', { datasetId: 1 });
    if (f.ok) await f.value.done;
    const inj = await host.call('scenario.inject', { datasetId: 1, scenario: 'velocity_spike', seed: 99 });
    expect(inj.ok).toBe(true);
    expect(await failure(host, { datasetId: 1, model: 'iforest' })).toBeNull();
    const covered = new Database(casePath, { readonly: true });
    expect(covered.prepare('SELECT count(*) FROM features_1').pluck().get()).toBe(
      covered.prepare('SELECT count(*) FROM ds_1').pluck().get(),
    );
    covered.close();
    const trained = await done<TrainResult>(
      await startJob(host, 'model.train', { datasetId: 1, model: 'gbdt', label: 'is_fraud' }),
    );
    expect(trained.test!.positives + trained.validation!.positives).toBeGreaterThan(0);
    await done<ScoreResult>(await startJob(host, 'model.score', { datasetId: 1 }));
    // injecting while a job runs is refused
    const busy = await startJob(host, 'features.build', { datasetId: 1, force: true });
    expect(await host.call('scenario.inject', { datasetId: 1, scenario: 'velocity_spike' })).toMatchObject({
      ok: false,
      error: { code: 'BUSY' },
    });
    if (busy.ok) await busy.value.done;
    // removing an injection removes its events' scores too
    const removed = await host.call('scenario.remove', {
      injectionId: (inj as { ok: true; value: { injectionId: number } }).value.injectionId,
    });
    expect(removed.ok).toBe(true);
    const after = new Database(casePath, { readonly: true });
    expect(
      after
        .prepare('SELECT count(*) FROM scores s LEFT JOIN ds_1 d ON d._id = s.event_id WHERE d._id IS NULL')
        .pluck()
        .get(),
    ).toBe(0);
    after.close();
    // Cancel stops a training and keeps nothing
    const f3 = await startJob(host, 'features.build', { datasetId: 1 });
    if (f3.ok) await f3.value.done;
    const models = () => call(host, 'model.list', {});
    const before = (await models()).length;
    const started = await startJob(host, 'model.train', { datasetId: 1, model: 'gbdt', trees: 2000 });
    if (!started.ok) throw new Error('start');
    await cancel(host, started.value.jobId);
    expect(await started.value.done).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect((await models()).length).toBe(before);
  });
});
