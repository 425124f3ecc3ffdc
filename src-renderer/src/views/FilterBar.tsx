// Filters of the events table: column, operator, value → a chip. The engine applies them.
import { useId, useMemo, useState, type KeyboardEvent } from 'react';
import type { DatasetInfo, EventFilter, FilterOp } from '../../../src-shared/domain';
import { formatError } from '../../../src-shared/result';
import { formatTs, parseTs } from '../format';
import { pageCacheFor } from '../page-cache';
import { appBridge, clearFilters, EMPTY_QUERY, removeFilter, setFilters, useStore } from '../store';
import { columnMetas, type ColumnMeta } from './EventsTable';

export const FILTER_VALUE_ID = 'filter-value-input';

const OPS: { op: FilterOp; label: string; needsValue: boolean }[] = [
  { op: 'eq', label: '=', needsValue: true },
  { op: 'neq', label: '≠', needsValue: true },
  { op: 'lt', label: '<', needsValue: true },
  { op: 'lte', label: '≤', needsValue: true },
  { op: 'gt', label: '>', needsValue: true },
  { op: 'gte', label: '≥', needsValue: true },
  { op: 'contains', label: 'contains', needsValue: true },
  { op: 'prefix', label: 'starts with', needsValue: true },
  { op: 'isnull', label: 'is empty', needsValue: false },
  { op: 'notnull', label: 'is not empty', needsValue: false },
];
const OP_INFO = new Map(OPS.map((o) => [o.op, o]));

/** The value as the engine wants it: numbers for numeric comparisons, epoch ms for `ts`. */
function toFilterValue(meta: ColumnMeta, op: FilterOp, text: string): string | number {
  if (op === 'contains' || op === 'prefix') return text;
  if (meta.time) return parseTs(text) ?? text;
  if (meta.numeric) {
    const n = Number(text.trim());
    return text.trim() !== '' && Number.isFinite(n) ? n : text;
  }
  return text;
}

export function describeFilter(f: EventFilter, meta: ColumnMeta | undefined): string {
  const name = meta?.label ?? f.column;
  const op = OP_INFO.get(f.op);
  if (!op?.needsValue) return `${name} ${op?.label ?? f.op}`;
  const v = meta?.time && typeof f.value === 'number' ? formatTs(f.value) : String(f.value ?? '');
  const quoted = typeof f.value === 'string' ? `“${v}”` : v;
  return `${name} ${op.label} ${quoted}`;
}

function placeholderFor(meta: ColumnMeta | undefined, op: FilterOp): string {
  if (!OP_INFO.get(op)?.needsValue) return 'no value needed';
  if (!meta) return 'value';
  if (meta.time && op !== 'contains' && op !== 'prefix') return 'YYYY-MM-DD HH:mm:ss (UTC)';
  if (meta.numeric && op !== 'contains' && op !== 'prefix') return 'number';
  return 'text';
}

export function FilterBar({ dataset }: { dataset: DatasetInfo }) {
  const filters = useStore((s) => (s.queries[dataset.id] ?? EMPTY_QUERY).filters);
  const status = useStore((s) => (s.tableStatus?.datasetId === dataset.id ? s.tableStatus : null));
  const epoch = useStore((s) => s.connectionEpoch);
  const metas = useMemo(() => columnMetas(dataset), [dataset]);
  const metaByKey = useMemo(() => new Map(metas.map((m) => [m.key, m])), [metas]);

  const [column, setColumn] = useState<string>(() => metas[2]?.key ?? 'id');
  const [op, setOp] = useState<FilterOp>('eq');
  const [value, setValue] = useState('');
  const [hint, setHint] = useState<string | null>(null);
  /** The engine refused the filter being added (it is not added). */
  const [refused, setRefused] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const ids = useId();

  const meta = metaByKey.get(column);
  const needsValue = OP_INFO.get(op)?.needsValue ?? true;

  // A filter becomes a chip once the engine has answered its first page: a refused filter
  // (say, a word compared with a number) stays in the inputs with the engine's reason, and the
  // table switches straight to the new rows.
  const add = async () => {
    if (!meta || checking) return;
    if (needsValue && value.trim() === '') {
      setHint(`Type a value to compare ${meta.label} with.`);
      return;
    }
    setHint(null);
    setRefused(null);
    const filter: EventFilter = needsValue
      ? { column, op, value: toFilterValue(meta, op, value) }
      : { column, op };
    const q = useStore.getState().queries[dataset.id] ?? EMPTY_QUERY;
    if (q.filters.some((f) => f.column === filter.column && f.op === filter.op && f.value === filter.value)) {
      setValue('');
      return;
    }
    const next = [...q.filters, filter];
    setChecking(true);
    const bridge = appBridge();
    const cache = pageCacheFor(
      bridge.invoke.bind(bridge),
      { datasetId: dataset.id, sort: q.sort, filters: next },
      epoch,
    );
    try {
      await cache.load();
    } finally {
      setChecking(false);
    }
    if (cache.error) {
      setRefused(`${describeFilter(filter, meta)}: ${formatError(cache.error)}`);
      return;
    }
    // The check took time: if the filters changed meanwhile (a chip removed, Clear), add this
    // filter to what they are now rather than bringing back the old list.
    const now = useStore.getState().queries[dataset.id] ?? EMPTY_QUERY;
    setFilters(dataset.id, now.filters === q.filters ? next : [...now.filters, filter]);
    setValue('');
  };

  const onValueKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void add();
    } else if (e.key === 'Escape' && (value !== '' || hint || refused)) {
      // Clears the input first; a second Escape reaches the window (dismisses the banner).
      e.preventDefault();
      e.stopPropagation();
      setValue('');
      setHint(null);
      setRefused(null);
    }
  };

  const error = status?.error ?? null;
  const message =
    hint ??
    refused ??
    (error
      ? `Query failed: ${formatError(error)}${filters.length ? ' — change or remove a filter.' : ''}`
      : null);

  return (
    <div className="filter-area">
      <form
        className="filter-bar"
        role="search"
        aria-label="Filter events"
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <label className="visually-hidden" htmlFor={`${ids}-col`}>
          Column
        </label>
        <select
          id={`${ids}-col`}
          className="select"
          data-testid="filter-column"
          value={column}
          onChange={(e) => {
            setColumn(e.target.value);
            setRefused(null);
          }}
        >
          {metas.map((m) => (
            <option key={m.key} value={m.key}>
              {m.label}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor={`${ids}-op`}>
          Operator
        </label>
        <select
          id={`${ids}-op`}
          className="select op"
          data-testid="filter-op"
          value={op}
          onChange={(e) => {
            setOp(e.target.value as FilterOp);
            setRefused(null);
          }}
        >
          {OPS.map((o) => (
            <option key={o.op} value={o.op}>
              {o.label}
            </option>
          ))}
        </select>
        <label className="visually-hidden" htmlFor={FILTER_VALUE_ID}>
          Value
        </label>
        <input
          id={FILTER_VALUE_ID}
          className="input filter-value"
          data-testid="filter-value"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={needsValue ? value : ''}
          disabled={!needsValue}
          placeholder={placeholderFor(meta, op)}
          title="Filter value — press / to focus, Enter to add, Esc to clear"
          aria-invalid={hint || refused ? true : undefined}
          aria-describedby={message ? `${ids}-msg` : undefined}
          onChange={(e) => {
            setValue(e.target.value);
            if (hint) setHint(null);
            if (refused) setRefused(null);
          }}
          onKeyDown={onValueKeyDown}
        />
        <button
          type="submit"
          className="btn"
          data-testid="filter-add"
          title="Add filter (Enter)"
          aria-busy={checking || undefined}
        >
          Add
        </button>
        <div className="filter-chips" role="list" aria-label="Active filters">
          {filters.map((f, i) => {
            const text = describeFilter(f, metaByKey.get(f.column));
            return (
              <span key={`${i}-${text}`} className="chip" role="listitem" data-testid="filter-chip">
                <span className="chip-text">{text}</span>
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={`Remove filter ${text}`}
                  title="Remove filter"
                  onClick={() => removeFilter(dataset.id, i)}
                >
                  ×
                </button>
              </span>
            );
          })}
        </div>
        <button
          type="button"
          className="btn ghost"
          data-testid="filters-clear"
          disabled={filters.length === 0}
          onClick={() => clearFilters(dataset.id)}
          title="Remove all filters"
        >
          Clear
        </button>
      </form>
      {message && (
        <div
          id={`${ids}-msg`}
          className={hint ? 'filter-msg' : 'filter-msg error'}
          role="alert"
          data-testid="filter-error"
        >
          {message}
        </div>
      )}
    </div>
  );
}
