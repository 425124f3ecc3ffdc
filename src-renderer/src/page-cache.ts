// Pages of one events query, fetched on demand as rows scroll into view, cached by offset.
// One cache per query (dataset + sort + filters): a new query gets a new, empty cache. Each
// cache is bounded, so scrolling through millions of rows never holds them all, and only the
// few most recent queries are kept.
import type { Bridge } from '../../src-shared/contract';
import type { CellValue, EventFilter } from '../../src-shared/domain';
import type { AppError } from '../../src-shared/result';

export const PAGE_SIZE = 200;

export interface PageQuery {
  datasetId: number;
  sort: { column: string; desc: boolean } | null;
  filters: EventFilter[];
}

export interface PageCacheOptions {
  /** Pages kept in memory; those farthest from the viewport go first. */
  maxPages?: number;
  /** Page requests in flight at once; the rest wait, and are skipped if scrolled past. */
  maxInFlight?: number;
}

export class PageCache {
  readonly pages = new Map<number, CellValue[][]>();
  private readonly inFlight = new Set<number>();
  total: number | null = null;
  columns: string[] | null = null;
  elapsedMs: number | null = null;
  error: AppError | null = null;
  /** Bumped on every change, for useSyncExternalStore. */
  version = 0;
  /** Rows the view wants, inclusive. */
  private want: [number, number] = [0, 0];
  private readonly listeners = new Set<() => void>();
  private readonly settledWaiters: (() => void)[] = [];
  private readonly maxPages: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly invoke: Bridge['invoke'],
    readonly query: PageQuery,
    options: PageCacheOptions = {},
  ) {
    this.maxPages = options.maxPages ?? 40;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  /** The first answer (rows or error) has arrived. */
  get settled(): boolean {
    return this.total !== null || this.error !== null;
  }

  get loading(): boolean {
    return this.inFlight.size > 0 || !this.settled;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  /** A row's cells, or undefined while its page is not loaded. */
  row(index: number): CellValue[] | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE) * PAGE_SIZE)?.[index % PAGE_SIZE];
  }

  /** The view shows rows first..last (inclusive): fetch what is missing. */
  ensure(first: number, last: number): void {
    this.want = [Math.max(0, first), Math.max(first, last)];
    this.pump();
  }

  /** Starts fetching (the first page tells the total); resolves once the first answer is in. */
  load(): Promise<void> {
    this.pump();
    if (this.settled) return Promise.resolve();
    return new Promise((resolve) => this.settledWaiters.push(resolve));
  }

  private changed(): void {
    this.version++;
    for (const l of [...this.listeners]) l();
    if (this.settled) for (const w of this.settledWaiters.splice(0)) w();
  }

  private pump(): void {
    if (this.error || this.total === 0) return;
    const [first, last] = this.want;
    // Until the total is known, only the page under `first` is worth asking for.
    const lastRow = this.total === null ? first : Math.min(last, this.total - 1);
    for (let offset = Math.floor(first / PAGE_SIZE) * PAGE_SIZE; offset <= lastRow; offset += PAGE_SIZE) {
      if (this.inFlight.size >= this.maxInFlight) return;
      if (this.pages.has(offset) || this.inFlight.has(offset)) continue;
      this.fetch(offset);
    }
  }

  private fetch(offset: number): void {
    this.inFlight.add(offset);
    const { datasetId, sort, filters } = this.query;
    void this.invoke('events.page', {
      datasetId,
      offset,
      limit: PAGE_SIZE,
      sort,
      ...(filters.length ? { filters } : {}),
    })
      .catch((e: unknown) => ({
        ok: false as const,
        error: { code: 'INTERNAL' as const, message: String(e) },
      }))
      .then((r) => {
        this.inFlight.delete(offset);
        if (r.ok) {
          this.pages.set(offset, r.value.rows);
          this.total = r.value.total;
          this.columns = r.value.columns;
          this.elapsedMs = r.value.elapsedMs;
          this.evict();
        } else {
          this.error = r.error;
        }
        this.changed();
        this.pump();
      });
  }

  private evict(): void {
    if (this.pages.size <= this.maxPages) return;
    const centre = (this.want[0] + this.want[1]) / 2;
    const distance = (offset: number) => Math.abs(offset + PAGE_SIZE / 2 - centre);
    const farthestFirst = [...this.pages.keys()].sort((a, b) => distance(b) - distance(a));
    for (const offset of farthestFirst.slice(0, this.pages.size - this.maxPages)) this.pages.delete(offset);
  }
}

// ---- the few most recent queries -------------------------------------------------------------

const RECENT = 4;
const recent = new Map<string, PageCache>();

export function queryKey(q: PageQuery, epoch: number): string {
  return JSON.stringify([q.datasetId, q.sort, q.filters, epoch]);
}

/**
 * The cache of a query, shared by whoever asks (the filter bar checks a new filter with it; the
 * table then shows it without asking again). Failed queries are not kept, so asking again retries.
 */
export function pageCacheFor(
  invoke: Bridge['invoke'],
  q: PageQuery,
  epoch: number,
  options?: PageCacheOptions,
): PageCache {
  const key = queryKey(q, epoch);
  let c = recent.get(key);
  if (c && c.error) c = undefined;
  if (c) {
    recent.delete(key);
  } else {
    c = new PageCache(invoke, { datasetId: q.datasetId, sort: q.sort ?? null, filters: q.filters }, options);
  }
  recent.set(key, c);
  while (recent.size > RECENT) recent.delete(recent.keys().next().value!);
  return c;
}
