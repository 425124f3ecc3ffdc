// Stored features: table `features_<dataset id>` (event_id, one REAL column per feature) and
// a row in feature_sets saying what was built from what. Written in one transaction.
import { AppFailure, fail } from '../../../src-shared/result';
import { isCancelled } from '../ingest/protocol';
import type { StoredFeatureSet } from '../features/plan';
import type { DB } from './open-case';
import { read, write, type JobTicket } from './session-ops';
import type { DatasetInfo } from '../../../src-shared/domain';
import { featuresTable, tableOf } from './case-store';
import {
  ChunkWriter,
  eventChunkColumns,
  featureChunkColumns,
  readChunks,
  rebuildChunks,
} from './column-store';

export { featuresTable };
const FEATURE_NAME = /^[a-z][a-z0-9_]{0,47}$/;

export function readFeatureSet(db: DB, datasetId: number): StoredFeatureSet | null {
  const row = db
    .prepare('SELECT names, config_hash, max_event_id FROM feature_sets WHERE dataset_id = ?')
    .get(datasetId) as { names: string; config_hash: string; max_event_id: number } | undefined;
  if (!row) return null;
  let names: unknown;
  try {
    names = JSON.parse(row.names);
  } catch {
    return null; // an altered list: as if there were no features (they are built again)
  }
  if (!Array.isArray(names) || !names.every((n) => typeof n === 'string' && FEATURE_NAME.test(n)))
    return null;
  return { names, configHash: row.config_hash, maxEventId: row.max_event_id };
}

export interface FeatureWrite {
  datasetId: number;
  mode: 'full' | 'incremental';
  names: string[];
  configHash: string;
  /** Event ids of the rows to write, and one column of values per feature (NaN = NULL). */
  ids: Float64Array;
  values: Float64Array[];
  maxEventId: number;
  totalRows: number;
  seconds: number;
}

const CHUNK = 16_384;

/** Writes in chunks, yielding between them so queries on the reader are answered meanwhile. */
export async function writeFeatures(
  db: DB,
  w: FeatureWrite,
  cancel: Int32Array,
  onProgress: (rows: number) => void,
): Promise<void> {
  for (const n of w.names)
    if (!FEATURE_NAME.test(n))
      throw new AppFailure({ code: 'BAD_REQUEST', message: `not a feature name: ${n}` });
  const table = featuresTable(w.datasetId);
  db.exec('BEGIN IMMEDIATE');
  try {
    if (w.mode === 'full') {
      db.exec(`DROP TABLE IF EXISTS ${table}`);
      db.exec(
        `CREATE TABLE ${table} (${['event_id INTEGER PRIMARY KEY', ...w.names.map((n) => `"${n}" REAL`)].join(', ')}) STRICT`,
      );
    }
    const full =
      w.mode === 'full'
        ? new ChunkWriter(db, w.datasetId, 'features', featureChunkColumns(w.names), 0)
        : null;
    const stmt = db.prepare(
      `INSERT OR REPLACE INTO ${table} (${['event_id', ...w.names.map((n) => `"${n}"`)].join(', ')}) VALUES (?${', ?'.repeat(w.names.length)})`,
    );
    const k = w.names.length;
    const row = new Array<number | null>(k + 1);
    for (let start = 0; start < w.ids.length; start += CHUNK) {
      if (isCancelled(cancel))
        throw new AppFailure({ code: 'CANCELLED', message: 'feature build cancelled' });
      const end = Math.min(w.ids.length, start + CHUNK);
      for (let i = start; i < end; i++) {
        row[0] = w.ids[i];
        for (let f = 0; f < k; f++) {
          const v = w.values[f][i];
          row[f + 1] = v === v && Number.isFinite(v) ? v : null;
        }
        stmt.run(...row);
      }
      full?.add(
        w.ids.subarray(start, end),
        w.values.map((v) => v.subarray(start, end)),
      );
      onProgress(end);
      await new Promise<void>((r) => setImmediate(r));
    }
    // the typed chunks beside the rows: from the arrays in hand, or (new rows among old ones)
    // rebuilt from the rows written onwards
    if (full) full.finish();
    else if (w.ids.length)
      rebuildChunks(
        db,
        w.datasetId,
        'features',
        featureChunkColumns(w.names),
        w.ids.reduce((a, b) => Math.min(a, b)),
      );
    db.prepare(
      `INSERT INTO feature_sets (dataset_id, names, config_hash, rows, max_event_id, computed_at, seconds)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (dataset_id) DO UPDATE SET names = excluded.names, config_hash = excluded.config_hash,
         rows = excluded.rows, max_event_id = excluded.max_event_id, computed_at = excluded.computed_at, seconds = excluded.seconds`,
    ).run(
      w.datasetId,
      JSON.stringify(w.names),
      w.configHash,
      w.totalRows,
      w.maxEventId,
      new Date().toISOString(),
      w.seconds,
    );
    db.exec('COMMIT');
  } catch (e) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

/** The stored features cover every event of the dataset as it is now. */
export function featuresCurrent(db: DB, datasetId: number): boolean {
  const set = readFeatureSet(db, datasetId);
  if (!set) return false;
  const now = db.prepare(`SELECT count(*) AS n, max(_id) AS max FROM ${tableOf(datasetId)}`).get() as {
    n: number;
    max: number | null;
  };
  const have = db
    .prepare(`SELECT count(*) FROM ${featuresTable(datasetId)}`)
    .pluck()
    .get() as number;
  return have === now.n && set.maxEventId === (now.max ?? 0);
}

/**
 * Writes the typed chunks of a dataset's events again when they do not cover its rows or do
 * not decode: a dataset imported before schema 8 gets them when its features are built.
 */
export function ensureEventChunks(db: DB, ds: DatasetInfo): void {
  const specs = eventChunkColumns(ds.columns);
  db.transaction(() => {
    // (current and decoding: a damaged chunk is written again from the rows)
    if (!readChunks(db, ds.id, 'events', specs)) rebuildChunks(db, ds.id, 'events', specs, 0);
  })();
}

export const featureOps = {
  featuresCurrent: read((s, datasetId: number) => featuresCurrent(s.reader, s.dataset(datasetId).id)),
  /** Stores computed features (one transaction, after any write ahead of it). */
  writeFeatures: write(async (s, ticket: JobTicket, w: FeatureWrite) => {
    const job = s.job(ticket);
    if (job.cancelled()) return fail('CANCELLED', 'feature build cancelled');
    await writeFeatures(s.writer, w, job.cancel, (rows) => job.progress(rows, 0, 'writing'));
    ensureEventChunks(s.writer, s.dataset(w.datasetId));
    s.scheduleCheckpoint();
    return null;
  }),
};
