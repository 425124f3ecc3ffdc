// The rule engine's view of a dataset: run the nine rules, read the incidents they correlate,
// work the alerts (observed against baseline, confidence, evidence) and judge them with one key;
// each verdict moves its rule's confidence, shown at the top with the rules disabled for review.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DatasetInfo, EventFilter, Verdict } from '../../../src-shared/domain';
import {
  detailLabel,
  detailValue,
  formatInt,
  formatMinutes,
  formatNumber,
  formatTs,
  spaced,
} from '../format';
import { useTriageKeys } from '../hooks/useTriageKeys';
import { useRequest } from '../hooks/useRequest';
import { appBridge, bumpData, runJob, showError, showNotice, useStore, selectCaseBusy } from '../store';
import { EmptyState } from './EmptyState';
import { SeverityBadge } from './feed/Severity';
import { ReviewNotes } from './ReviewNotes';
import { VerdictBar, VerdictTag } from './VerdictBar';

const NONE: never[] = [];

const VERDICT_WORDS: Record<Verdict, string> = {
  confirmed: 'confirmed',
  false_positive: 'marked a false positive',
  unsure: 'marked unsure',
};

/** What the dataset's entity column holds, in words ("user", "card"). */
const entityWordOf = (d: DatasetInfo) => d.columns.find((c) => c.role === 'entity')?.name ?? 'entity';

/** Opens the Events tab on the dataset's events matching `filters`. */
function showEvents(datasetId: number, filters: EventFilter[]): void {
  const s = useStore.getState();
  s.setFilters(datasetId, filters);
  s.setTab('events');
}

/** "10-16 16:00 · 12 min" (UTC): the window's start and length. */
function windowText(a: { start: number; end: number }, full = false): string {
  const mins = Math.max(0, Math.round((a.end - a.start) / 60_000));
  const start = full ? formatTs(a.start) : formatTs(a.start).slice(5, 16);
  return `${start} · ${mins < 1 ? '< 1' : formatInt(mins)} min`;
}

export function AlertsView({ dataset }: { dataset: DatasetInfo }) {
  const busy = useStore(selectCaseBusy);
  const alerts = useRequest('alerts.list', { datasetId: dataset.id }, 'Could not list the alerts').data;
  const incidents = useRequest('incidents.list', { datasetId: dataset.id }).data ?? NONE;
  const rules = useRequest('rules.confidence', {}).data ?? NONE;
  const [selected, setSelected] = useState(0);
  const tableRef = useRef<HTMLDivElement | null>(null);

  // Newest and most severe first: what to look at now.
  const sorted = useMemo(() => {
    const rank = { CRITICAL: 3, HIGH: 2, MEDIUM: 1, LOW: 0 } as const;
    return [...(alerts ?? [])].sort((a, b) => rank[b.severity] - rank[a.severity] || b.start - a.start);
  }, [alerts]);
  const index = Math.min(selected, Math.max(0, sorted.length - 1));
  const alert = sorted[index] ?? null;

  /** The last verdict given here, so U undoes it even after the selection moved on. */
  const [last, setLast] = useState<{ alertId: number; previous: Verdict | null } | null>(null);
  const [noteSignal, setNoteSignal] = useState(0);

  const save = useCallback(
    async (alertId: number, verdict: Verdict | null, previous: Verdict | null, undo: boolean) => {
      const r = await appBridge().invoke('alert.verdict', { alertId, verdict });
      if (!r.ok) {
        showError(r.error, 'Could not save the verdict');
        return false;
      }
      setLast(undo ? null : { alertId, previous });
      const rule = r.value.rule;
      const what = verdict ? VERDICT_WORDS[verdict] : 'open again';
      showNotice(
        `${undo ? 'Undone: alert' : 'Alert'} ${alertId} ${what}${undo ? '' : ' (U undoes)'}: rule ${spaced(rule.rule)} now at confidence ${rule.confidence}${rule.disabled ? ' and disabled until reviewed' : ''}`,
      );
      bumpData();
      return true;
    },
    [],
  );

  /** A verdict on the selected alert (changeable; the selection then moves on); null undoes. */
  const judge = useCallback(
    async (verdict: Verdict | null) => {
      if (verdict === null) {
        if (last) await save(last.alertId, last.previous, null, true);
        else if (alert?.verdict) await save(alert.id, null, alert.verdict, false);
        return;
      }
      if (!alert || alert.verdict === verdict) return;
      if (await save(alert.id, verdict, alert.verdict, false))
        setSelected(Math.min(sorted.length - 1, index + 1));
    },
    [alert, last, save, sorted.length, index],
  );

  useTriageKeys({
    move: useCallback(
      (by: 1 | -1) => setSelected(Math.max(0, Math.min(sorted.length - 1, index + by))),
      [sorted.length, index],
    ),
    confirm: useCallback(() => void judge('confirmed'), [judge]),
    dismiss: useCallback(() => void judge('false_positive'), [judge]),
    unsure: useCallback(() => void judge('unsure'), [judge]),
    undo: useCallback(() => void judge(null), [judge]),
    note: useCallback(() => setNoteSignal((n) => n + 1), []),
  });

  useEffect(() => {
    tableRef.current?.querySelector('tr[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' });
  }, [index]);

  const run = () =>
    void runJob('rules.run', { datasetId: dataset.id }, `Could not run the rules on ${dataset.name}`);
  const review = async (rule: string) => {
    const r = await appBridge().invoke('rule.review', { rule });
    if (!r.ok) showError(r.error, 'Could not re-enable the rule');
    else {
      showNotice(`Rule ${spaced(rule)} reviewed and enabled again`);
      bumpData();
    }
  };

  // the column the alert's entity is in (an address, a key), to show its events
  const entityColumn = alert
    ? (dataset.columns.find((c) => c.role === (alert.entityKind === 'ip' ? 'src_ip' : 'entity'))?.sqlName ??
      null)
    : null;

  if (alerts === null) return <EmptyState title="Loading alerts…" testId="alerts-loading" />;
  return (
    <div className="alerts" data-testid="alerts-view">
      <div className="feed-head">
        <button
          type="button"
          className="btn primary small"
          disabled={busy}
          onClick={run}
          data-testid="rules-run"
        >
          Run the rules
        </button>
        <span className="muted small">
          Nine rules over API-gateway and login events, with baselines per key, day of week and hour
          (config/rules.yaml).
        </span>
      </div>
      <div className="rule-strip" aria-label="Rule confidence" data-testid="rule-strip">
        {rules.map((r) => (
          <span
            key={r.rule}
            className={r.disabled ? 'rule-chip disabled' : 'rule-chip'}
            title={`${r.confirmed} confirmed, ${r.falsePositives} false positives`}
            data-testid="rule-chip"
          >
            {spaced(r.rule)} <b>{r.confidence}</b>
            {r.disabled && (
              <button type="button" className="btn small ghost" onClick={() => void review(r.rule)}>
                disabled: review
              </button>
            )}
          </span>
        ))}
      </div>
      {alerts.length === 0 ? (
        <EmptyState
          title="No rule alerts for this dataset"
          detail="Run the rules over it: they need API calls (api_key, ip, operation, fields, tables, rows, bytes, status, auth, latency_ms) or logins (user, ip, result)."
          testId="alerts-empty"
        />
      ) : (
        <div className="feed-body">
          <div className="feed-left">
            {incidents.length > 0 && (
              <ul className="incidents" aria-label="Incidents" data-testid="incidents">
                {incidents.map((i) => (
                  <li key={i.id} className="incident">
                    <SeverityBadge severity={i.severity} /> <b>{spaced(i.kind)}</b>{' '}
                    <span className="muted">
                      {i.entities.join(', ')} · {i.rules.map(spaced).join(' + ')} · {windowText(i)} ·{' '}
                      {i.alertIds.length} alerts
                    </span>
                  </li>
                ))}
              </ul>
            )}
            <div className="feed-table-wrap" ref={tableRef}>
              <table className="feed-table" data-testid="alerts-table" aria-label="Rule alerts">
                <thead>
                  <tr>
                    <th>Severity</th>
                    <th>Rule</th>
                    <th>Entity</th>
                    <th>Window (UTC)</th>
                    <th className="col-amount">Observed</th>
                    <th className="col-amount col-baseline">Baseline</th>
                    <th className="col-amount col-conf">Conf.</th>
                    <th className="col-amount col-count">Count</th>
                    <th className="col-verdict">Verdict</th>
                  </tr>
                </thead>
                <tbody>
                  {sorted.map((a, i) => (
                    <tr
                      key={a.id}
                      aria-selected={i === index}
                      className={i === index ? 'selected' : undefined}
                      onClick={() => setSelected(i)}
                      data-testid="alert-row"
                      data-alert-id={a.id}
                    >
                      <td>
                        <SeverityBadge severity={a.severity} />
                      </td>
                      <td>{spaced(a.rule)}</td>
                      <td title={a.entityKind}>{a.entity}</td>
                      <td>{windowText(a)}</td>
                      <td className="col-amount">{formatNumber(a.observed)}</td>
                      <td className="col-amount col-baseline">
                        {a.baseline === null ? '–' : formatNumber(a.baseline)}
                      </td>
                      <td className="col-amount col-conf">{Math.round(a.confidence * 100)}</td>
                      <td className="col-amount col-count">{formatInt(a.count)}</td>
                      <td className="col-verdict">
                        <VerdictTag verdict={a.verdict} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="feed-foot">
              <span>
                {formatInt(alerts.length)} alerts · {formatInt(incidents.length)} incidents
              </span>
              <span className="keys muted">
                <kbd>J</kbd>
                <kbd>K</kbd> move · <kbd>C</kbd> confirm · <kbd>F</kbd> false positive · <kbd>S</kbd> unsure ·{' '}
                <kbd>U</kbd> undo · <kbd>N</kbd> note
              </span>
            </div>
          </div>
          {alert && (
            <aside className="explain" aria-label="Alert" data-testid="alert-detail">
              <header className="explain-head">
                <div className="explain-title">
                  <div>
                    <div className="explain-entity">
                      {spaced(alert.rule)} on{' '}
                      {entityColumn ? (
                        <button
                          type="button"
                          className="link entity-link"
                          title="Its story: timeline, history, peers, similar items, notes"
                          onClick={() =>
                            useStore.getState().openStory({
                              datasetId: dataset.id,
                              value: alert.entity,
                              column: entityColumn,
                            })
                          }
                          data-testid="alert-open-entity"
                        >
                          {alert.entity}
                        </button>
                      ) : (
                        alert.entity
                      )}
                    </div>
                    <div className="explain-sub">
                      alert {alert.id} · {windowText(alert, true)} UTC
                      {alert.ip ? ` · ${alert.ip}` : ''}
                    </div>
                  </div>
                  <SeverityBadge severity={alert.severity} />
                </div>
                <VerdictBar
                  verdict={alert.verdict}
                  onVerdict={(v) => void judge(v)}
                  canUndo={Boolean(alert.verdict) || last !== null}
                  onNote={() => setNoteSignal((n) => n + 1)}
                  testIdPrefix="alert"
                />
              </header>
              <div className="explain-body">
                <p className="explain-sentence" data-testid="alert-sentence">
                  {alert.sentence}
                </p>
                <dl className="impact-grid">
                  <div>
                    <dt>What it costs</dt>
                    <dd data-testid="alert-cost">
                      about <b>{formatInt(Math.round(alert.business.cost))}</b>
                    </dd>
                  </div>
                  <div>
                    <dt>What to do</dt>
                    <dd data-testid="alert-action">{alert.business.action}</dd>
                  </div>
                  <div>
                    <dt>By when</dt>
                    <dd>
                      within <b>{formatMinutes(alert.business.slaMinutes)}</b>{' '}
                      <span className="muted">of the alert</span>
                    </dd>
                  </div>
                  <div>
                    <dt>Observed</dt>
                    <dd>
                      <b>{formatNumber(alert.observed)}</b>{' '}
                      {alert.baseline !== null && (
                        <span className="muted">against a baseline of {formatNumber(alert.baseline)}</span>
                      )}
                    </dd>
                  </div>
                  <div>
                    <dt>Confidence</dt>
                    <dd>{Math.round(alert.confidence * 100)} / 100</dd>
                  </div>
                  <div>
                    <dt>Repeats</dt>
                    <dd>{formatInt(alert.count)} within the cooldown</dd>
                  </div>
                  {Object.entries(alert.details).map(([k, v]) => (
                    <div key={k}>
                      <dt>{detailLabel(k)}</dt>
                      <dd>{detailValue(v)}</dd>
                    </div>
                  ))}
                  <div>
                    <dt>Evidence</dt>
                    <dd data-testid="alert-evidence">
                      {alert.evidence.length === 0
                        ? '–'
                        : alert.evidence.slice(0, 20).map((id) => (
                            <button
                              key={id}
                              type="button"
                              className="link mono evidence-id"
                              title={`The story of event ${id}'s ${entityWordOf(dataset)}`}
                              onClick={() =>
                                useStore.getState().openStory({ datasetId: dataset.id, eventId: id })
                              }
                              data-testid="evidence-id"
                            >
                              {id}
                            </button>
                          ))}
                      {alert.evidence.length > 20 ? ` and ${alert.evidence.length - 20} more` : ''}
                      {entityColumn && (
                        <div>
                          <button
                            type="button"
                            className="btn small ghost"
                            onClick={() =>
                              showEvents(dataset.id, [
                                { column: entityColumn, op: 'eq', value: alert.entity },
                                { column: 'ts', op: 'gte', value: alert.start },
                                { column: 'ts', op: 'lte', value: alert.end },
                              ])
                            }
                            data-testid="alert-events"
                          >
                            Show its events in the window
                          </button>
                        </div>
                      )}
                    </dd>
                  </div>
                </dl>
                <ReviewNotes target={{ alertId: alert.id }} openSignal={noteSignal} />
              </div>
            </aside>
          )}
        </div>
      )}
    </div>
  );
}
