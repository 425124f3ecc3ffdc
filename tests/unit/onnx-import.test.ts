// ONNX tree ensembles trained elsewhere: real XGBoost classifiers converted with onnxmltools
// (tests/fixtures/README.md says how they were made), scored by onnxruntime-node exactly as
// XGBoost predicted, imported into a case by feature names; files that do not fit are refused
// clearly and leave the case as it was.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeedPage, ScoreResult } from '../../src-shared/domain';
import type { JobFinished } from '../../src-shared/contract';
import type { EngineHost } from '../../src-main/engine/host';
import { openOnnx } from '../../src-main/engine/models/onnx/score';
import { ProtoWriter, readFieldList } from '../../src-main/engine/models/onnx/protobuf';
import { hostWithCase, ingest, snapshot, writeFile, startJob } from './helpers';

const fixtures = path.resolve(__dirname, '../fixtures');
const shared = path.resolve(__dirname, '../../../shared/data');
const fixture = (name: string) => new Uint8Array(readFileSync(path.join(fixtures, name)));
const expected = <T>(name: string) => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8')) as T;

/** The model with its metadata_props replaced (what `onnx.helper.set_model_props` does). */
function withMetadata(bytes: Uint8Array, props: Record<string, string>): Uint8Array {
  const w = new ProtoWriter();
  for (const f of readFieldList(bytes)) if (f.field !== 14) w.raw(f.encoded);
  for (const [k, v] of Object.entries(props)) w.message(14, (e) => e.string(1, k).string(2, v));
  return w.finish();
}

function cardio() {
  const e = expected<{
    features: string[];
    missing: { column: number; everyNthRow: number };
    probabilities: number[];
  }>('xgb-cardio.expected.json');
  const lines = readFileSync(path.join(shared, 'adbench/cardio.csv'), 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(',').map(Number));
  const columns = e.features.map((_, f) =>
    Float32Array.from(rows, (r, i) =>
      f === e.missing.column && i % e.missing.everyNthRow === 0 ? NaN : r[f],
    ),
  );
  return { columns, ...e };
}

function worstGap(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe('ONNX tree ensembles converted elsewhere', () => {
  it('an XGBoost classifier converted with onnxmltools scores as XGBoost predicted (to 1e-5), missing values included', async () => {
    const d = cardio();
    const scorer = await openOnnx(fixture('xgb-cardio.onnx'), 'xgb-cardio.onnx');
    try {
      expect(scorer.featureNames).toBeNull(); // converted files name no features
      expect(scorer.output).toBe('probabilities');
      expect(worstGap(await scorer.score(d.columns), d.probabilities)).toBeLessThan(1e-5);
    } finally {
      await scorer.release();
    }
  });

  it('reads the probabilities under a ZipMap, whatever the input is called, with names from comma-separated metadata', async () => {
    const d = cardio();
    const scorer = await openOnnx(fixture('xgb-cardio-zipmap.onnx'), 'xgb-cardio-zipmap.onnx');
    try {
      expect(scorer.inputs).toEqual(['float_input']);
      expect(scorer.output).toBe('probability_tensor');
      expect(scorer.featureNames).toEqual(d.features);
      expect(worstGap(await scorer.score(d.columns), d.probabilities)).toBeLessThan(1e-5);
    } finally {
      await scorer.release();
    }
  });
});

// The case the xgb-case.onnx fixture was trained on (the same events, injections and features).
const T0 = Date.UTC(2026, 9, 5);
function csv(): string {
  const lines = ['ts,user,ip,device,merchant,amount,status'];
  for (let i = 0; i < 6000; i++) {
    const u = i % 60;
    lines.push(
      `${new Date(T0 + i * 120_000).toISOString()},u${u},10.0.${u}.1,d${u},m${u % 7},${20 + ((i * 37) % 60)},${i % 31 === 0 ? 'declined' : 'approved'}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function caseWithFeatures() {
  const env = await hostWithCase();
  const r = await ingest(env.host, { path: writeFile(env.dir, 'tx.csv', csv()) });
  if (!r.ok) throw new Error(JSON.stringify(r.error));
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
  const f = await startJob(env.host, 'features.build', { datasetId: 1 });
  if (!f.ok) throw new Error('features');
  await f.value.done;
  return env;
}

async function score(host: EngineHost, modelFile: string) {
  const started = await startJob(host, 'model.score', { datasetId: 1, path: modelFile });
  if (!started.ok) return started;
  return started.value.done as Promise<{ ok: true; value: ScoreResult } | { ok: false; error: unknown }>;
}

/** The case's state, models and scores included. */
function state(casePath: string) {
  const db = new Database(casePath, { readonly: true });
  try {
    return {
      ...snapshot(casePath),
      models: db
        .prepare('SELECT id, name, kind, feature_names, metadata, threshold FROM models ORDER BY id')
        .all(),
      scores: db.prepare('SELECT count(*) AS n, total(score) AS sum FROM scores').get(),
    };
  } finally {
    db.close();
  }
}

describe('importing a converted model into a case', () => {
  const e = expected<{ featureNames: string[]; rows: number; eventIds: number[]; probabilities: number[] }>(
    'xgb-case.expected.json',
  );

  it('matches inputs by the feature names in its metadata or sidecar and scores every event as XGBoost did', async () => {
    const { host, dir, casePath } = await caseWithFeatures();
    // names in the model's own order (not the dataset's), as a JSON array in its metadata
    expect(e.featureNames).not.toEqual([...e.featureNames].sort());
    const file = writeFile(dir, 'xgb-case.onnx', Buffer.from(fixture('xgb-case.onnx')));
    const r = await score(host, file);
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    expect(r.value.rows).toBe(e.rows);
    const db = new Database(casePath, { readonly: true });
    try {
      const model = db
        .prepare('SELECT kind, feature_names FROM models WHERE id = ?')
        .get(r.value.modelId) as {
        kind: string;
        feature_names: string;
      };
      expect(model.kind).toBe('onnx');
      expect(JSON.parse(model.feature_names)).toEqual(e.featureNames);
      const get = db.prepare('SELECT score FROM scores WHERE model_id = ? AND event_id = ?').pluck();
      const ours = e.eventIds.map((id) => get.get(r.value.modelId, id) as number);
      expect(worstGap(ours, e.probabilities)).toBeLessThan(1e-5);
      expect(e.probabilities.filter((p) => p > 0.5).length).toBeGreaterThan(10); // it found the attacks
    } finally {
      db.close();
    }
    // the same trees without metadata, named by a sidecar FILE.json
    const bare = writeFile(dir, 'bare.onnx', Buffer.from(withMetadata(fixture('xgb-case.onnx'), {})));
    writeFileSync(path.join(dir, 'bare.json'), JSON.stringify({ featureNames: e.featureNames }));
    const again = await score(host, bare);
    if (!again.ok) throw new Error(JSON.stringify(again.error));
    expect(again.value).toMatchObject({ rows: e.rows, anomalies: r.value.anomalies });
    expect(again.value.modelId).not.toBe(r.value.modelId);

    // Through the contract (the Models tab's "Score with an ONNX file…").
    const viaContract = await host.call('model.score', {
      datasetId: 1,
      path: file,
      fileName: 'partner-model.onnx',
    });
    if (!viaContract.ok) throw new Error(JSON.stringify(viaContract.error));
    const finished = await new Promise<JobFinished>((resolve) => {
      const off = host.on('job.finished', (f) => {
        if (f.jobId !== (viaContract.value as { jobId: string }).jobId) return;
        off();
        resolve(f);
      });
    });
    expect(finished.ok).toBe(true);
    const feed = await host.call('feed.page', { datasetId: 1, view: 'all', offset: 0, limit: 1 });
    if (!feed.ok) throw new Error(JSON.stringify(feed.error));
    // The same bytes as the first file: that model is reused, and the feed ranks by it again (it
    // scored last), not by the sidecar copy kept after it.
    expect((feed.value as FeedPage).models.map((m) => [m.id, m.kind])).toEqual([[r.value.modelId, 'onnx']]);
    const both = await host.call('model.score', { datasetId: 1, modelId: 1, path: file });
    expect(both).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('refuses a corrupt or mismatched file with a clear error naming it, and leaves the case as it was', async () => {
    const { host, dir, casePath } = await caseWithFeatures();
    const names = e.featureNames;
    const trees = fixture('xgb-case.onnx');
    const cases: [string, Uint8Array | string, RegExp, Record<string, unknown>?][] = [
      ['text.onnx', 'not a model\n', /not an ONNX model/],
      ['cut.onnx', trees.subarray(0, trees.length >> 1), /not an ONNX model \(truncated/],
      ['linear.onnx', fixture('linear-not-trees.onnx'), /not a tree ensemble: its graph has MatMul, Sigmoid/],
      [
        'unnamed.onnx',
        withMetadata(trees, {}),
        /does not say which features it takes.*sidecar unnamed\.json/,
      ],
      [
        'missing.onnx',
        withMetadata(trees, {
          feature_names: names.map((n, i) => (i === 3 ? 'no_such_feature' : n)).join(','),
        }),
        /takes features that dataset "tx" does not have: no_such_feature/,
      ],
      [
        'short.onnx',
        withMetadata(trees, {}),
        /names 21 features but its input "input" takes 22 columns/,
        { featureNames: names.slice(1) },
      ],
      [
        'both.onnx',
        withMetadata(trees, { feature_names: JSON.stringify(names) }),
        /"feature_names" metadata and both\.json name different features/,
        { featureNames: [...names].reverse() },
      ],
      [
        'dup.onnx',
        withMetadata(trees, { feature_names: ['amount', ...names.slice(1)].join(',') }),
        /names "amount" twice/,
      ],
      [
        'wide.onnx',
        fixture('xgb-cardio.onnx'),
        /names 22 features but its input "input" takes 21 columns/,
        { featureNames: names },
      ],
    ];
    const before = state(casePath);
    for (const [file, bytes, message, sidecar] of cases) {
      const p = writeFile(dir, file, typeof bytes === 'string' ? bytes : Buffer.from(bytes));
      if (sidecar) writeFileSync(p.replace(/\.onnx$/, '.json'), JSON.stringify(sidecar));
      const r = await score(host, p);
      expect(r.ok, file).toBe(false);
      if (r.ok) continue;
      expect(r.error, file).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(message) });
      if (!/does not have/.test(message.source)) expect((r.error as { file?: string }).file, file).toBe(file);
      expect(state(casePath), file).toEqual(before);
    }
  });
});
