// A dataset's own columns as model inputs: numbers pass through, yes/no as 0/1, categories as
// frequencies (and 0/1 per value for a handful) fitted on the training rows only, free text as
// character statistics; never the time, the label or an identifier. Through the product's path
// (ingest, train, score, explain) on files written here and on ADBench's cardio.
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  columnFeatureValues,
  fitColumnFeatures,
  textStat,
  type RawColumn,
} from '../../src-main/engine/models/column-features';
import type { ColumnInfo } from '../../src-shared/domain';
import { call, hostWithCase, ingest, job, jobResult, snapshot, tableWithoutTime, writeFile } from './helpers';

const col = (name: string, type: ColumnInfo['type']): ColumnInfo => ({
  name,
  sqlName: name.toLowerCase(),
  type,
  role: null,
});
const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);
const T0 = Date.UTC(2026, 9, 5);

describe('column features, fitted on the training rows', () => {
  it('pass numbers through, leave identifiers and constants out, and encode text by what it is', () => {
    const n = 400;
    const columns = [
      col('V1', 'REAL'),
      col('TransactionID', 'INTEGER'),
      col('Const', 'INTEGER'),
      col('M1', 'TEXT'),
      col('ProductCD', 'TEXT'),
      col('Payload', 'TEXT'),
      col('Token', 'TEXT'),
    ];
    const raw: RawColumn[] = [
      Float64Array.from({ length: n }, (_, i) => Math.sin(i)),
      Float64Array.from({ length: n }, (_, i) => 1000 + i),
      new Float64Array(n).fill(7),
      Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 'T' : i % 7 === 0 ? null : 'F')),
      // "R" appears only after the training rows: unseen in training
      Array.from({ length: n }, (_, i) => (i >= 300 && i % 10 === 0 ? 'R' : ['W', 'H', 'C'][i % 3])),
      Array.from({ length: n }, (_, i) =>
        i === 5 ? "id=1' OR '1'='1' -- select * from users" : `GET /items/${i}?page=${i % 9} HTTP/1.1 ok`,
      ),
      Array.from({ length: n }, (_, i) => `tok${i}x`),
    ];
    const train = range(0, 280);
    const { features, uses } = fitColumnFeatures(columns, raw, train);
    expect(uses).toEqual([
      { column: 'V1', use: 'number' },
      { column: 'TransactionID', use: 'skipped', why: 'an identifier (every value different, counting up)' },
      { column: 'Const', use: 'skipped', why: 'the same value (or empty) on every training row' },
      { column: 'M1', use: 'flag' },
      { column: 'ProductCD', use: 'category' },
      { column: 'Payload', use: 'text' },
      { column: 'Token', use: 'category' },
    ]);
    const byName = new Map(features.map((f) => [f.name, f]));
    expect([...byName.keys()].filter((k) => k.startsWith('col.productcd'))).toEqual([
      'col.productcd.freq',
      'col.productcd.is0',
      'col.productcd.is1',
      'col.productcd.is2',
    ]);
    const m1 = columnFeatureValues(byName.get('col.m1')!, raw[3]);
    expect([m1[0], m1[1], m1[7]]).toEqual([1, 0, NaN]);
    const freq = columnFeatureValues(byName.get('col.productcd.freq')!, raw[4]);
    expect(freq[0]).toBeCloseTo(94 / 280, 6); // "W" on rows 0, 3, 6, … of the 280 training rows
    expect(freq[300]).toBe(0); // "R": never seen in training
    const len = columnFeatureValues(byName.get('col.payload.length')!, raw[5]);
    const meta = columnFeatureValues(byName.get('col.payload.metachars')!, raw[5]);
    expect(len[5]).toBe(String(raw[5][5]).length);
    expect(meta[5]).toBeGreaterThan(meta[6] + 5);
  });

  it('measures text: length, shares of digits, letters, punctuation and non-ASCII, entropy, metacharacters, longest token', () => {
    expect(textStat('ab12', 'digits')).toBe(0.5);
    expect(textStat('ab12', 'letters')).toBe(0.5);
    expect(textStat('a, b!', 'punctuation')).toBeCloseTo(2 / 5, 6);
    expect(textStat('né', 'non_ascii')).toBe(0.5);
    expect(textStat('aaaa', 'entropy')).toBe(0);
    expect(textStat('abcd', 'entropy')).toBe(2);
    expect(textStat("' OR 1=1 --", 'metachars')).toBe(3);
    expect(textStat('GET /a/very/long/path x', 'longest_token')).toBe(17);
  });
});

describe('a dataset without times, through a case', () => {
  it('trains on its columns with a stratified shuffled split, and is scored on them', async () => {
    const { host, dir } = await hostWithCase();
    const r = await ingest(host, {
      path: writeFile(dir, 'table.csv', tableWithoutTime(2000)),
      name: 'table',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const t = await job(host, 'model.train', { datasetId: 1, model: 'iforest', label: 'label' });
    expect(t.split).toBe('shuffle');
    expect(t.columns.map((c) => `${c.column}:${c.use}`)).toEqual(
      ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'].map((c) => `${c}:number`),
    );
    expect(t.model.featureNames).toEqual(['f0', 'f1', 'f2', 'f3', 'f4', 'f5'].map((c) => `col.${c}`));
    // no windows, no calendar: the point-in-time features that need a time are not built
    const f = await job(host, 'features.build', { datasetId: 1, force: true });
    expect(f.features).toEqual([]);
    expect(t.test!.positives).toBe(8); // 40 anomalies, a fifth of them in the test slice
    expect(t.test!.rocAuc!).toBeGreaterThan(0.95);
    expect(t.all!.rocAuc!).toBeGreaterThan(0.95);
    const s = await job(host, 'model.score', { datasetId: 1, modelId: t.model.id });
    expect(s.rows).toBe(2000);
    const feed = await call(host, 'feed.page', { datasetId: 1, view: 'all', offset: 0, limit: 40 });
    const hits = feed.items.filter((i) => (i.eventId - 1) % 50 === 7).length;
    expect(hits).toBeGreaterThanOrEqual(36);
    const ex = await call(host, 'feed.explain', { datasetId: 1, eventId: feed.items[0].eventId });
    expect(ex.reasons.map((x) => x.label).some((l) => l === '"f2"' || l === '"f4"')).toBe(true);
  });

  it('refuses columns it cannot learn from, naming them, and a column the dataset lacks; the case stays as it was', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const lines = ['id,kind,label'];
    for (let i = 0; i < 300; i++) lines.push(`${i + 1},same,${i % 30 === 0 ? 1 : 0}`);
    const r = await ingest(host, { path: writeFile(dir, 'flat.csv', lines.join('\n') + '\n'), name: 'flat' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    await job(host, 'features.build', { datasetId: 1 });
    const before = snapshot(casePath);
    expect(
      await jobResult(host, 'model.train', { datasetId: 1, model: 'gbdt', label: 'label' }),
    ).toMatchObject({
      ok: false,
      error: {
        code: 'BAD_REQUEST',
        message: expect.stringMatching(
          /every feature is empty or constant on the training rows.*columns left out: id \(an identifier.*kind \(the same value/,
        ),
      },
    });
    expect(
      await jobResult(host, 'model.train', { datasetId: 1, model: 'gbdt', columns: ['nope'] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST', column: 'nope', message: expect.stringMatching(/has no column "nope"/) },
    });
    expect(
      await jobResult(host, 'model.train', {
        datasetId: 1,
        model: 'gbdt',
        label: 'label',
        columns: ['label'],
      }),
    ).toMatchObject({ ok: false, error: { message: expect.stringMatching(/"label" is the label/) } });
    expect(snapshot(casePath)).toEqual(before);
  });
});

/** Card rows with a category whose late value training never saw, a payload and a yes/no column. */
function cardRows(): string {
  const lines = ['ts,card,amount,channel,note,foreign,is_fraud'];
  for (let i = 0; i < 4000; i++) {
    const fraud = i % 97 === 11;
    const channel = i > 3500 && i % 5 === 0 ? 'kiosk' : ['web', 'pos', 'app'][i % 3];
    const note = fraud
      ? `refund request <script>alert(${i})</script> "urgent"; -- ${i}`
      : `regular purchase number ${i} at store ${i % 13}`;
    lines.push(
      `${new Date(T0 + i * 60_000).toISOString()},c${i % 40},${(fraud ? 900 : 20) + (i % 17)},${channel},"${note.replace(/"/g, '""')}",${fraud || i % 9 === 0 ? 'Y' : 'N'},${fraud ? 1 : 0}`,
    );
  }
  return lines.join('\n') + '\n';
}

describe('a transaction file with categories, text and flags', () => {
  it('uses them in trees, scores new values it never saw, and explains with them', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 'cards.csv', cardRows()), name: 'cards' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const t = await job(host, 'model.train', { datasetId: 1, model: 'gbdt', label: 'is_fraud' });
    expect(t.split).toBe('time');
    expect(Object.fromEntries(t.columns.map((c) => [c.column, c.use]))).toMatchObject({
      card: 'category',
      amount: 'skipped', // the point-in-time feature "amount" already gives its values
      channel: 'category',
      note: 'text',
      foreign: 'flag',
    });
    expect(t.columns.some((c) => c.column === 'is_fraud' || c.column === 'ts')).toBe(false);
    expect(t.model.featureNames).toEqual(
      expect.arrayContaining(['col.note.metachars', 'col.foreign', 'col.channel.freq']),
    );
    expect(t.test!.rocAuc!).toBeGreaterThan(0.99);
    // the encoders are in the model's metadata: "kiosk" (only after training) counts as never seen
    const db = new Database(casePath, { readonly: true });
    const meta = JSON.parse(
      db.prepare('SELECT metadata FROM models WHERE id = ?').pluck().get(t.model.id) as string,
    ) as {
      columnFeatures: { name: string; shares?: Record<string, number> }[];
    };
    db.close();
    const channel = meta.columnFeatures.find((f) => f.name === 'col.channel.freq')!;
    expect(Object.keys(channel.shares!).sort()).toEqual(['app', 'pos', 'web']);
    const s = await job(host, 'model.score', { datasetId: 1, modelId: t.model.id });
    expect(s.rows).toBe(4000);
    const feed = await call(host, 'feed.page', { datasetId: 1, view: 'all', offset: 0, limit: 5 });
    const top = feed.items[0];
    const ex = await call(host, 'feed.explain', { datasetId: 1, eventId: top.eventId });
    expect(ex.reasons.length).toBeGreaterThan(0);
    expect(ex.reasons.map((x) => x.label).join(' | ')).toMatch(/"note"|"amount"|"foreign"/);
    // a second model with its own encoders of the same columns: each is re-scored with its own
    const forest = await job(host, 'model.train', { datasetId: 1, model: 'iforest' });
    expect(forest.model.featureNames).toContain('col.channel.freq');
    await job(host, 'model.score', { datasetId: 1, modelId: forest.model.id });
    const both = await call(host, 'feed.explain', { datasetId: 1, eventId: top.eventId });
    expect(both.reasons.length).toBeGreaterThan(0);
    // events added since the features were built (an injection) do not stop explanations
    expect(
      (await host.call('scenario.inject', { datasetId: 1, scenario: 'velocity_spike', seed: 3 })).ok,
    ).toBe(true);
    const again = await call(host, 'feed.explain', { datasetId: 1, eventId: top.eventId });
    expect(again.reasons.map((r) => r.label)).toEqual(both.reasons.map((r) => r.label));
  });
});

const shared = path.resolve(__dirname, '../../../shared/data');

describe('an XGBoost model trained elsewhere on raw columns', () => {
  it('scores a dataset by its column names as XGBoost did (ADBench cardio, with missing values)', async () => {
    const e = JSON.parse(
      readFileSync(path.resolve(__dirname, '../fixtures/xgb-cardio.expected.json'), 'utf8'),
    ) as {
      missing: { column: number; everyNthRow: number };
      probabilities: number[];
    };
    const lines = readFileSync(path.join(shared, 'adbench/cardio.csv'), 'utf8').trim().split('\n');
    const withGaps = [
      lines[0],
      ...lines.slice(1).map((l, i) =>
        l
          .split(',')
          .map((v, f) => (f === e.missing.column && i % e.missing.everyNthRow === 0 ? '' : v))
          .join(','),
      ),
    ];
    const { host, dir } = await hostWithCase();
    const r = await ingest(host, {
      path: writeFile(dir, 'cardio.csv', withGaps.join('\n') + '\n'),
      name: 'cardio',
    });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const s = await job(host, 'model.score', {
      datasetId: 1,
      path: path.resolve(__dirname, '../fixtures/xgb-cardio-zipmap.onnx'),
    });
    expect(s.rows).toBe(e.probabilities.length);
    const caseFile = (await call(host, 'case.info', {})).path;
    const db = new Database(caseFile, { readonly: true });
    const scores = db.prepare('SELECT score FROM scores ORDER BY event_id').pluck().all() as number[];
    db.close();
    let worst = 0;
    for (let i = 0; i < scores.length; i++) worst = Math.max(worst, Math.abs(scores[i] - e.probabilities[i]));
    expect(worst).toBeLessThan(1e-5);
  });
});
