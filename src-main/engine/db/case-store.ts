// Reading case metadata: datasets and their columns.
import {
  CANONICAL_ROLES,
  type CaseInfo,
  type ColumnInfo,
  type DatasetInfo,
} from '../../../src-shared/domain';
import type { DatasetColumn } from '../../../src-shared/contract';
import { fail } from '../../../src-shared/result';
import type { DB } from './open-case';
import { read, write } from './session-ops';

export const tableOf = (datasetId: number): string => `ds_${datasetId}`;
/** A dataset's stored point-in-time features (features-store.ts). */
export const featuresTable = (datasetId: number): string => `features_${datasetId}`;

interface DatasetRow {
  id: number;
  name: string;
  format: DatasetInfo['format'];
  source_file: string | null;
  row_count: number;
  time_column: string | null;
  created_at: string;
  ingest_seconds: number | null;
}

// A case file may come from anyone: what is read from it and later put into SQL as an
// identifier must have the shape the engine itself writes.
const SQL_NAME = /^[a-z_][a-z0-9_]{0,63}$/;
const TYPES = new Set(['INTEGER', 'REAL', 'TEXT']);
const FORMATS = new Set(['csv', 'tsv', 'jsonl', 'syslog', 'parquet']);

export function listDatasets(db: DB): DatasetInfo[] {
  const rows = db.prepare('SELECT * FROM datasets ORDER BY id').all() as DatasetRow[];
  const cols = db
    .prepare(
      'SELECT dataset_id, name, sql_name, type, role FROM dataset_columns ORDER BY dataset_id, ordinal',
    )
    .all() as {
    dataset_id: number;
    name: string;
    sql_name: string;
    type: ColumnInfo['type'];
    role: ColumnInfo['role'];
  }[];
  const byDataset = new Map<number, ColumnInfo[]>();
  for (const c of cols) {
    if (
      !SQL_NAME.test(c.sql_name) ||
      !TYPES.has(c.type) ||
      (c.role !== null && !(CANONICAL_ROLES as readonly string[]).includes(c.role))
    ) {
      fail(
        'NOT_A_CASE',
        `dataset ${c.dataset_id} has a malformed column entry (${JSON.stringify(c.sql_name).slice(0, 80)}): this case file was altered`,
      );
    }
    let list = byDataset.get(c.dataset_id);
    if (!list) byDataset.set(c.dataset_id, (list = []));
    list.push({ name: c.name, sqlName: c.sql_name, type: c.type, role: c.role });
  }
  for (const r of rows) {
    if (
      !Number.isSafeInteger(r.id) ||
      r.id < 1 ||
      !FORMATS.has(r.format) ||
      !Number.isSafeInteger(r.row_count) ||
      r.row_count < 0 ||
      (r.ingest_seconds !== null && !(r.ingest_seconds >= 0))
    ) {
      fail(
        'NOT_A_CASE',
        `dataset ${JSON.stringify(r.name)} has a malformed entry: this case file was altered`,
      );
    }
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    format: r.format,
    sourceFile: r.source_file,
    rows: r.row_count,
    columns: byDataset.get(r.id) ?? [],
    timeColumn: r.time_column,
    createdAt: r.created_at,
    ingestSeconds: r.ingest_seconds,
  }));
}

export function caseInfo(db: DB, path: string): CaseInfo {
  return {
    path,
    schemaVersion: db.pragma('user_version', { simple: true }) as number,
    datasets: listDatasets(db),
  };
}

const SAMPLE_ROWS = 10_000;
const EXAMPLES = 5;

/** A dataset's columns, each with what its first rows hold: empties, distinct values, examples. */
export function datasetColumns(db: DB, ds: DatasetInfo): DatasetColumn[] {
  if (!ds.columns.length) return [];
  const sample = `(SELECT * FROM ${tableOf(ds.id)} ORDER BY _id LIMIT ${SAMPLE_ROWS})`;
  const counts = db
    .prepare(
      `SELECT count(*), ${ds.columns.map((c) => `count("${c.sqlName}"), count(DISTINCT "${c.sqlName}")`).join(', ')} FROM ${sample}`,
    )
    .raw()
    .get() as number[];
  const sampled = counts[0];
  return ds.columns.map((c, i) => ({
    ...c,
    sampled,
    nulls: sampled - counts[1 + 2 * i],
    distinct: counts[2 + 2 * i],
    examples: db
      .prepare(
        `SELECT DISTINCT "${c.sqlName}" FROM ${sample} WHERE "${c.sqlName}" IS NOT NULL LIMIT ${EXAMPLES}`,
      )
      .pluck()
      .all() as (string | number)[],
  }));
}

/** What the DB worker answers about the case itself. */
export const caseOps = {
  info: read((s) => s.info()),
  columns: read((s, datasetId: number) => datasetColumns(s.reader, s.dataset(datasetId))),
  /** Sets a key of the case's own description (case_meta). */
  setMeta: write(
    (s, key: string, value: string) => {
      s.writer.prepare('INSERT OR REPLACE INTO case_meta (key, value) VALUES (?, ?)').run(key, value);
      return null;
    },
    { keepsRankings: true },
  ),
};
