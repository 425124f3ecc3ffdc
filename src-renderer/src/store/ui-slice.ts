// What the analyst chose: theme, tab, and each dataset's events-table query; and what the events
// table last learnt about its query (for the status and filter bars).
import type { EventFilter } from '../../../src-shared/domain';
import type { AppError } from '../../../src-shared/result';
import type { Slice } from './types';

export type Theme = 'dark' | 'light';
/** The main area's views of a dataset. */
export const TABS = ['anomalies', 'events', 'alerts', 'models', 'evaluation', 'scenarios'] as const;
export type Tab = (typeof TABS)[number];
export type SortState = { column: string; desc: boolean } | null;

export interface QueryState {
  sort: SortState;
  filters: EventFilter[];
}

/** What the events table last learnt about its query, for the status and filter bars. */
export interface TableStatus {
  datasetId: number;
  total: number | null;
  elapsedMs: number | null;
  loading: boolean;
  error: AppError | null;
}

export const EMPTY_QUERY: QueryState = Object.freeze({ sort: null, filters: [] }) as QueryState;
const THEME_KEY = 'sentinel.theme';

export function readStoredTheme(): Theme {
  try {
    return localStorage.getItem(THEME_KEY) === 'light' ? 'light' : 'dark';
  } catch {
    return 'dark';
  }
}

export function applyTheme(theme: Theme): void {
  document.documentElement.dataset.theme = theme;
  document.documentElement.style.colorScheme = theme;
}

/** The entity whose story is open over the current view. */
export interface StoryTarget {
  datasetId: number;
  /** The entity's value; or `eventId`: the entity of that event. */
  value?: string;
  eventId?: number;
  /** The column it is in (sqlName); the dataset's entity column when absent. */
  column?: string;
}

export interface UiSlice {
  theme: Theme;
  story: StoryTarget | null;
  /** Opens an entity's story (null closes it). */
  openStory(target: StoryTarget | null): void;
  tab: Tab;
  queries: Record<number, QueryState>;
  tableStatus: TableStatus | null;
  toggleTheme(): void;
  setTab(tab: Tab): void;
  setSort(datasetId: number, sort: SortState): void;
  /** Replaces the filter list (the filter bar commits a list once the engine accepted it). */
  setFilters(datasetId: number, filters: EventFilter[]): void;
  removeFilter(datasetId: number, index: number): void;
  clearFilters(datasetId: number): void;
  setTableStatus(status: TableStatus | null): void;
}

export const createUiSlice: Slice<UiSlice> = (set, get) => {
  const updateQuery = (datasetId: number, f: (q: QueryState) => QueryState) =>
    set((s) => ({ queries: { ...s.queries, [datasetId]: f(s.queries[datasetId] ?? EMPTY_QUERY) } }));
  return {
    theme: readStoredTheme(),
    story: null,
    openStory: (story) => set({ story }),
    tab: 'anomalies',
    queries: {},
    tableStatus: null,
    toggleTheme() {
      const theme: Theme = get().theme === 'dark' ? 'light' : 'dark';
      try {
        localStorage.setItem(THEME_KEY, theme);
      } catch {
        // Private windows may refuse storage; the theme still applies to this session.
      }
      applyTheme(theme);
      set({ theme });
    },
    setTab: (tab) => {
      if (get().tab !== tab) set({ tab });
    },
    setSort: (datasetId, sort) => updateQuery(datasetId, (q) => ({ ...q, sort })),
    setFilters: (datasetId, filters) => updateQuery(datasetId, (q) => ({ ...q, filters })),
    removeFilter: (datasetId, index) =>
      updateQuery(datasetId, (q) => ({ ...q, filters: q.filters.filter((_, i) => i !== index) })),
    clearFilters: (datasetId) => updateQuery(datasetId, (q) => ({ ...q, filters: [] })),
    setTableStatus(status) {
      const prev = get().tableStatus;
      const same =
        prev &&
        status &&
        prev.datasetId === status.datasetId &&
        prev.total === status.total &&
        prev.elapsedMs === status.elapsedMs &&
        prev.loading === status.loading &&
        prev.error === status.error;
      if (!same) set({ tableStatus: status });
    },
  };
};
