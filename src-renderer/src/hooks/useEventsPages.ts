// Pages of one events query, fetched on demand as rows scroll into view. Pages are cached by
// offset for the current query only; a new dataset, sort or filter list starts a new cache.
// The cache is bounded, so scrolling through millions of rows never holds them all.
import { useCallback, useEffect, useMemo, useReducer } from 'react';
import type { CellValue, EventFilter } from '../../../src-shared/domain';
import type { AppError } from '../../../src-shared/result';
import { getBridge } from '../bridge';
import { setTableStatus, type SortState } from '../store';

export const PAGE_SIZE = 200;
/** Pages kept in memory (×200 rows). Those farthest from the viewport go first. */
const MAX_PAGES = 40;
/** Page requests in flight at once; the rest wait, and are dropped if scrolled past. */
const MAX_IN_FLIGHT = 2;

interface PageCache {
  pages: Map<number, CellValue[][]>;
  inFlight: Set<number>;
  total: number | null;
  columns: string[] | null;
  elapsedMs: number | null;
  error: AppError | null;
  /** Rows the view wants, inclusive. */
  want: [number, number];
  alive: boolean;
}

export interface EventsPages {
  total: number | null;
  columns: string[] | null;
  elapsedMs: number | null;
  error: AppError | null;
  loading: boolean;
  /** A row's cells, or undefined while its page is loading. */
  row(index: number): CellValue[] | undefined;
  /** Tell the cache which rows are on screen (inclusive). */
  ensure(first: number, last: number): void;
}

export function useEventsPages(
  datasetId: number,
  sort: SortState,
  filters: EventFilter[],
  /** Changes when the connection came back: refetch everything. */
  epoch: number,
): EventsPages {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const key = JSON.stringify([datasetId, sort, filters, epoch]);

  const cache = useMemo<PageCache>(
    () => ({
      pages: new Map(),
      inFlight: new Set(),
      total: null,
      columns: null,
      elapsedMs: null,
      error: null,
      want: [0, PAGE_SIZE - 1],
      alive: true,
    }),
    // A new key is a new query: start an empty cache.
    [key],
  );

  const pump = useCallback(() => {
    if (!cache.alive || cache.error) return;
    const [first, last] = cache.want;
    const lastRow = cache.total === null ? first : Math.min(last, cache.total - 1);
    if (cache.total !== null && cache.total === 0) return;
    for (let offset = Math.floor(first / PAGE_SIZE) * PAGE_SIZE; offset <= lastRow; offset += PAGE_SIZE) {
      if (cache.inFlight.size >= MAX_IN_FLIGHT) return;
      if (cache.pages.has(offset) || cache.inFlight.has(offset)) continue;
      cache.inFlight.add(offset);
      void getBridge()
        .invoke('events.page', {
          datasetId,
          offset,
          limit: PAGE_SIZE,
          sort: sort ?? null,
          filters: filters.length ? filters : undefined,
        })
        .then((r) => {
          cache.inFlight.delete(offset);
          if (!cache.alive) return;
          if (r.ok) {
            cache.pages.set(offset, r.value.rows);
            cache.total = r.value.total;
            cache.columns = r.value.columns;
            cache.elapsedMs = r.value.elapsedMs;
            evict(cache);
          } else {
            cache.error = r.error;
          }
          rerender();
          pump();
        });
    }
  }, [cache, datasetId, sort, filters]);

  useEffect(() => {
    cache.alive = true;
    pump();
    return () => {
      cache.alive = false;
    };
  }, [cache, pump]);

  const loading = cache.inFlight.size > 0 || (cache.total === null && !cache.error);

  // Tell the status and filter bars what this query found.
  useEffect(() => {
    setTableStatus({ datasetId, total: cache.total, elapsedMs: cache.elapsedMs, loading, error: cache.error });
  });
  useEffect(() => () => setTableStatus(null), []);

  const ensure = useCallback(
    (first: number, last: number) => {
      if (cache.want[0] === first && cache.want[1] === last) return;
      cache.want = [first, last];
      pump();
    },
    [cache, pump],
  );

  const row = useCallback(
    (index: number) => cache.pages.get(Math.floor(index / PAGE_SIZE) * PAGE_SIZE)?.[index % PAGE_SIZE],
    [cache],
  );

  return {
    total: cache.total,
    columns: cache.columns,
    elapsedMs: cache.elapsedMs,
    error: cache.error,
    loading,
    row,
    ensure,
  };
}

function evict(cache: PageCache): void {
  if (cache.pages.size <= MAX_PAGES) return;
  const centre = (cache.want[0] + cache.want[1]) / 2;
  const byDistance = [...cache.pages.keys()].sort(
    (a, b) => Math.abs(b + PAGE_SIZE / 2 - centre) - Math.abs(a + PAGE_SIZE / 2 - centre),
  );
  for (const offset of byDistance.slice(0, cache.pages.size - MAX_PAGES)) cache.pages.delete(offset);
}
