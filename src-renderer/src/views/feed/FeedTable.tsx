// The feed's table: rank, score bar, time, entity, amount, injected scenario, rules, verdict.
// The selected row is kept in view.
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useEffect, useMemo, useRef } from 'react';
import type { DatasetInfo } from '../../../../src-shared/domain';
import { formatInt, formatNumber, formatTs } from '../../format';
import { VerdictTag } from '../VerdictBar';
import type { FeedRow } from './useFeedPage';

/** A time span in words: "12 min", "3 h", "2 days". */
function span(ms: number): string {
  const m = Math.round(ms / 60_000);
  if (m < 1) return 'under a minute';
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
}

const COLUMNS: ColumnDef<FeedRow>[] = [
  { id: 'rank', header: '#', cell: (c) => formatInt(c.row.original.rank) },
  {
    id: 'score',
    header: 'Score',
    cell: (c) => {
      const s = c.row.original.score;
      return (
        <span className="score-cell" title={`Combined score ${s.toFixed(2)} of 100`}>
          <span className="score-bar" aria-hidden="true">
            <span style={{ width: `${s}%` }} className={c.row.original.alert ? 'alert' : undefined} />
          </span>
          <span className="score-num">{s.toFixed(1)}</span>
        </span>
      );
    },
  },
  { id: 'ts', header: 'Time (UTC)', cell: (c) => formatTs(c.row.original.ts) },
  {
    id: 'entity',
    header: 'Entity',
    cell: (c) => {
      const r = c.row.original;
      if (!r.group) return r.entity ?? '';
      const g = r.group;
      return (
        <span className="incident-cell">
          <span className="fold-mark" aria-hidden="true">
            {r.open ? '▾' : '▸'}
          </span>
          <span className="incident-entity">
            {g.entities > 1 ? `${formatInt(g.entities)} entities` : (r.entity ?? '')}
          </span>
          <span
            className="incident-count"
            title={`${formatInt(g.size)} events${g.start !== null && g.end !== null ? ` over ${span(g.end - g.start)}` : ''}${g.judged ? `, ${formatInt(g.judged)} judged` : ''}`}
            data-testid="incident-count"
          >
            {formatInt(g.size)}
          </span>
        </span>
      );
    },
  },
  {
    id: 'amount',
    header: 'Amount',
    cell: (c) => (c.row.original.amount === null ? '' : formatNumber(c.row.original.amount)),
  },
  {
    id: 'scenario',
    header: 'Injected',
    cell: (c) =>
      c.row.original.group?.scenarios.length ? (
        <span className="tag">
          {c.row.original.group.scenarios.map((x) => x.replace(/_/g, ' ')).join(', ')}
        </span>
      ) : c.row.original.scenario ? (
        <span className="tag">{c.row.original.scenario.replace(/_/g, ' ')}</span>
      ) : c.row.original.warmingUp ? (
        <span
          className="tag rule"
          title="The dataset's first day: its 24-hour feature windows were still filling, so models trained without labels raise no alert on it"
        >
          warming up
        </span>
      ) : (
        ''
      ),
  },
  {
    id: 'rules',
    header: 'Rules',
    cell: (c) =>
      (c.row.original.group?.rules ?? c.row.original.rules).map((r) => (
        <span key={r} className="tag rule">
          {r.replace(/_/g, ' ')}
        </span>
      )),
  },
  {
    id: 'verdict',
    header: 'Verdict',
    cell: (c) => <VerdictTag verdict={c.row.original.verdict} />,
  },
];

export function FeedTable({
  dataset,
  items,
  selected,
  onSelect,
  onToggle,
  withRules,
}: {
  dataset: DatasetInfo;
  items: FeedRow[];
  selected: number;
  onSelect: (index: number) => void;
  /** Opens or closes an incident's events (its row clicked again, or its mark). */
  onToggle: (eventId: number) => void;
  /** Some items carry rule alerts: show the Rules column. */
  withRules: boolean;
}) {
  const wrap = useRef<HTMLTableElement | null>(null);
  // Columns the dataset has a role for (no amount column for logins, say).
  const columns = useMemo(() => {
    const roles = new Set(dataset.columns.map((c) => c.role));
    return COLUMNS.filter(
      (c) =>
        (c.id !== 'amount' || roles.has('amount')) &&
        (c.id !== 'entity' || roles.has('entity')) &&
        (c.id !== 'rules' || withRules),
    );
  }, [dataset, withRules]);
  const table = useReactTable({ data: items, columns, getCoreRowModel: getCoreRowModel() });

  useEffect(() => {
    wrap.current?.querySelector('tr[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [selected, items]);

  return (
    <table className="feed-table" data-testid="feed-table" aria-label="Anomalies by score" ref={wrap}>
      <thead>
        {table.getHeaderGroups().map((g) => (
          <tr key={g.id}>
            {g.headers.map((h) => (
              <th key={h.id} className={`col-${h.id}`}>
                {flexRender(h.column.columnDef.header, h.getContext())}
              </th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row, i) => (
          <tr
            key={`${row.original.depth}:${row.original.eventId}`}
            aria-selected={i === selected}
            aria-expanded={row.original.open ?? undefined}
            className={
              [
                i === selected ? 'selected' : '',
                row.original.depth ? 'member' : '',
                row.original.group ? 'incident' : '',
              ]
                .filter(Boolean)
                .join(' ') || undefined
            }
            onClick={() => {
              if (i === selected && row.original.group) onToggle(row.original.eventId);
              onSelect(i);
            }}
            data-testid={row.original.depth ? 'feed-member' : 'feed-row'}
            data-event-id={row.original.eventId}
          >
            {row.getVisibleCells().map((cell) => (
              <td key={cell.id} className={`col-${cell.column.id}`}>
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
