// The events table's view of the page caches: the cache of the current query, re-rendering as
// its pages arrive. While a new query's first page is on its way, the previous query's rows
// stay on screen (marked stale) instead of the table flashing empty.
import { useEffect, useMemo, useRef, useSyncExternalStore } from 'react';
import type { EventFilter } from '../../../src-shared/domain';
import { pageCacheFor, type PageCache } from '../page-cache';
import { appBridge, setTableStatus, type SortState } from '../store';

export interface EventsPages {
  /** What the table shows: the current query's cache, or the previous one while it loads. */
  shown: PageCache;
  /** The current query's cache. */
  current: PageCache;
  /** `shown` is the previous query's. */
  stale: boolean;
}

export function useEventsPages(
  datasetId: number,
  sort: SortState,
  filters: EventFilter[],
  /** Changes when the connection came back: refetch everything. */
  epoch: number,
): EventsPages {
  const current = useMemo(
    () => {
      const bridge = appBridge();
      return pageCacheFor(bridge.invoke.bind(bridge), { datasetId, sort, filters }, epoch);
    },
    // Identity of the query: a changed sort or filter list is a new cache.
    [datasetId, sort, filters, epoch],
  );
  useSyncExternalStore(current.subscribe, current.getVersion, current.getVersion);

  // The last cache that had something to show.
  const lastShown = useRef<PageCache | null>(null);
  const shown = current.settled || !lastShown.current ? current : lastShown.current;
  useSyncExternalStore(shown.subscribe, shown.getVersion, shown.getVersion);
  useEffect(() => {
    if (current.settled) lastShown.current = current;
  });

  useEffect(() => {
    void current.load();
  }, [current]);

  const { total, elapsedMs, error } = shown;
  const loading = current.loading;
  useEffect(() => {
    setTableStatus({ datasetId, total, elapsedMs, loading, error });
  }, [datasetId, total, elapsedMs, loading, error]);
  useEffect(() => () => setTableStatus(null), []);

  return { shown, current, stale: shown !== current };
}
