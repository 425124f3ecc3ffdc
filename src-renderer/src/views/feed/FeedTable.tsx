// The feed's table: rank, score bar, time, entity, amount, injected scenario, rules, verdict.
// The selected row is kept in view.
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useEffect, useMemo, useRef } from 'react';
import type { DatasetInfo, FeedItem } from '../../../../src-shared/domain';
import { formatInt, formatNumber, formatTs } from '../../format';
import { VerdictTag } from '../VerdictBar';

const COLUMNS: ColumnDef<FeedItem>[] = [
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
  { id: 'entity', header: 'Entity', cell: (c) => c.row.original.entity ?? '' },
  {
    id: 'amount',
    header: 'Amount',
    cell: (c) => (c.row.original.amount === null ? '' : formatNumber(c.row.original.amount)),
  },
  {
    id: 'scenario',
    header: 'Injected',
    cell: (c) =>
      c.row.original.scenario ? (
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
      c.row.original.rules.map((r) => (
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
  withRules,
}: {
  dataset: DatasetInfo;
  items: FeedItem[];
  selected: number;
  onSelect: (index: number) => void;
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
            key={row.original.eventId}
            aria-selected={i === selected}
            className={i === selected ? 'selected' : undefined}
            onClick={() => onSelect(i)}
            data-testid="feed-row"
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
