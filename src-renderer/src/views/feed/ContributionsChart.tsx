// A tree model's exact contributions to one event's score (TreeSHAP): the inputs with the largest
// shares, up in the severity colour, down in the accent; each bar's tooltip gives the value against
// the entity's own usual and the population's.
import { useMemo } from 'react';
import type { EChartsCoreOption } from 'echarts/core';
import type { Contributions } from '../../../../src-shared/domain';
import { chartColors, useChart } from '../../charts/useChart';
import { useStore } from '../../store';

const SHOWN = 8;
const short = (s: string) => (s.length > 34 ? `${s.slice(0, 33)}…` : s);
const escape = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function ContributionsChart({ c }: { c: Contributions }) {
  const theme = useStore((s) => s.theme);
  const items = useMemo(
    () =>
      c.items
        .filter((x) => x.contribution !== 0)
        .slice(0, SHOWN)
        .reverse(),
    [c],
  );
  const option = useMemo((): EChartsCoreOption | null => {
    if (!items.length) return null;
    const col = chartColors();
    return {
      animation: false,
      grid: { left: 8, right: 12, top: 4, bottom: 4, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        backgroundColor: col.bg,
        borderColor: col.border,
        textStyle: { color: col.text, fontSize: 11 },
        formatter: (list: { dataIndex: number }[]) => {
          const x = items[list[0]?.dataIndex ?? 0];
          const usual =
            x.shown.entityTypical === null ? '' : `<br/>usually ${escape(x.shown.entityTypical)} for it`;
          return `${escape(x.label)}<br/><b>${escape(x.shown.value)}</b>${usual}<br/>${escape(x.shown.typical)} across all events<br/>${x.contribution >= 0 ? '+' : ''}${x.contribution.toFixed(3)} to the score`;
        },
      },
      xAxis: {
        type: 'value',
        axisLabel: { show: false },
        splitLine: { lineStyle: { color: col.border, opacity: 0.5 } },
      },
      yAxis: {
        type: 'category',
        data: items.map((x) => short(x.label)),
        axisLabel: { color: col.muted, fontSize: 11 },
        axisLine: { lineStyle: { color: col.border } },
        axisTick: { show: false },
      },
      series: [
        {
          type: 'bar',
          data: items.map((x) => ({
            value: x.contribution,
            itemStyle: { color: x.contribution > 0 ? col.danger : col.accent },
          })),
          barCategoryGap: '30%',
        },
      ],
    };
  }, [items, theme]); // the theme changes the colours read from CSS
  const ref = useChart(option, theme);
  return (
    <div
      className="contrib-chart"
      ref={ref}
      style={{ height: 16 + items.length * 22 }}
      role="img"
      aria-label={`Contributions: ${items
        .slice()
        .reverse()
        .map((x) => `${x.label} ${x.contribution >= 0 ? '+' : ''}${x.contribution.toFixed(2)}`)
        .join(', ')}`}
      data-testid="contributions-chart"
    />
  );
}
