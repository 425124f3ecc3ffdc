// An entity's story, over the current view (Esc closes): a timeline of its events on the feed's
// 0–100 scale with alerts, verdicts and rule alerts marked; its features against its own history
// and its peers'; its past alerts and verdicts; the nearest judged or alerted items of other
// entities; and the notes on its events.
import * as Dialog from '@radix-ui/react-dialog';
import { useMemo } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import type { EntityStory, StoryEvent, Verdict } from '../../../src-shared/domain';
import { formatError } from '../../../src-shared/result';
import { chartColors, useChart } from '../charts/useChart';
import { formatInt, formatTs } from '../format';
import { useRequest } from '../hooks/useRequest';
import { useStore } from '../store';
import { VerdictTag } from './VerdictBar';

const VERDICT_COLOR: Record<Verdict, string> = {
  confirmed: '--sev-critical',
  false_positive: '--success',
  unsure: '--sev-medium',
};

function Timeline({ story }: { story: EntityStory }) {
  const theme = useStore((s) => s.theme);
  const option = useMemo((): EChartsCoreOption | null => {
    const dated = story.events.filter((e): e is StoryEvent & { ts: number } => e.ts !== null);
    if (!dated.length) return null;
    const c = chartColors();
    const css = getComputedStyle(document.documentElement);
    const colorOf = (e: StoryEvent) =>
      e.verdict ? css.getPropertyValue(VERDICT_COLOR[e.verdict]).trim() : e.alert ? c.danger : c.accent;
    const point = (e: StoryEvent & { ts: number }) => ({
      value: [e.ts, e.score ?? 0],
      itemStyle: { color: colorOf(e), opacity: e.alert || e.verdict ? 0.95 : 0.45 },
      symbolSize: e.alert || e.verdict ? 9 : 5,
      symbol: e.rules.length ? 'diamond' : 'circle',
      event: e,
    });
    return {
      animation: false,
      grid: { left: 36, right: 12, top: 10, bottom: 24 },
      tooltip: {
        trigger: 'item',
        backgroundColor: c.bg,
        borderColor: c.border,
        textStyle: { color: c.text, fontSize: 11 },
        formatter: (p: { data: { event: StoryEvent } }) => {
          const e = p.data.event;
          return `event ${e.eventId}<br/>${formatTs(e.ts)} UTC<br/>score ${e.score?.toFixed(1) ?? '–'}${e.alert ? ' · alert' : ''}${e.verdict ? ` · ${e.verdict.replace('_', ' ')}` : ''}${e.rules.length ? `<br/>rules: ${e.rules.join(', ').replace(/_/g, ' ')}` : ''}`;
        },
      },
      xAxis: {
        type: 'time',
        axisLabel: { color: c.faint, fontSize: 10 },
        axisLine: { lineStyle: { color: c.border } },
        splitLine: { show: false },
      },
      yAxis: {
        type: 'value',
        min: 0,
        max: 100,
        axisLabel: { color: c.faint, fontSize: 10 },
        splitLine: { lineStyle: { color: c.border, opacity: 0.5 } },
      },
      series: [{ type: 'scatter', data: dated.map(point) }],
    };
  }, [story, theme]); // the theme changes the colours read from CSS
  const ref = useChart(option, theme);
  return (
    <div
      className="story-timeline"
      ref={ref}
      role="img"
      aria-label={`Timeline of ${formatInt(story.events.length)} events`}
      data-testid="story-timeline"
    />
  );
}

export function EntityStoryView() {
  const target = useStore((s) => s.story);
  const close = () => useStore.getState().openStory(null);
  const { data, error } = useRequest('entity.story', target);
  const story =
    data &&
    target &&
    data.datasetId === target.datasetId &&
    (target.value === undefined || data.value === target.value)
      ? data
      : null;
  if (!target) return null;
  const judged = story?.events.filter((e) => e.alert || e.verdict) ?? [];
  return (
    <Dialog.Root open onOpenChange={(open) => !open && close()}>
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className="dialog story-dialog"
          data-testid="entity-story"
          aria-describedby={undefined}
        >
          <header className="dialog-head">
            <Dialog.Title className="dialog-title">
              <span className="mono">
                {target.value ?? story?.value ?? `the entity of event ${target.eventId}`}
              </span>
            </Dialog.Title>
            {story && (
              <p className="dialog-sub muted" data-testid="story-summary">
                {formatInt(story.total)} events · {formatInt(story.alerts)} alerts among the{' '}
                {formatInt(story.events.length)} latest · {formatInt(story.verdicts.confirmed)} confirmed ·{' '}
                {formatInt(story.verdicts.falsePositive)} false positives
              </p>
            )}
          </header>
          <div className="story-body">
            {error && (
              <p className="explain-error" role="alert">
                Could not tell this story: {formatError(error)}
              </p>
            )}
            {!story && !error && <div className="skeleton-lines" aria-busy="true" />}
            {story && (
              <>
                <section>
                  <h3>
                    Timeline <span className="muted h3-note">score 0–100 · ◆ caught by a rule</span>
                  </h3>
                  <Timeline story={story} />
                </section>
                <div className="story-columns">
                  <section>
                    <h3>Against its own history and its peers</h3>
                    <table className="story-table" data-testid="story-features">
                      <thead>
                        <tr>
                          <th>Feature</th>
                          <th>Latest</th>
                          <th>Its usual</th>
                          <th>Peers</th>
                        </tr>
                      </thead>
                      <tbody>
                        {story.features.map((f) => (
                          <tr key={f.feature}>
                            <td>{f.label}</td>
                            <td>{f.latest}</td>
                            <td>{f.own}</td>
                            <td>{f.peers}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </section>
                  <section>
                    <h3>Its alerts and verdicts</h3>
                    {judged.length === 0 ? (
                      <p className="muted">No alert or verdict among its latest events.</p>
                    ) : (
                      <ol className="review-list" data-testid="story-alerts">
                        {judged.slice(0, 30).map((e) => (
                          <li key={e.eventId} className="review-entry">
                            <span className="muted mono">{formatTs(e.ts).slice(0, 16)}</span> event{' '}
                            {e.eventId} · <b>{e.score?.toFixed(1) ?? '–'}</b>{' '}
                            <VerdictTag verdict={e.verdict} />
                            {e.rules.length > 0 && (
                              <span className="muted"> · {e.rules.join(', ').replace(/_/g, ' ')}</span>
                            )}
                          </li>
                        ))}
                      </ol>
                    )}
                    <h3>Similar items elsewhere</h3>
                    {story.similar.length === 0 ? (
                      <p className="muted">No judged or alerted item of another entity to compare with.</p>
                    ) : (
                      <ol className="review-list" data-testid="story-similar">
                        {story.similar.map((s) => (
                          <li key={s.eventId} className="review-entry">
                            <span className="mono">{s.entity ?? `event ${s.eventId}`}</span> · event{' '}
                            {s.eventId} · <b>{s.score.toFixed(1)}</b> <VerdictTag verdict={s.verdict} />
                            <span className="muted"> · distance {s.distance.toFixed(2)}</span>
                          </li>
                        ))}
                      </ol>
                    )}
                    <h3>Notes</h3>
                    {story.notes.length === 0 ? (
                      <p className="muted">No note or verdict on its events.</p>
                    ) : (
                      <ol className="review-list" data-testid="story-notes">
                        {story.notes.map((n) => (
                          <li key={n.id} className="review-entry">
                            <span className="muted mono">{n.at.replace('T', ' ').slice(5, 16)}</span> event{' '}
                            {n.eventId}{' '}
                            {n.action === 'verdict' && (
                              <b>{n.verdict ? `marked ${n.verdict.replace('_', ' ')}` : 'verdict cleared'}</b>
                            )}
                            {n.note && <span className="review-note">{n.note}</span>}
                          </li>
                        ))}
                      </ol>
                    )}
                  </section>
                </div>
              </>
            )}
          </div>
          <footer className="dialog-foot">
            <Dialog.Close className="btn small" data-testid="story-close">
              Close <kbd>Esc</kbd>
            </Dialog.Close>
          </footer>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
