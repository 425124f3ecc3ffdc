// The typed column chunks beside a dataset's rows (schema 8): written by every path that writes
// rows, equal to the rows, read by models in their place, and never trusted over the rows.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  CHUNK_ROWS,
  chunksCurrent,
  decodeChunk,
  encodeChunk,
  eventChunkColumns,
  featureChunkColumns,
  readChunks,
  textValues,
  type ChunkValues,
} from '../../src-main/engine/db/column-store';
import { listDatasets } from '../../src-main/engine/db/case-store';
import { call, hostWithCase, ingest, job, writeFile } from './helpers';

const T0 = Date.UTC(2026, 2, 1);

/** Rows with a time, a text entity (some empty), an integer and a real with gaps, and a label. */
function csv(from: number, to: number): string {
  const lines = ['ts,user,ip,amount,score,note,label'];
  for (let i = from; i < to; i++) {
    const note = i % 97 === 0 ? '' : i % 5 === 0 ? `"ünïcode, ${i % 13}"` : `n${i % 3}`;
    lines.push(
      `${new Date(T0 + i * 60_000).toISOString()},u${i % 40},10.0.${i % 7}.1,${(i * 37) % 500},${i % 11 === 0 ? '' : ((i % 17) / 3).toFixed(4)},${note},${i % 53 === 0 ? 1 : 0}`,
    );
  }
  return lines.join('\n') + '\n';
}

const values = (c: ChunkValues) => ('codes' in c ? textValues(c) : Array.from(c));

/** The dataset's rows and its chunks, read through a connection of their own. */
function compare(casePath: string, datasetId = 1) {
  const db = new Database(casePath, { readonly: true });
  try {
    const ds = listDatasets(db).find((d) => d.id === datasetId)!;
    const specs = eventChunkColumns(ds.columns);
    const chunked = readChunks(db, ds.id, 'events', specs);
    const rows = db
      .prepare(`SELECT _id, ${specs.map((s) => `"${s.name}"`).join(', ')} FROM ds_${ds.id} ORDER BY _id`)
      .raw()
      .all() as (number | string | null)[][];
    const fromRows = specs.map((s, c) =>
      rows.map((r) => (r[c + 1] === null ? (s.kind === 'text' ? null : NaN) : r[c + 1])),
    );
    return {
      current: chunksCurrent(
        db,
        ds.id,
        'events',
        specs.map((s) => s.name),
      ),
      chunked: chunked && { ids: Array.from(chunked.ids), columns: chunked.columns.map(values) },
      rows: { ids: rows.map((r) => r[0] as number), columns: fromRows },
    };
  } finally {
    db.close();
  }
}

describe('column chunks', () => {
  it('encode and decode numbers, float32 features and text with nulls', () => {
    const f64 = Float64Array.from([1.5, NaN, -0, 2 ** 53, 1e-300]);
    expect(Array.from(decodeChunk('f64', encodeChunk('f64', f64, 5), 5) as Float64Array)).toEqual(
      Array.from(f64),
    );
    const f32 = decodeChunk('f32', encodeChunk('f32', [0.1, NaN, 3], 3), 3) as Float32Array;
    expect(Array.from(f32)).toEqual([Math.fround(0.1), NaN, 3]);
    const text = ['a', null, 'ünï "q"', 'a', ''];
    expect(textValues(decodeChunk('text', encodeChunk('text', text, 5), 5) as never)).toEqual(text);
    // a blob that is not what the engine writes is refused, never read past its end
    const good = encodeChunk('text', text, 5);
    const bad = [
      encodeChunk('f64', f64, 5).subarray(0, 20),
      encodeChunk('f32', [1, 2], 2),
      Buffer.concat([good.subarray(0, 4), Buffer.from([255, 255, 0, 0]), good.subarray(8)]),
      (() => {
        const b = Buffer.from(good);
        b.writeInt32LE(99, b.length - 4); // a code beyond the dictionary
        return b;
      })(),
    ];
    expect(() => decodeChunk('f64', bad[0], 5)).toThrow();
    expect(() => decodeChunk('f64', bad[1], 2)).toThrow();
    expect(() => decodeChunk('text', bad[2], 5)).toThrow();
    expect(() => decodeChunk('text', bad[3], 5)).toThrow();
  });

  it('are written by an import, an append, injections and their removal, always equal to the rows', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const n = CHUNK_ROWS + 1500; // two chunks, the second partial
    const first = await ingest(host, { path: writeFile(dir, 'a.csv', csv(0, n)), name: 'tx' });
    if (!first.ok) throw new Error(JSON.stringify(first.error));
    let c = compare(casePath);
    expect(c.current).toBe(true);
    expect(c.chunked).toEqual(c.rows);
    expect(c.rows.ids.length).toBe(n);
    expect(c.chunked!.columns[6].filter((v) => v === null).length).toBeGreaterThan(0); // empty notes

    // an append fills the partial chunk and goes on
    const more = await ingest(host, { path: writeFile(dir, 'b.csv', csv(n, n + 20_000)), appendTo: 1 });
    if (!more.ok) throw new Error(JSON.stringify(more.error));
    c = compare(casePath);
    expect(c.current).toBe(true);
    expect(c.chunked).toEqual(c.rows);
    expect(c.rows.ids.length).toBe(n + 20_000);

    const inj = await call(host, 'scenario.inject', { datasetId: 1, scenario: 'velocity_spike', seed: 2 });
    c = compare(casePath);
    expect(c.current).toBe(true);
    expect(c.chunked).toEqual(c.rows);
    expect(c.rows.ids.length).toBe(n + 20_000 + inj.events);

    await call(host, 'scenario.remove', { injectionId: inj.injectionId });
    c = compare(casePath);
    expect(c.current).toBe(true);
    expect(c.chunked).toEqual(c.rows);
    expect(c.rows.ids.length).toBe(n + 20_000);
  });

  it('hold the stored features, and models read the same values from chunks as from rows', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 'a.csv', csv(0, 6000)), name: 'tx' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    await job(host, 'features.build', { datasetId: 1 });
    const db = new Database(casePath, { readonly: true });
    let names: string[];
    try {
      names = JSON.parse(
        db.prepare('SELECT names FROM feature_sets WHERE dataset_id = 1').pluck().get() as string,
      ) as string[];
      const chunked = readChunks(db, 1, 'features', featureChunkColumns(names));
      expect(chunked).not.toBeNull();
      const rows = db
        .prepare(`SELECT ${names.map((x) => `"${x}"`).join(', ')} FROM features_1 ORDER BY event_id`)
        .raw()
        .all() as (number | null)[][];
      names.forEach((_, f) =>
        expect(Array.from(chunked!.columns[f] as Float32Array)).toEqual(
          rows.map((row) => (row[f] === null ? NaN : Math.fround(row[f]!))),
        ),
      );
    } finally {
      db.close();
    }
    const fromChunks = await job(host, 'model.train', {
      datasetId: 1,
      model: 'gbdt',
      label: 'label',
      trees: 20,
    });
    const inChunks = await job(host, 'model.train', { datasetId: 1, model: 'iforest', label: 'label' });
    // the amount column is already the point-in-time feature "amount": not given twice
    expect(fromChunks.columns).toContainEqual({
      column: 'amount',
      use: 'skipped',
      why: 'same values as the feature amount',
    });
    expect(fromChunks.model.featureNames).toContain('amount');
    expect(fromChunks.model.featureNames).not.toContain('col.amount');
    // without chunks (a case from before schema 8, or chunks that do not decode): the rows
    await host.close();
    const w = new Database(casePath);
    w.prepare("UPDATE column_chunks SET data = x'0102' WHERE name = 'amount' AND chunk = 0").run();
    w.prepare("DELETE FROM column_chunks WHERE source = 'features' AND chunk = 0").run();
    w.close();
    const { EngineHost } = await import('../../src-main/engine/host');
    const again = new EngineHost({ shell: 'cli' });
    try {
      await call(again, 'case.open', { path: casePath });
      const fromRows = await job(again, 'model.train', {
        datasetId: 1,
        model: 'gbdt',
        label: 'label',
        trees: 20,
      });
      expect(fromRows.model.featureNames).toEqual(fromChunks.model.featureNames);
      expect(fromRows.test).toEqual(fromChunks.test);
      expect(fromRows.validation).toEqual(fromChunks.validation);
      const iforest = await job(again, 'model.train', { datasetId: 1, model: 'iforest', label: 'label' });
      expect(iforest.test).toEqual(inChunks.test);
      // building the features again writes the chunks anew
      await job(again, 'features.build', { datasetId: 1, force: true });
      const check = new Database(casePath, { readonly: true });
      try {
        const ds = listDatasets(check)[0];
        expect(chunksCurrent(check, 1, 'features', names)).toBe(true);
        expect(readChunks(check, 1, 'events', eventChunkColumns(ds.columns))).not.toBeNull();
      } finally {
        check.close();
      }
    } finally {
      await again.close();
    }
  });

  it('are not read when another installation wrote them (a case from elsewhere): the rows are, and the chunks are written again', async () => {
    const { host, dir, casePath } = await hostWithCase();
    const r = await ingest(host, { path: writeFile(dir, 'a.csv', csv(0, 3000)), name: 'tx' });
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const honest = await job(host, 'model.train', { datasetId: 1, model: 'gbdt', label: 'label', trees: 10 });
    await host.close();
    // chunks that decode well but hold other amounts, marked as written by someone else
    const w = new Database(casePath);
    const n = w
      .prepare("SELECT rows FROM column_chunks WHERE source = 'events' AND name = 'amount' AND chunk = 0")
      .pluck()
      .get() as number;
    w.prepare(
      "UPDATE column_chunks SET data = ? WHERE source = 'events' AND name = 'amount' AND chunk = 0",
    ).run(encodeChunk('f64', new Float64Array(n).fill(123456), n));
    w.prepare("UPDATE case_meta SET value = 'someone else' WHERE key LIKE 'chunks:%'").run();
    w.close();
    const { EngineHost } = await import('../../src-main/engine/host');
    const again = new EngineHost({ shell: 'cli' });
    try {
      await call(again, 'case.open', { path: casePath });
      const t = await job(again, 'model.train', { datasetId: 1, model: 'gbdt', label: 'label', trees: 10 });
      // from the rows, not the forged chunks (read, the forged amounts would differ from the
      // feature "amount" and come in as a column of their own)
      expect(t.model.featureNames).toEqual(honest.model.featureNames);
      expect(t.model.featureNames).not.toContain('col.amount');
      expect(t.test).toEqual(honest.test);
      await job(again, 'features.build', { datasetId: 1, force: true });
    } finally {
      await again.close();
    }
    const c = compare(casePath);
    expect(c.chunked).toEqual(c.rows); // written again, from the rows, under this installation's mark
  });
});
