// Pages of a dataset's events for the events table: SQL from events-query.ts, counts of filtered
// queries and the distinct values of text columns kept until the dataset's rows change, and an
// index made for a sorted or filtered column on first use.
import type { DatasetInfo, EventsPage, EventsQuery } from '../../../src-shared/domain';
import type { CaseSession } from './case-session';
import { tableOf } from './case-store';
import { buildPageSql, type ValueResolver } from './events-query';
import { read } from './session-ops';
import { matchValues, readValueCounts, type ValueCounts } from './value-counts';

/** Distinct values and counts of a text column (null: too many, or not now), read once. */
function valueCounts(s: CaseSession, ds: DatasetInfo, column: string): ValueCounts | null {
  // without its index the scan would hold up the page: not while a write is under way
  if (s.writing) return null;
  return s.cached('rows', ds.id, `values:${column}`, () => {
    s.ensureIndex(ds, column);
    return readValueCounts(s.reader, tableOf(ds.id), column);
  });
}

function page(s: CaseSession, q: EventsQuery): EventsPage {
  const started = performance.now();
  const ds = s.dataset(q.datasetId);
  const resolve: ValueResolver = (column, op, value) => {
    const vc = valueCounts(s, ds, column);
    return vc ? matchValues(vc, op, value) : null;
  };
  const sql = buildPageSql(ds, q, resolve);
  for (const col of sql.indexColumns.slice(0, 2)) s.ensureIndex(ds, col);
  const count = sql.count;
  const total = count
    ? s.cached(
        'rows',
        ds.id,
        `count:${JSON.stringify(q.filters)}`,
        () =>
          s
            .statement(count.sql)
            .pluck()
            .get(...count.params) as number,
      )
    : (sql.knownTotal ?? ds.rows);
  const rows = s
    .statement(sql.rows.sql)
    .raw()
    .all(...sql.rows.params) as EventsPage['rows'];
  return {
    datasetId: ds.id,
    total,
    offset: q.offset,
    columns: sql.columns,
    rows,
    elapsedMs: performance.now() - started,
  };
}

export const eventOps = {
  page: read(page),
};
