// The anomaly feed of a dataset: every scored event on one 0–100 axis, worked top-down. Views by
// verdict, the score distribution, the explanation of the selected item, one-key verdicts.
import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type {
  DatasetInfo,
  FeedItem,
  FeedPage,
  FeedView as View,
  ScoreDistribution,
  Verdict,
} from '../../../../src-shared/domain';
import type { AppError } from '../../../../src-shared/result';
import { formatError } from '../../../../src-shared/result';
import { formatInt, formatMs, formatNumber, formatTs } from '../../format';
import { useTriageKeys } from '../../hooks/useTriageKeys';
import {
  appBridge,
  bumpData,
  showError,
  showNotice,
  trainAndScore,
  updateScores,
  useStore,
  selectCaseBusy,
} from '../../store';
import { EmptyState } from '../EmptyState';
import { ExplanationPanel } from './ExplanationPanel';
import { ScoreHistogram } from './ScoreHistogram';

const PAGE = 100;

const VIEWS: { view: View; label: string }[] = [
  { view: 'open', label: 'Open alerts' },
  { view: 'all', label: 'All events' },
  { view: 'confirmed', label: 'Confirmed' },
  { view: 'false_positive', label: 'False positives' },
];

const VERDICT_TEXT: Record<Verdict, string> = {
  confirmed: 'confirmed attack',
  false_positive: 'false positive',
};

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
    cell: (c) => {
      const v = c.row.original.verdict;
      if (!v) return '';
      return (
        <span className={`verdict-tag ${v}`}>{v === 'confirmed' ? '✔ confirmed' : '✕ false positive'}</span>
      );
    },
  },
];

export function FeedView({ dataset }: { dataset: DatasetInfo }) {
  const dataVersion = useStore((s) => s.dataVersion);
  const epoch = useStore((s) => s.connectionEpoch);
  const busy = useStore(selectCaseBusy);
  const [view, setView] = useState<View>('open');
  const [offset, setOffset] = useState(0);
  const [page, setPage] = useState<FeedPage | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [dist, setDist] = useState<ScoreDistribution | null>(null);
  const [selected, setSelected] = useState(0);
  /** The last verdict given here, so Undo works even after the item left the view. */
  const [last, setLast] = useState<{ eventId: number; previous: Verdict | null } | null>(null);
  const tableRef = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    let live = true;
    void appBridge()
      .invoke('feed.page', { datasetId: dataset.id, view, offset, limit: PAGE })
      .then((r) => {
        if (!live) return;
        if (r.ok) {
          setPage(r.value);
          setError(null);
        } else setError(r.error);
      });
    return () => {
      live = false;
    };
  }, [dataset.id, view, offset, dataVersion, epoch]);

  useEffect(() => {
    let live = true;
    void appBridge()
      .invoke('feed.distribution', { datasetId: dataset.id })
      .then((r) => {
        if (live && r.ok) setDist(r.value);
      });
    return () => {
      live = false;
    };
  }, [dataset.id, dataVersion, epoch]);

  const items = useMemo(() => (page?.datasetId === dataset.id ? page.items : []), [page, dataset.id]);
  // Judging the last items of the last page empties it: go back to the page before.
  useEffect(() => {
    if (page && page.items.length === 0 && page.offset > 0 && page.total > 0)
      setOffset(Math.max(0, Math.floor((page.total - 1) / PAGE) * PAGE));
  }, [page]);
  const index = Math.min(selected, Math.max(0, items.length - 1));
  const item = items[index] ?? null;

  const chooseView = (v: View) => {
    setView(v);
    setOffset(0);
    setSelected(0);
  };

  // One verdict at a time: a key pressed again before the list has moved on would judge the
  // item that was just judged (or the wrong one), so keys wait for the next page.
  const saving = useRef(false);
  useEffect(() => {
    saving.current = false;
  }, [page, error]);
  const saveVerdict = useCallback(
    async (eventId: number, v: Verdict | null, previous: Verdict | null, undo: boolean) => {
      if (saving.current) return;
      saving.current = true;
      const r = await appBridge().invoke('feed.verdict', { datasetId: dataset.id, eventId, verdict: v });
      if (!r.ok) {
        saving.current = false;
        showError(r.error, 'Could not save the verdict');
        return;
      }
      setLast(undo ? null : { eventId, previous });
      showNotice(
        undo
          ? `Undone: event ${eventId} is ${v ? VERDICT_TEXT[v] : 'open'} again`
          : v
            ? `Event ${eventId} marked ${VERDICT_TEXT[v]} (U undoes): the next training learns from it`
            : `Verdict on event ${eventId} removed`,
      );
      // In "open alerts" a judged item leaves the list; the same index is then the next one.
      bumpData();
    },
    [dataset.id],
  );

  const verdict = useCallback(
    async (v: Verdict | null) => {
      if (v === null) {
        // Undo: the last verdict given here goes back to what it was (its item may have left the
        // view, or another item may be selected); with nothing to undo, the selected item's verdict is cleared.
        if (last) await saveVerdict(last.eventId, last.previous, null, true);
        else if (item?.verdict) await saveVerdict(item.eventId, null, item.verdict, false);
        return;
      }
      if (item && item.verdict !== v) await saveVerdict(item.eventId, v, item.verdict, false);
    },
    [item, last, saveVerdict],
  );

  useTriageKeys({
    move: useCallback(
      (by: 1 | -1) => setSelected(Math.max(0, Math.min(items.length - 1, index + by))),
      [items.length, index],
    ),
    confirm: useCallback(() => void verdict('confirmed'), [verdict]),
    dismiss: useCallback(() => void verdict('false_positive'), [verdict]),
    undo: useCallback(() => void verdict(null), [verdict]),
  });

  useEffect(() => {
    tableRef.current?.querySelector('tr[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [index, page]);

  // Columns the dataset has a role for (no amount column for logins, say).
  const columns = useMemo(() => {
    const roles = new Set(dataset.columns.map((c) => c.role));
    const anyRules = (page?.ruleAlerts ?? 0) > 0;
    return COLUMNS.filter(
      (c) =>
        (c.id !== 'amount' || roles.has('amount')) &&
        (c.id !== 'entity' || roles.has('entity')) &&
        (c.id !== 'rules' || anyRules),
    );
  }, [dataset, page?.ruleAlerts]);
  const table = useReactTable({ data: items, columns, getCoreRowModel: getCoreRowModel() });

  if (error && !page) {
    return <EmptyState title="Could not load the anomaly feed" detail={formatError(error)} tone="error" />;
  }
  if (!page) return <EmptyState title="Ranking events…" testId="feed-loading" />;
  if (!page.models.length && !page.ruleAlerts) {
    return (
      <EmptyState
        title="This dataset has not been scored yet"
        detail="Build point-in-time features, train a model (gradient-boosted trees when there are labels, else an Isolation Forest) and score every event. Progress shows on the left, with Cancel."
        action={{
          label: busy ? 'Working…' : 'Build features, train and score',
          onClick: () => void trainAndScore(dataset.id),
          // a second click while the first chain runs would train and score a second model
          disabled: busy,
          testId: 'feed-score-all',
        }}
        testId="feed-empty"
      />
    );
  }
  const from = page.total ? page.offset + 1 : 0;
  const to = page.offset + page.items.length;
  return (
    <div className="feed" data-testid="feed">
      <div className="feed-head">
        <div className="segmented" role="tablist" aria-label="Which events">
          {VIEWS.map(({ view: v, label }) => (
            <button
              key={v}
              type="button"
              role="tab"
              aria-selected={view === v}
              className={view === v ? 'seg on' : 'seg'}
              onClick={() => chooseView(v)}
              data-testid={`feed-view-${v}`}
            >
              {label} <span className="count">{formatInt(page.counts[v])}</span>
            </button>
          ))}
        </div>
        <div className="feed-models" title="The combined score is the mean of each model's percentile rank">
          Ranked by{' '}
          {page.models.map((m, i) => (
            <span key={m.id}>
              {i > 0 && ' + '}
              <b>{m.name}</b>
            </span>
          ))}
          {page.ruleAlerts > 0 && (
            <span>
              {page.models.length > 0 && ' + '}
              <b>{formatInt(page.ruleAlerts)} rule alerts</b>
            </span>
          )}
        </div>
        <button
          type="button"
          className="btn small"
          disabled={busy}
          onClick={() =>
            void updateScores(
              dataset.id,
              page.models.map((m) => m.id),
            )
          }
          title="Featurise new events and score again with these models"
          data-testid="feed-update"
        >
          Update scores
        </button>
      </div>
      <div className="feed-body">
        <div className="feed-left">
          {page.models.length > 0 && <ScoreHistogram dist={dist} />}
          <div className="feed-table-wrap" ref={tableRef}>
            {items.length === 0 ? (
              <EmptyState
                title={view === 'open' ? 'No open alerts' : 'Nothing here'}
                detail={
                  view === 'open'
                    ? 'Every alert has a verdict. "All events" lists everything by score.'
                    : 'Verdicts you give appear here.'
                }
                testId="feed-none"
              />
            ) : (
              <table className="feed-table" data-testid="feed-table" aria-label="Anomalies by score">
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
                      aria-selected={i === index}
                      className={i === index ? 'selected' : undefined}
                      onClick={() => setSelected(i)}
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
            )}
          </div>
          <div className="feed-foot">
            <span data-testid="feed-range">
              {formatInt(from)}–{formatInt(to)} of {formatInt(page.total)}
            </span>
            <span className="muted">ranked in {formatMs(page.elapsedMs)}</span>
            <span className="keys muted">
              <kbd>J</kbd>
              <kbd>K</kbd> move · <kbd>C</kbd> confirm · <kbd>F</kbd> false positive · <kbd>U</kbd> undo
            </span>
            <span className="spacer" />
            <button
              type="button"
              className="btn small ghost"
              disabled={page.offset === 0}
              onClick={() => {
                setOffset(Math.max(0, offset - PAGE));
                setSelected(0);
              }}
            >
              ← Previous
            </button>
            <button
              type="button"
              className="btn small ghost"
              disabled={to >= page.total}
              onClick={() => {
                setOffset(offset + PAGE);
                setSelected(0);
              }}
              data-testid="feed-next"
            >
              Next →
            </button>
          </div>
        </div>
        <ExplanationPanel
          datasetId={dataset.id}
          item={item}
          onVerdict={(v) => void verdict(v)}
          canUndo={Boolean(item?.verdict) || last !== null}
        />
      </div>
    </div>
  );
}
