// One page of a dataset's events, sorted and filtered in SQL. Parameters are always bound;
// identifiers come only from the dataset's own column list.
import type { CellValue, DatasetInfo, EventsQuery, FilterOp } from '../../../src-shared/domain';
import { fail } from '../../../src-shared/result';
import { tableOf } from './case-store';

export interface PageSql {
  /** Rows of the page, in order. */
  rows: { sql: string; params: CellValue[] };
  /** Count of all matching rows. Null when the dataset's row count is the answer. */
  count: { sql: string; params: CellValue[] } | null;
  /** Column the query sorts or filters on, worth an index. */
  indexColumns: string[];
  columns: string[];
  /** The number of matching rows, when known without a count query. */
  knownTotal: number | null;
}

/** Resolves a text filter to the values it keeps (see value-counts.ts), or null. */
export type ValueResolver = (
  column: string,
  op: FilterOp,
  value: string,
) => { values: string[]; total: number } | null;

/** Longer lists of matching values are left to LIKE. */
const MAX_IN_LIST = 500;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);

export function buildPageSql(ds: DatasetInfo, q: EventsQuery, resolve?: ValueResolver): PageSql {
  const types = new Map<string, string>([
    ['id', 'INTEGER'],
    ['ts', 'INTEGER'],
  ]);
  for (const c of ds.columns) types.set(c.sqlName, c.type);
  const ident = (name: string): string => {
    if (!types.has(name)) fail('BAD_REQUEST', `dataset "${ds.name}" has no column "${name}"`);
    return name === 'id' ? '_id' : name === 'ts' ? '_ts' : `"${name}"`;
  };
  const table = tableOf(ds.id);
  const where: string[] = [];
  const params: CellValue[] = [];
  const indexColumns: string[] = [];
  const filters = q.filters ?? [];
  let knownTotal: number | null = filters.length ? null : ds.rows;
  for (const f of filters) {
    const col = ident(f.column);
    const numeric = types.get(f.column) !== 'TEXT';
    let v = f.value ?? null;
    if (
      !numeric &&
      v !== null &&
      resolve &&
      (f.op === 'eq' || f.op === 'neq' || f.op === 'contains' || f.op === 'prefix')
    ) {
      const matched = resolve(f.column, f.op, String(v));
      if (matched) {
        if (filters.length === 1) knownTotal = matched.total;
        if (matched.values.length <= MAX_IN_LIST) {
          where.push(matched.values.length ? `${col} IN (${matched.values.map(() => '?').join(', ')})` : '0');
          params.push(...matched.values);
          indexColumns.push(f.column);
          continue;
        }
      }
    }
    if (f.op !== 'isnull' && f.op !== 'notnull') {
      if (v === null) fail('BAD_REQUEST', `filter on "${f.column}" needs a value`);
      if (numeric && f.op !== 'contains' && f.op !== 'prefix') {
        const n = typeof v === 'number' ? v : Number(String(v).trim());
        if (String(v).trim() === '' || !Number.isFinite(n))
          fail('BAD_REQUEST', `"${f.column}" is numeric: ${JSON.stringify(v)} is not a number`);
        v = n;
      }
    }
    switch (f.op) {
      case 'eq':
      case 'neq':
      case 'lt':
      case 'lte':
      case 'gt':
      case 'gte': {
        const op = { eq: '=', neq: '!=', lt: '<', lte: '<=', gt: '>', gte: '>=' }[f.op];
        where.push(`${col} ${op} ?`);
        params.push(v);
        if (f.op !== 'neq') indexColumns.push(f.column);
        break;
      }
      case 'contains':
        where.push(`${col} LIKE ? ESCAPE '\\'`);
        params.push(`%${escapeLike(String(v))}%`);
        indexColumns.push(f.column); // a scan of the narrow index beats a scan of the table
        break;
      case 'prefix':
        where.push(`${col} LIKE ? ESCAPE '\\'`);
        params.push(`${escapeLike(String(v))}%`);
        break;
      case 'isnull':
        where.push(`${col} IS NULL`);
        break;
      case 'notnull':
        where.push(`${col} IS NOT NULL`);
        break;
    }
  }
  const whereSql = where.length ? ` WHERE ${where.join(' AND ')}` : '';
  const dir = q.sort?.desc ? 'DESC' : 'ASC';
  const sortCol = q.sort ? ident(q.sort.column) : '_id';
  if (q.sort && sortCol !== '_id') indexColumns.unshift(q.sort.column);
  const order = sortCol === '_id' ? ` ORDER BY _id ${dir}` : ` ORDER BY ${sortCol} ${dir}, _id ${dir}`;
  const columns = ['id', 'ts', ...ds.columns.map((c) => c.sqlName)];
  const select = ['_id', '_ts', ...ds.columns.map((c) => `"${c.sqlName}"`)].join(', ');
  // Deferred join: page through the (covering) index first, then fetch only the page's rows.
  const rowsSql =
    `SELECT ${select} FROM ${table} WHERE _id IN ` +
    `(SELECT _id FROM ${table}${whereSql}${order} LIMIT ? OFFSET ?)${order}`;
  return {
    rows: { sql: rowsSql, params: [...params, q.limit, q.offset] },
    count: knownTotal === null ? { sql: `SELECT count(*) FROM ${table}${whereSql}`, params } : null,
    indexColumns,
    columns,
    knownTotal,
  };
}
