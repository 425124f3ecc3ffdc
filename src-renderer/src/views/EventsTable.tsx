// The events of one dataset: TanStack Table for columns, sorting and sizing (all manual: the
// engine sorts and filters), TanStack Virtual for rows. Only the pages on screen are fetched.
import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { useScaledWheel } from '../hooks/useScaledWheel';
import {
  getCoreRowModel,
  useReactTable,
  type ColumnDef,
  type ColumnSizingState,
  type Header,
  type SortingState,
  type Updater,
} from '@tanstack/react-table';
import { elementScroll, observeElementOffset, useVirtualizer } from '@tanstack/react-virtual';
import type { CanonicalRole, CellValue, ColumnType, DatasetInfo } from '../../../src-shared/domain';
import { formatTs } from '../format';
import { useEventsPages } from '../hooks/useEventsPages';
import { clearFilters, EMPTY_QUERY, setSort, useStore } from '../store';
import { EmptyState } from './EmptyState';

const ROW_HEIGHT = 26;
const HEADER_HEIGHT = 42;
/**
 * Tallest scroll canvas we build. Chromium stops at ~33.5M px, i.e. ~1.3M rows of 26 px; past
 * this height the scrollbar is scaled (virtual offset = physical offset × scale) and wheel and
 * keys are rescaled, so every row of any dataset stays reachable.
 */
const MAX_CANVAS_PX = 15_000_000;

/** What the table knows about a column beyond its id. */
export interface ColumnMeta {
  /** Key sent to the engine: `id`, `ts` or a ColumnInfo.sqlName. */
  key: string;
  label: string;
  type: ColumnType;
  role: CanonicalRole | null;
  numeric: boolean;
  time: boolean;
}

export function columnMetas(dataset: DatasetInfo): ColumnMeta[] {
  return [
    { key: 'id', label: 'id', type: 'INTEGER', role: null, numeric: true, time: false },
    // Event time as the engine normalised it (the source column it came from is listed too).
    { key: 'ts', label: 'ts (UTC)', type: 'INTEGER', role: null, numeric: false, time: true },
    ...dataset.columns.map((c) => ({
      key: c.sqlName,
      label: c.name,
      type: c.type,
      role: c.role,
      numeric: c.type !== 'TEXT',
      time: false,
    })),
  ];
}

function defaultWidth(m: ColumnMeta): number {
  if (m.key === 'id') return 84;
  if (m.time) return 160;
  if (m.role === 'time') return 200; // the source's own time text, often with a zone
  if (m.role === 'src_ip') return 140;
  if (m.numeric) return 112;
  return Math.min(260, Math.max(120, m.label.length * 8 + 40));
}

function cellText(m: ColumnMeta, v: CellValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (m.time) return formatTs(v);
  return typeof v === 'number' ? String(v) : v;
}

/** TanStack Table sees no rows: the virtualised body reads them from the page cache. */
const NO_ROWS: CellValue[][] = [];

/** Column widths the analyst set, per dataset of the open case (keyed `epoch:id`), for this session. */
const savedSizing = new Map<string, ColumnSizingState>();

export function EventsTable({ dataset }: { dataset: DatasetInfo }) {
  const query = useStore((s) => s.queries[dataset.id] ?? EMPTY_QUERY);
  const epoch = useStore((s) => s.connectionEpoch);
  const { shown, current, stale } = useEventsPages(dataset.id, query.sort, query.filters, epoch);

  const metas = useMemo(() => columnMetas(dataset), [dataset]);
  const metaByKey = useMemo(() => new Map(metas.map((m) => [m.key, m])), [metas]);
  // Where each column sits in a page's rows (the engine says; fall back to our own order).
  const indexOf = useMemo(() => {
    const order = shown.columns ?? metas.map((m) => m.key);
    return new Map(order.map((k, i) => [k, i]));
  }, [shown.columns, metas]);

  const columns = useMemo<ColumnDef<CellValue[]>[]>(
    () =>
      metas.map((m) => ({
        id: m.key,
        header: m.label,
        size: defaultWidth(m),
        minSize: 56,
        maxSize: 900,
      })),
    [metas],
  );

  const sorting = useMemo<SortingState>(
    () => (query.sort ? [{ id: query.sort.column, desc: query.sort.desc }] : []),
    [query.sort],
  );
  const [sizing, setSizing] = useState<ColumnSizingState>(
    () => savedSizing.get(`${epoch}:${dataset.id}`) ?? {},
  );
  useEffect(() => {
    savedSizing.set(`${epoch}:${dataset.id}`, sizing);
  }, [epoch, dataset.id, sizing]);

  const table = useReactTable<CellValue[]>({
    data: NO_ROWS,
    columns,
    getCoreRowModel: getCoreRowModel(),
    manualSorting: true,
    manualFiltering: true,
    manualPagination: true,
    rowCount: shown.total ?? dataset.rows,
    enableMultiSort: false,
    enableSortingRemoval: true,
    sortDescFirst: false,
    isMultiSortEvent: () => false,
    columnResizeMode: 'onChange',
    state: { sorting, columnSizing: sizing },
    onSortingChange: (u: Updater<SortingState>) => {
      const next = typeof u === 'function' ? u(sorting) : u;
      setSort(dataset.id, next[0] ? { column: next[0].id, desc: next[0].desc } : null);
    },
    onColumnSizingChange: setSizing,
  });

  const scrollRef = useRef<HTMLDivElement>(null);
  const scaleRef = useRef(1);
  const total = shown.total ?? 0;
  const virtualizer = useVirtualizer({
    count: shown.error ? 0 : total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    paddingStart: HEADER_HEIGHT,
    overscan: 16,
    observeElementOffset: (instance, cb) =>
      observeElementOffset(instance, (offset, isScrolling) => cb(offset * scaleRef.current, isScrolling)),
    scrollToFn: (offset, options, instance) =>
      elementScroll(
        offset / scaleRef.current,
        { ...options, adjustments: (options.adjustments ?? 0) / scaleRef.current },
        instance,
      ),
  });
  const virtualHeight = virtualizer.getTotalSize();
  const canvasHeight = Math.max(Math.min(virtualHeight, MAX_CANVAS_PX), HEADER_HEIGHT);
  const viewport = virtualizer.scrollRect?.height ?? 0;
  const scale =
    virtualHeight > MAX_CANVAS_PX && canvasHeight > viewport
      ? (virtualHeight - viewport) / (canvasHeight - viewport)
      : 1;
  scaleRef.current = scale;
  // Rows sit where they would in the unscaled canvas, relative to what is on screen.
  const virtualOffset = virtualizer.scrollOffset ?? 0;
  const shift = scale === 1 ? 0 : virtualOffset - virtualOffset / scale;
  useScaledWheel(scrollRef, scale, viewport);
  const items = virtualizer.getVirtualItems();
  const first = items.length ? items[0].index : 0;
  const last = items.length ? items[items.length - 1].index : 0;
  // Fetch the pages on screen. A new sort or filter list starts at the top (once its rows are
  // there to show); the scroll that causes brings the new range here again.
  const shownQuery = JSON.stringify(shown.query);
  const lastQuery = useRef(shownQuery);
  useEffect(() => {
    if (lastQuery.current !== shownQuery) {
      lastQuery.current = shownQuery;
      const el = scrollRef.current;
      if (el && el.scrollTop > 0) {
        el.scrollTop = 0;
        return;
      }
    }
    if (items.length) shown.ensure(first, last);
  }, [shown, shownQuery, first, last, items.length]);

  const leaf = table.getVisibleLeafColumns();
  const width = table.getTotalSize();
  const widths = leaf.map((c) => c.getSize());
  const justResized = useRef(false);

  const hasFilters = query.filters.length > 0;
  let overlay: ReactNode = null;
  if (shown.error) {
    overlay = (
      <EmptyState
        tone="error"
        title="This query failed"
        detail={
          hasFilters ? 'Change or remove a filter above, then try again.' : 'See the message above the table.'
        }
        action={
          hasFilters
            ? {
                label: 'Clear filters',
                onClick: () => clearFilters(dataset.id),
                testId: 'empty-clear-filters',
              }
            : undefined
        }
      />
    );
  } else if (shown.total === 0) {
    overlay = hasFilters ? (
      <EmptyState
        title="No events match these filters"
        detail="Loosen or remove a filter to see events again."
        action={{
          label: 'Clear filters',
          onClick: () => clearFilters(dataset.id),
          testId: 'empty-clear-filters',
        }}
      />
    ) : (
      <EmptyState title="This dataset has no rows" detail="Import a file with at least one data row." />
    );
  }

  return (
    <div
      ref={scrollRef}
      className="events-scroll"
      data-testid="events-table"
      role="table"
      aria-label={`Events of ${dataset.name}`}
      aria-rowcount={shown.total === null ? -1 : shown.total + 1}
      aria-colcount={leaf.length}
      aria-busy={current.loading}
      tabIndex={0}
    >
      <div className="events-canvas" style={{ height: canvasHeight, width }}>
        <div className="events-head" role="rowgroup" style={{ height: HEADER_HEIGHT, width }}>
          <div role="row" aria-rowindex={1} className="events-head-row">
            {table.getHeaderGroups()[0].headers.map((h) => (
              <HeaderCell
                key={h.id}
                header={h}
                meta={metaByKey.get(h.column.id)!}
                justResized={justResized}
              />
            ))}
          </div>
        </div>
        {current.loading && (
          <div className="events-loading" role="presentation" style={{ top: HEADER_HEIGHT }} />
        )}
        <div role="rowgroup">
          {items.map((item) => {
            const row = shown.row(item.index);
            const style = { transform: `translateY(${item.start - shift}px)`, height: ROW_HEIGHT, width };
            if (!row) {
              return (
                <div
                  key={item.key}
                  role="row"
                  aria-rowindex={item.index + 2}
                  aria-busy="true"
                  className="events-row loading"
                  data-testid="events-row-loading"
                  style={style}
                >
                  {leaf.map((c, i) => (
                    <div key={c.id} role="cell" className="events-cell" style={{ width: widths[i] }}>
                      <span className="skeleton" />
                    </div>
                  ))}
                </div>
              );
            }
            return (
              <div
                key={item.key}
                role="row"
                aria-rowindex={item.index + 2}
                className={`events-row${item.index % 2 ? ' odd' : ''}${stale ? ' stale' : ''}`}
                data-testid="events-row"
                data-row-index={item.index}
                style={style}
              >
                {leaf.map((c, i) => {
                  const m = metaByKey.get(c.id)!;
                  const v = row[indexOf.get(c.id) ?? -1];
                  const text = cellText(m, v);
                  return (
                    <div
                      key={c.id}
                      role="cell"
                      data-col={c.id}
                      className={m.numeric ? 'events-cell num' : 'events-cell'}
                      style={{ width: widths[i] }}
                      title={text.length > 18 ? text : undefined}
                    >
                      {text}
                    </div>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
      {overlay && (
        <div className="events-overlay" style={{ top: HEADER_HEIGHT }}>
          {overlay}
        </div>
      )}
    </div>
  );
}

function HeaderCell({
  header,
  meta,
  justResized,
}: {
  header: Header<CellValue[], unknown>;
  meta: ColumnMeta;
  justResized: RefObject<boolean>;
}) {
  const col = header.column;
  const sorted = col.getIsSorted();
  const toggle = () => col.toggleSorting(undefined, false);
  const next = col.getNextSortingOrder();
  const nextLabel =
    next === 'asc' ? 'sort ascending' : next === 'desc' ? 'sort descending' : 'clear the sort';
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      toggle();
    }
  };
  const resize = header.getResizeHandler();
  return (
    <div
      role="columnheader"
      aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none'}
      aria-colindex={header.index + 1}
      tabIndex={0}
      data-testid={`col-header-${meta.key}`}
      className={`events-th${meta.numeric ? ' num' : ''}${sorted ? ' sorted' : ''}`}
      style={{ width: header.getSize() }}
      title={`${meta.label} · ${meta.type.toLowerCase()}${meta.role ? ` · ${meta.role}` : ''} — click to ${nextLabel}`}
      onClick={() => {
        if (justResized.current) {
          justResized.current = false;
          return;
        }
        toggle();
      }}
      onKeyDown={onKeyDown}
      onMouseDown={() => {
        justResized.current = false;
      }}
    >
      <span className="events-th-line">
        <span className="events-th-name">{meta.label}</span>
        <span className="sort-arrow" aria-hidden="true">
          {sorted === 'asc' ? '↑' : sorted === 'desc' ? '↓' : ''}
        </span>
      </span>
      {meta.role && <span className={`role-badge role-${meta.role}`}>{meta.role}</span>}
      <span
        className={`col-resizer${col.getIsResizing() ? ' active' : ''}`}
        aria-hidden="true"
        onMouseDown={(e) => {
          justResized.current = true;
          e.stopPropagation();
          resize(e);
        }}
        onTouchStart={(e) => {
          justResized.current = true;
          resize(e);
        }}
        onClick={(e) => {
          e.stopPropagation();
          justResized.current = false;
        }}
        onDoubleClick={(e) => {
          e.stopPropagation();
          col.resetSize();
        }}
      />
    </div>
  );
}
