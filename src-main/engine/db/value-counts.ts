// Distinct values of a text column with their counts, read once per column (datasets do not
// change after import). Text filters on a column of few distinct values (merchant, status,
// country, user…) are then answered from it: the total is a sum, and `contains` or `starts
// with` become `IN (…)` over the matching values, which an index answers without a scan.
import type { FilterOp } from '../../../src-shared/domain';
import type { DB } from './open-case';

/** Columns with more distinct values than this are filtered by SQL alone. */
export const MAX_DISTINCT = 50_000;

export interface ValueCounts {
  values: string[];
  counts: number[];
}

/** Null when the column has more than MAX_DISTINCT distinct values. */
export function readValueCounts(db: DB, table: string, column: string): ValueCounts | null {
  const rows = db
    .prepare(
      `SELECT "${column}" AS v, count(*) AS n FROM ${table} WHERE "${column}" IS NOT NULL GROUP BY 1 LIMIT ?`,
    )
    .raw()
    .all(MAX_DISTINCT + 1) as [string, number][];
  if (rows.length > MAX_DISTINCT) return null;
  return { values: rows.map((r) => String(r[0])), counts: rows.map((r) => r[1]) };
}

/** SQLite's LIKE folds ASCII letters only; so does this. */
const asciiLower = (s: string) => s.replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));

/** The values a text filter keeps, and how many rows hold them; null for other operators. */
export function matchValues(
  vc: ValueCounts,
  op: FilterOp,
  value: string,
): { values: string[]; total: number } | null {
  let keep: (v: string) => boolean;
  const needle = asciiLower(value);
  switch (op) {
    case 'eq':
      keep = (v) => v === value;
      break;
    case 'neq':
      keep = (v) => v !== value;
      break;
    case 'contains':
      keep = (v) => asciiLower(v).includes(needle);
      break;
    case 'prefix':
      keep = (v) => asciiLower(v).startsWith(needle);
      break;
    default:
      return null;
  }
  const values: string[] = [];
  let total = 0;
  vc.values.forEach((v, i) => {
    if (keep(v)) {
      values.push(v);
      total += vc.counts[i];
    }
  });
  return { values, total };
}
