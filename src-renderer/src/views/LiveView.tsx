// The live stream, for demos and drills: simulated API-gateway and login traffic through the
// nine rules in accelerated time; launch an attack and watch it caught, with the time it took.
import { useState } from 'react';
import {
  LIVE_ATTACKS,
  type LaunchedAttack,
  type LiveAlert,
  type LiveAttack,
} from '../../../src-shared/domain';
import { detailLabel, detailValue, formatInt, formatNumber, spaced } from '../format';
import { cancelJob, launchAttack, setLiveOpen, startStream, useStore } from '../store';
import { SeverityBadge } from './feed/Severity';

const ATTACK_TEXT: Record<LiveAttack, string> = {
  rate_spike: 'a key jumps to 2.4× its usual rate for 5 minutes',
  exfiltration: 'a key that reads names starts reading User.ssn in bulk',
  brute_force: '50 failed sign-ins in a minute from an unknown address (and from the office)',
  lateral_movement: 'a key reads Order, Payment and Inventory tables it never touched',
  new_key: 'a key never seen before starts calling',
  one_second_spike: 'a one-second burst (should not alert)',
};

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);

/** Simulated seconds from an attack's launch to the first alert on its entity, if caught. */
function caughtAfter(a: LaunchedAttack, alerts: LiveAlert[]): number | null {
  let first: number | null = null;
  for (const x of alerts)
    if (
      (x.entity === a.entity || x.ip === a.entity) &&
      x.raisedAt >= a.at &&
      (first === null || x.raisedAt < first)
    )
      first = x.raisedAt;
  return first === null ? null : Math.max(0, (first - a.at) / 1000);
}

export function LiveView() {
  const live = useStore((s) => s.live);
  const running = useStore((s) => (s.live.jobId ? Boolean(s.jobs[s.live.jobId]) : false));
  const starting = useStore((s) => Object.values(s.jobs).some((j) => j.kind === 'stream' && !s.live.tick));
  const [speed, setSpeed] = useState(60);
  const t = live.tick;
  return (
    <div className="panel-page live" data-testid="live-view">
      <section className="card">
        <div className="card-head">
          <h3>Live stream</h3>
          <button
            type="button"
            className="btn small ghost"
            onClick={() => setLiveOpen(false)}
            title="Back to the dataset (L)"
          >
            Close <kbd>L</kbd>
          </button>
        </div>
        <p className="muted">
          Simulated API-gateway calls and logins (daily and weekly cycles, admin keys, nightly exports) go
          through the nine rules one event at a time. The engine first learns 14 days of history, then plays
          the next day live.
        </p>
        <div className="form-grid">
          {running ? (
            <button
              type="button"
              className="btn"
              onClick={() => live.jobId && void cancelJob(live.jobId)}
              data-testid="live-stop"
            >
              Stop
            </button>
          ) : (
            <>
              <label>
                Speed
                <select
                  value={speed}
                  onChange={(e) => setSpeed(Number(e.target.value))}
                  data-testid="live-speed"
                >
                  <option value={10}>×10 (a minute in 6 s)</option>
                  <option value={60}>×60 (a minute a second)</option>
                  <option value={300}>×300 (an hour in 12 s)</option>
                </select>
              </label>
              <button
                type="button"
                className="btn primary"
                onClick={() => void startStream(speed)}
                data-testid="live-start"
              >
                Start the stream
              </button>
            </>
          )}
          {t && (
            <dl className="live-stats" data-testid="live-stats">
              <div>
                <dt>Simulated time</dt>
                <dd>{clock(t.simTime)} UTC</dd>
              </div>
              <div>
                <dt>Events</dt>
                <dd data-testid="live-events">{formatInt(t.events)}</dd>
              </div>
              <div>
                <dt>Events/s</dt>
                <dd>{formatInt(t.eventsPerSecond)}</dd>
              </div>
              <div title="Per-event time through the nine rules, p50 / p99">
                <dt>Latency p50 / p99</dt>
                <dd>
                  {formatNumber(t.p50Us)} / {formatNumber(t.p99Us)} µs
                </dd>
              </div>
              <div>
                <dt>Alerts</dt>
                <dd>{formatInt(t.alerts)}</dd>
              </div>
            </dl>
          )}
          {starting && <span className="muted">learning 14 days of baselines…</span>}
        </div>
      </section>
      <section className="card">
        <h3>Launch an attack</h3>
        <div className="attack-grid">
          {LIVE_ATTACKS.map((a) => (
            <button
              key={a}
              type="button"
              className="btn attack"
              disabled={!running || !t}
              onClick={() => void launchAttack(a)}
              data-testid={`attack-${a}`}
              title={ATTACK_TEXT[a]}
            >
              <b>{spaced(a)}</b>
              <span className="muted">{ATTACK_TEXT[a]}</span>
            </button>
          ))}
        </div>
        {live.attacks.length > 0 && (
          <ul className="launched" data-testid="launched">
            {live.attacks.map((a, i) => {
              const after = caughtAfter(a, live.alerts);
              return (
                <li key={`${a.at}:${i}`}>
                  {clock(a.at)} <b>{spaced(a.scenario)}</b> on {a.entity} ({formatInt(a.events)} events):{' '}
                  {after === null ? (
                    <span className="muted">not caught yet</span>
                  ) : (
                    <span className="caught" data-testid="caught">
                      caught {formatNumber(after)} s (simulated) after it began
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <section className="card grow">
        <h3>Alerts as they come</h3>
        {live.alerts.length === 0 ? (
          <p className="muted">None yet. Normal traffic should raise none: launch an attack.</p>
        ) : (
          <table className="grid-table" data-testid="live-alerts">
            <thead>
              <tr>
                <th>Time (sim)</th>
                <th>Severity</th>
                <th>Rule</th>
                <th>Entity</th>
                <th className="num">Observed</th>
                <th className="num">Baseline</th>
                <th className="num">Conf.</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {live.alerts.map((a) => (
                <tr key={a.seq} data-testid="live-alert">
                  <td>{clock(a.raisedAt)}</td>
                  <td>
                    <SeverityBadge severity={a.severity} />
                  </td>
                  <td>{spaced(a.rule)}</td>
                  <td>{a.entity}</td>
                  <td className="num">{formatNumber(a.observed)}</td>
                  <td className="num">{a.baseline === null ? '–' : formatNumber(a.baseline)}</td>
                  <td className="num">{Math.round(a.confidence * 100)}</td>
                  <td className="muted">
                    {Object.entries(a.details)
                      .map(([k, v]) => `${detailLabel(k)} ${detailValue(v)}`)
                      .join(' · ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
