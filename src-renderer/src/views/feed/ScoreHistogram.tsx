// How the feed's combined scores (0–100, the scale of the feed's rows, its severity and its counts)
// spread over the dataset (log scale: attacks are rare), with where alerts start and, in the
// severity colour, events known to be attacks (injected or confirmed).
import { useMemo } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import type { ScoreDistribution } from '../../../../src-shared/domain';
import { chartColors, useChart } from '../../charts/useChart';
import { formatInt } from '../../format';
import { useStore } from '../../store';

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

export function ScoreHistogram({ dist }: { dist: ScoreDistribution | null }) {
  const theme = useStore((s) => s.theme);
  const option = useMemo((): EChartsCoreOption | null => {
    if (!dist || !dist.bins.length) return null;
    const c = chartColors();
    const labels = dist.bins.map((b) => fmt(b.lo));
    // Log axes cannot show 0: empty bins are left out. Known attacks overlay the bar of all events
    // (stacking on a log axis drops bars whose base is empty).
    const all = dist.bins.map((b) => (b.count > 0 ? b.count : null));
    const attacks = dist.bins.map((b) => (b.positives > 0 ? b.positives : null));
    const t = dist.threshold;
    const tIndex = t === null ? -1 : dist.bins.findIndex((b, i) => t < b.hi || i === dist.bins.length - 1);
    return {
      animation: false,
      grid: { left: 44, right: 8, top: 8, bottom: 20 },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        backgroundColor: c.bg,
        borderColor: c.border,
        textStyle: { color: c.text, fontSize: 11 },
        formatter: (items: { dataIndex: number }[]) => {
          const b = dist.bins[items[0]?.dataIndex ?? 0];
          return `score ${fmt(b.lo)}–${fmt(b.hi)}<br/>${formatInt(b.count)} events<br/>${formatInt(b.positives)} known attacks`;
        },
      },
      xAxis: {
        type: 'category',
        data: labels,
        axisLabel: {
          color: c.faint,
          fontSize: 10,
          interval: (i: number) => i % 10 === 0 || i === dist.bins.length - 1,
        },
        axisLine: { lineStyle: { color: c.border } },
        axisTick: { show: false },
      },
      yAxis: {
        type: 'log',
        logBase: 10,
        min: 1,
        axisLabel: { color: c.faint, fontSize: 10 },
        splitLine: { lineStyle: { color: c.border, opacity: 0.5 } },
      },
      series: [
        {
          name: 'events',
          type: 'bar',
          data: all,
          itemStyle: { color: c.accent, opacity: 0.55 },
          barCategoryGap: '10%',
          markLine:
            tIndex >= 0
              ? {
                  symbol: 'none',
                  silent: true,
                  lineStyle: { color: c.text, type: 'dashed', width: 1 },
                  label: { show: false },
                  data: [{ xAxis: tIndex }],
                }
              : undefined,
        },
        {
          name: 'known attacks',
          type: 'bar',
          barGap: '-100%',
          data: attacks,
          itemStyle: { color: c.danger },
        },
      ],
    };
  }, [dist, theme]); // the theme changes the colours read from CSS
  const ref = useChart(option, theme);
  return (
    <figure className="histogram" data-testid="score-histogram" aria-label="Score distribution">
      <figcaption>
        {dist && dist.bins.length ? (
          <>
            Scores <b>0–100</b>
            {dist.threshold !== null ? (
              <span className="threshold-note" data-testid="histogram-threshold">
                ┊ {formatInt(dist.alerts)} alerts from {dist.threshold.toFixed(1)} up
              </span>
            ) : (
              <span className="threshold-note">┊ no alerts</span>
            )}
            <span className="legend">
              <i className="swatch normal" /> events <i className="swatch attack" /> known attacks
            </span>
          </>
        ) : (
          'No scores yet'
        )}
      </figcaption>
      <div ref={ref} className="histogram-canvas" />
    </figure>
  );
}
