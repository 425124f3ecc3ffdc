// Where a model's inputs come from: the dataset's stored point-in-time features (features_<id>),
// or its own columns through the column features kept in the model's metadata. A model trained
// elsewhere names raw columns ("V14", "f3"): a numeric column of that name is read as it is.
import type { ColumnInfo, DatasetInfo } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { tableOf } from '../db/case-store';
import {
  eventChunkColumns,
  featureChunkColumns,
  readChunks,
  textValues,
  type RowSet,
} from '../db/column-store';
import { featuresTable, readFeatureSet } from '../db/features-store';
import type { DB } from '../db/open-case';
import { columnFeatureValues, type ColumnFeature, type RawColumn } from './column-features';

/** How one model input is read. */
export type FeatureRef =
  | { from: 'stored'; name: string }
  | { from: 'column'; name: string; feature: ColumnFeature; column: ColumnInfo };

export type { RowSet };

const rowFilter = (rows: RowSet, idColumn: string): { sql: string; params: (number | string)[] } =>
  'eventId' in rows
    ? { sql: `WHERE ${idColumn} = ?`, params: [rows.eventId] }
    : 'step' in rows
      ? { sql: `WHERE ${idColumn} % ? = 0`, params: [rows.step] }
      : 'ids' in rows
        ? { sql: `WHERE ${idColumn} IN (SELECT value FROM json_each(?))`, params: [JSON.stringify(rows.ids)] }
        : { sql: '', params: [] };

/**
 * Reads `columns` of `table` for `rows`, ordered by `id`, into arrays made for the row count:
 * `make(n)` allocates them, `put(row, i)` fills row i. Returns the ids and how many rows came.
 */
function scan(
  db: DB,
  table: string,
  id: string,
  columns: string[],
  rows: RowSet,
  make: (n: number) => void,
  put: (row: unknown[], i: number) => void,
): { ids: Float64Array; n: number } {
  const where = rowFilter(rows, id);
  const n = db
    .prepare(`SELECT count(*) FROM ${table} ${where.sql}`)
    .pluck()
    .get(...where.params) as number;
  const ids = new Float64Array(n);
  make(n);
  const select = [id, ...columns.map((c) => `"${c}"`)].join(', ');
  const stmt = db.prepare(`SELECT ${select} FROM ${table} ${where.sql} ORDER BY ${id}`).raw();
  let i = 0;
  for (const row of stmt.iterate(...where.params) as IterableIterator<unknown[]>) {
    if (i >= n) break; // rows added since the count (not on a read snapshot, but cheap to guard)
    ids[i] = row[0] as number;
    put(row, i++);
  }
  return { ids: ids.subarray(0, i), n: i };
}

/** Columns of a dataset, as numbers (INTEGER, REAL) or text, in id order. */
export function readRawColumns(
  db: DB,
  ds: DatasetInfo,
  columns: ColumnInfo[],
  rows: RowSet = { all: true },
): { ids: Float64Array; raw: RawColumn[] } {
  // the typed chunks when they cover the rows (schema 8), else the rows
  const chunked = readChunks(db, ds.id, 'events', eventChunkColumns(columns).slice(1), rows);
  if (chunked)
    return {
      ids: chunked.ids,
      raw: chunked.columns.map((c) => ('codes' in c ? textValues(c) : (c as Float64Array))),
    };
  let raw: RawColumn[] = [];
  const { ids, n } = scan(
    db,
    tableOf(ds.id),
    '_id',
    columns.map((c) => c.sqlName),
    rows,
    (size) => {
      raw = columns.map((c) =>
        c.type === 'TEXT' ? new Array<string | null>(size).fill(null) : new Float64Array(size),
      );
    },
    (row, i) => {
      for (let c = 0; c < columns.length; c++) {
        const v = row[c + 1];
        const out = raw[c];
        if (out instanceof Float64Array) out[i] = v === null ? NaN : Number(v);
        else out[i] = v === null ? null : String(v);
      }
    },
  );
  return { ids, raw: raw.map((r) => (r instanceof Float64Array ? r.subarray(0, n) : r.slice(0, n))) };
}

/** Stored point-in-time features, in event-id order. */
export function readStoredFeatures(
  db: DB,
  datasetId: number,
  names: string[],
  rows: RowSet = { all: true },
): { ids: Float64Array; columns: Float32Array[] } {
  const chunked = readChunks(db, datasetId, 'features', featureChunkColumns(names), rows);
  if (chunked) return { ids: chunked.ids, columns: chunked.columns as Float32Array[] };
  let columns: Float32Array[] = [];
  const { ids, n } = scan(
    db,
    featuresTable(datasetId),
    'event_id',
    names,
    rows,
    (size) => {
      columns = names.map(() => new Float32Array(size));
    },
    (row, i) => {
      for (let f = 0; f < names.length; f++) {
        const v = row[f + 1] as number | null;
        columns[f][i] = v === null ? NaN : v;
      }
    },
  );
  return { ids, columns: columns.map((c) => c.subarray(0, n)) };
}

/**
 * How to read each of a model's inputs on a dataset; an input the dataset cannot give is an
 * error naming it.
 */
export function resolveFeatures(
  db: DB,
  ds: DatasetInfo,
  model: { name: string; featureNames: string[]; columnFeatures: ColumnFeature[] },
): FeatureRef[] {
  const stored = new Set(readFeatureSet(db, ds.id)?.names ?? []);
  const specs = new Map(model.columnFeatures.map((f) => [f.name, f]));
  const missing: string[] = [];
  const refs = model.featureNames.map((name): FeatureRef => {
    const spec = specs.get(name);
    const bySql = (sql: string) => ds.columns.find((c) => c.sqlName === sql);
    if (spec) {
      const column = bySql(spec.column);
      if (column) return { from: 'column', name, feature: spec, column };
    } else if (stored.has(name)) return { from: 'stored', name };
    else {
      // our own pass-through name, or a raw column named as a model trained elsewhere names it
      const column = name.startsWith('col.')
        ? bySql(name.slice(4))
        : (ds.columns.find((c) => c.name === name) ?? bySql(name));
      if (column && column.type !== 'TEXT')
        return {
          from: 'column',
          name,
          feature: { kind: 'number', name, column: column.sqlName, source: column.name },
          column,
        };
    }
    missing.push(name);
    return { from: 'stored', name };
  });
  if (missing.length) {
    fail(
      'BAD_REQUEST',
      `model "${model.name}" takes features that dataset "${ds.name}" does not have: ${missing.slice(0, 12).join(', ')}${missing.length > 12 ? ` and ${missing.length - 12} more` : ''}`,
    );
  }
  return refs;
}

const sameIds = (a: Float64Array, b: Float64Array) =>
  a.length === b.length && a.every((id, i) => id === b[i]);

/** Columns indexed by `from` ids, re-indexed by `to` ids (NaN where an id has no value). */
function alignTo(to: Float64Array, from: Float64Array, columns: Float32Array[]): Float32Array[] {
  const at = new Map<number, number>();
  from.forEach((id, i) => at.set(id, i));
  return columns.map((c) => Float32Array.from(to, (id) => (at.has(id) ? c[at.get(id)!] : NaN)));
}

/** The model's inputs for `rows`, in its order, as columns (ids in ascending order). */
export function readFeatures(
  db: DB,
  ds: DatasetInfo,
  refs: FeatureRef[],
  rows: RowSet = { all: true },
): { ids: Float64Array; columns: Float32Array[] } {
  const storedRefs = refs.filter((r) => r.from === 'stored').map((r) => r.name);
  const columnRefs = refs.filter((r): r is Extract<FeatureRef, { from: 'column' }> => r.from === 'column');
  const sources = [...new Map(columnRefs.map((r) => [r.column.sqlName, r.column])).values()];
  const stored = storedRefs.length ? readStoredFeatures(db, ds.id, storedRefs, rows) : null;
  const raw = readRawColumns(db, ds, sources, rows);
  // Events without stored features yet (added since the last build) read as missing values;
  // scoring and training check that the features are current before they read.
  const storedColumns =
    stored && !sameIds(stored.ids, raw.ids) ? alignTo(raw.ids, stored.ids, stored.columns) : stored?.columns;
  const columns = refs.map((r) => {
    if (r.from === 'stored') return storedColumns![storedRefs.indexOf(r.name)];
    return columnFeatureValues(r.feature, raw.raw[sources.findIndex((c) => c.sqlName === r.column.sqlName)]);
  });
  return { ids: raw.ids, columns };
}
