// The anomaly feed of a dataset: every scored event on one 0–100 axis, worked top-down. Views by
// verdict, the score distribution, the explanation of the selected item, one-key verdicts. The
// page and its verdicts are hooks (useFeedPage, useFeedVerdicts); the table is FeedTable.
import { useCallback, useState } from 'react';
import type { DatasetInfo, FeedPage, FeedView as View, Verdict } from '../../../../src-shared/domain';
import { domainOf } from '../../../../src-shared/domain';
import { formatError } from '../../../../src-shared/result';
import { formatInt, formatMs } from '../../format';
import { useTriageKeys } from '../../hooks/useTriageKeys';
import { downloadFile } from '../../download';
import { runJob, selectCaseBusy, trainAndScore, updateScores, useStore } from '../../store';
import { EmptyState } from '../EmptyState';
import { ExplanationPanel } from './ExplanationPanel';
import { FeedTable } from './FeedTable';
import { ScoreHistogram } from './ScoreHistogram';
import { useFeedPage } from './useFeedPage';
import { useFeedVerdicts } from './useFeedVerdicts';

const VIEWS: { view: View; label: string }[] = [
  { view: 'open', label: 'Open alerts' },
  { view: 'all', label: 'All events' },
  { view: 'confirmed', label: 'Confirmed' },
  { view: 'false_positive', label: 'False positives' },
];

/** Writes the case report of a dataset (a job); HTML is also downloaded from the page. */
async function writeReport(datasetId: number, format: 'html' | 'pdf'): Promise<void> {
  const done = await runJob('report.build', { datasetId, format }, 'Could not write the case report');
  if (done?.ok && done.kind === 'report' && done.result.html)
    downloadFile(done.result.path.split(/[\\/]/).pop() ?? 'report.html', done.result.html, 'text/html');
}

export function FeedView({ dataset }: { dataset: DatasetInfo }) {
  const busy = useStore(selectCaseBusy);
  const feed = useFeedPage(dataset.id);
  const { view, page, error, dist, items, index, item } = feed;
  const { judge, canUndo } = useFeedVerdicts(dataset.id, view, item, page, error);
  const [noteSignal, setNoteSignal] = useState(0);

  // The selection moves on after a verdict: a judged item leaves "open alerts" (the next one takes
  // its place); where it stays listed (unsure, or another view), the next row is selected.
  const { move } = feed;
  const give = useCallback(
    async (v: Verdict) => {
      if ((await judge(v)) && (view !== 'open' || v === 'unsure')) move(1);
    },
    [judge, view, move],
  );
  useTriageKeys({
    move: feed.move,
    confirm: useCallback(() => void give('confirmed'), [give]),
    dismiss: useCallback(() => void give('false_positive'), [give]),
    undo: useCallback(() => void judge(null), [judge]),
    unsure: useCallback(() => void give('unsure'), [give]),
    note: useCallback(() => setNoteSignal((n) => n + 1), []),
    expand: feed.expand,
  });

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
              onClick={() => feed.chooseView(v)}
              data-testid={`feed-view-${v}`}
            >
              {label} <span className="count">{formatInt(page.counts[v])}</span>
            </button>
          ))}
        </div>
        {view !== 'all' && (
          <div className="segmented" role="group" aria-label="Rows">
            <button
              type="button"
              className={feed.fold ? 'seg on' : 'seg'}
              aria-pressed={feed.fold}
              onClick={() => feed.setFold(true)}
              title="One row an incident: events of one entity close in time, of one rule alert or one injected scenario (→ opens its events)"
              data-testid="feed-fold"
            >
              Incidents
            </button>
            <button
              type="button"
              className={feed.fold ? 'seg' : 'seg on'}
              aria-pressed={!feed.fold}
              onClick={() => feed.setFold(false)}
              data-testid="feed-unfold"
            >
              Events
            </button>
          </div>
        )}
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
        <div className="segmented" role="group" aria-label="Case report">
          <button
            type="button"
            className="seg"
            disabled={busy}
            onClick={() => void writeReport(dataset.id, 'html')}
            title="A report of this dataset's confirmed and open incidents, with headlines, contributions, notes and verdict history: downloaded as HTML and kept beside the case"
            data-testid="report-html"
          >
            Report
          </button>
          <button
            type="button"
            className="seg"
            disabled={busy}
            onClick={() => void writeReport(dataset.id, 'pdf')}
            title="The same report as a PDF, printed by the browser engine, beside the case"
            data-testid="report-pdf"
          >
            PDF
          </button>
        </div>
      </div>
      {!page.models.length && (
        <div className="feed-hint" data-testid="feed-train-hint">
          <span>
            Only the {formatInt(page.counts.all)} of {formatInt(dataset.rows)} events behind rule alerts are
            ranked: no model scores this dataset, so what no rule watches for goes unseen.
          </span>
          <button
            type="button"
            className="btn small"
            disabled={busy}
            onClick={() => void trainAndScore(dataset.id)}
            data-testid="feed-train"
          >
            {busy ? 'Working…' : 'Train and score every event'}
          </button>
        </div>
      )}
      <div className="feed-body">
        <div className="feed-left">
          {page.models.length > 0 && <ScoreHistogram dist={dist} />}
          <div className="feed-table-wrap">
            {items.length === 0 && feed.loading ? (
              <div className="skeleton-lines" aria-busy="true" data-testid="feed-rows-loading" />
            ) : items.length === 0 ? (
              <EmptyState
                title={view === 'open' ? 'No open alerts' : 'Nothing here'}
                detail={view === 'open' ? noOpenAlerts(page) : 'Verdicts you give appear here.'}
                testId="feed-none"
              />
            ) : (
              <FeedTable
                dataset={dataset}
                items={items}
                selected={index}
                onSelect={feed.select}
                onToggle={feed.toggleRow}
                withRules={page.ruleAlerts > 0}
              />
            )}
          </div>
          <div className="feed-foot">
            <span data-testid="feed-range">
              {formatInt(from)}–{formatInt(to)} of {formatInt(page.total)}
              {page.folded ? ` incidents · ${formatInt(page.events)} events` : ''}
            </span>
            <span className="muted">ranked in {formatMs(page.elapsedMs)}</span>
            <span className="keys muted">
              <kbd>J</kbd>
              <kbd>K</kbd> move · <kbd>C</kbd> confirm · <kbd>F</kbd> false positive · <kbd>S</kbd> unsure ·{' '}
              <kbd>U</kbd> undo · <kbd>N</kbd> note
            </span>
            <span className="spacer" />
            <button
              type="button"
              className="btn small ghost"
              disabled={page.offset === 0}
              onClick={() => feed.turn(-1)}
            >
              ← Previous
            </button>
            <button
              type="button"
              className="btn small ghost"
              disabled={to >= page.total}
              onClick={() => feed.turn(1)}
              data-testid="feed-next"
            >
              Next →
            </button>
          </div>
        </div>
        <ExplanationPanel
          datasetId={dataset.id}
          item={item}
          onVerdict={(v) => void (v === null ? judge(null) : give(v))}
          canUndo={canUndo}
          noteSignal={noteSignal}
          onNote={() => setNoteSignal((n) => n + 1)}
          measured={domainOf(dataset.columns.map((c) => c.role)) === 'metrics'}
        />
      </div>
    </div>
  );
}

/** Why the open view is empty, truthfully: judged, under the threshold, or warming up. */
function noOpenAlerts(page: FeedPage): string {
  const judged = page.counts.confirmed + page.counts.false_positive;
  const all = ' "All events" lists everything by score.';
  const waiting = (who: string) =>
    judged
      ? `${who} is waiting for a verdict: ${formatInt(judged)} ${judged === 1 ? 'has' : 'have'} one.`
      : `${who} scores above its model's alert threshold.`;
  if (!page.warmingUp) return waiting('No event') + all;
  const warming = `events of the dataset's first day are warming up (their windows were still filling): they are ranked but raise no alert`;
  if (page.warmingUp + judged >= page.counts.all)
    return `All ${formatInt(page.warmingUp)} ${warming}; alerts start with the second day's events.${all}`;
  return `${formatInt(page.warmingUp)} ${warming}. ${waiting('None of the others')}${all}`;
}
