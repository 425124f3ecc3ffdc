// One anomaly in business terms: why (measured reasons), how bad, what it costs, what to do, by
// when and whom to tell; the verdict buttons with their keys; the event itself.
import type { FeedItem, Verdict } from '../../../../src-shared/domain';
import { formatError } from '../../../../src-shared/result';
import { formatInt, formatMinutes, formatNumber, formatTs } from '../../format';
import { useRequest } from '../../hooks/useRequest';
import { openStory } from '../../store';
import { ContributionsChart } from './ContributionsChart';
import { SeverityBadge } from './Severity';
import { ReviewNotes } from '../ReviewNotes';
import { VerdictBar } from '../VerdictBar';

/** A cost in the data's currency when it names one. */
function formatCost(v: number, currency: string | null): string {
  if (currency)
    try {
      return v.toLocaleString('en-US', {
        style: 'currency',
        currency,
        maximumFractionDigits: v >= 100 ? 0 : 2,
      });
    } catch {
      // not a currency Intl knows
    }
  return v >= 100 ? formatInt(Math.round(v)) : formatNumber(v);
}

function deadline(minutes: number): string {
  const d = new Date(Date.now() + minutes * 60_000);
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

export function ExplanationPanel({
  datasetId,
  item,
  onVerdict,
  canUndo,
  noteSignal,
  onNote,
  measured = false,
}: {
  datasetId: number;
  item: FeedItem | null;
  onVerdict: (v: Verdict | null) => void;
  /** There is a verdict to take back (the selected item's, or the last one given). */
  canUndo: boolean;
  /** Changes when N asks for the note form. */
  noteSignal: number;
  onNote: () => void;
  /** The dataset holds measurements (service metrics): acknowledge, not confirm an attack. */
  measured?: boolean;
}) {
  const eventId = item?.eventId ?? null;
  const { data: ex, error } = useRequest('feed.explain', eventId === null ? null : { datasetId, eventId });

  if (!item) return <aside className="explain empty">Choose an anomaly to see why it was flagged.</aside>;
  const current = ex && ex.eventId === item.eventId ? ex : null;
  const verdict = item.verdict;
  const maxImpact = current ? Math.max(...current.reasons.map((r) => r.impact), 1e-9) : 1;
  return (
    <aside className="explain" aria-label="Explanation" data-testid="explanation">
      <header className="explain-head">
        <div className="explain-title">
          <span className="explain-score" title="Combined anomaly score, 0–100">
            {item.score.toFixed(1)}
          </span>
          <div>
            <div className="explain-entity">
              {item.entity ? (
                <button
                  type="button"
                  className="link entity-link"
                  title="Its story: timeline, history, peers, similar items, notes"
                  onClick={() => openStory({ datasetId, value: item.entity! })}
                  data-testid="open-entity"
                >
                  {item.entity}
                </button>
              ) : (
                `event ${item.eventId}`
              )}
            </div>
            <div className="explain-sub">
              event {item.eventId} · {formatTs(item.ts)} UTC
              {item.amount !== null ? ` · ${formatNumber(item.amount)}` : ''}
            </div>
            {item.group && (
              <div className="explain-incident" data-testid="explain-incident">
                heads an incident of <b>{formatInt(item.group.size)} events</b>
                {item.group.start !== null && item.group.end !== null
                  ? ` over ${formatMinutes(Math.max(1, Math.round((item.group.end - item.group.start) / 60_000)))}`
                  : ''}
                {item.group.entities > 1 ? ` · ${formatInt(item.group.entities)} entities` : ''} · a verdict
                judges them all (→ lists them)
              </div>
            )}
          </div>
          {current && <SeverityBadge severity={current.severity} />}
        </div>
        <VerdictBar
          verdict={verdict}
          onVerdict={onVerdict}
          canUndo={canUndo}
          onNote={onNote}
          measured={measured}
          testIdPrefix="verdict"
        />
      </header>
      {error && (
        <p className="explain-error" role="alert">
          Could not explain this event: {formatError(error)}
        </p>
      )}
      {!current && !error && <div className="explain-loading skeleton-lines" aria-busy="true" />}
      {current && (
        <div className="explain-body">
          <p className="explain-sentence" data-testid="sentence">
            {current.sentence}
          </p>
          <section>
            <h3>Why</h3>
            {current.ruleAlerts.length > 0 && (
              <ul className="rule-reasons" data-testid="rule-reasons">
                {current.ruleAlerts.map((a) => (
                  <li key={a.id}>
                    <SeverityBadge severity={a.severity} /> <b>rule {a.rule.replace(/_/g, ' ')}</b>: {a.text}{' '}
                    <span className="muted">(confidence {Math.round(a.confidence * 100)})</span>
                  </li>
                ))}
              </ul>
            )}
            {current.reasons.length === 0 ? (
              current.ruleAlerts.length > 0 ? null : (
                <p className="muted">No single feature stands out: the models score the combination.</p>
              )
            ) : (
              <ul className="reasons" data-testid="reasons">
                {current.reasons.map((r) => (
                  <li
                    key={r.feature}
                    title={
                      current.contributions
                        ? `${r.feature}: +${r.impact} to the model's score (exact contribution)`
                        : `${r.feature}: −${r.impact} points when set to its typical value`
                    }
                  >
                    <div className="reason-text">
                      <span className="reason-label">{r.label}</span>
                      <span className="reason-values">
                        <b>{r.shown.value}</b>{' '}
                        <span className="muted">
                          {r.shown.entityTypical !== null
                            ? `usually ${r.shown.entityTypical} · ${r.shown.typical} overall`
                            : `typically ${r.shown.typical}`}
                        </span>
                      </span>
                    </div>
                    <div className="reason-bar" aria-hidden="true">
                      <span style={{ width: `${(100 * r.impact) / maxImpact}%` }} />
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>
          {current.contributions && (
            <section data-testid="contributions">
              <h3>
                Contributions{' '}
                <span className="muted h3-note">exact (TreeSHAP) · {current.contributions.model.name}</span>
              </h3>
              <ContributionsChart c={current.contributions} />
            </section>
          )}
          <dl className="impact-grid">
            <div>
              <dt>How bad</dt>
              <dd>
                <SeverityBadge severity={current.severity} />{' '}
                <span className="muted">
                  {item.alert
                    ? "an alert: above a model's threshold or caught by a rule"
                    : "not an alert: no model's threshold reached, no rule"}
                </span>
              </dd>
            </div>
            <div>
              <dt>Looks like</dt>
              <dd>
                <b>{current.pattern.scenario.replace(/_/g, ' ')}</b>
                <span className="pattern-how">
                  {current.pattern.matched === 'injected'
                    ? ' (injected scenario)'
                    : current.pattern.matched === 'signals'
                      ? ' (matched by its signals)'
                      : current.pattern.matched === 'rule'
                        ? ' (caught by a rule)'
                        : ''}
                </span>
                <div className="muted">{current.pattern.description}</div>
              </dd>
            </div>
            <div>
              <dt>What it costs</dt>
              <dd data-testid="cost">
                about <b>{formatCost(current.business.cost, current.business.currency)}</b>
              </dd>
            </div>
            <div>
              <dt>What to do</dt>
              <dd data-testid="action">{current.pattern.action}</dd>
            </div>
            <div>
              <dt>By when</dt>
              <dd>
                within <b>{formatMinutes(current.pattern.slaMinutes)}</b>{' '}
                <span className="muted">(by {deadline(current.pattern.slaMinutes)} if you start now)</span>
              </dd>
            </div>
            <div>
              <dt>Escalate to</dt>
              <dd>{current.pattern.escalation.join(' → ')}</dd>
            </div>
          </dl>
          <ReviewNotes target={{ datasetId, eventId: item.eventId }} openSignal={noteSignal} />
          <details className="event-details">
            <summary>The event</summary>
            <table>
              <tbody>
                {Object.entries(current.event).map(([k, v]) => (
                  <tr key={k}>
                    <th>{k}</th>
                    <td>{k === 'ts' ? formatTs(v) : v === null ? '' : String(v)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </div>
      )}
    </aside>
  );
}
