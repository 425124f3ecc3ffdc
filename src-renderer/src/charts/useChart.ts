// ECharts in React: only the parts we use (bars, lines, scatter, grid, legend, tooltip, mark lines, canvas), one theme
// read from the app's CSS variables so charts follow dark and light.
import { BarChart, LineChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { init, use, type EChartsCoreOption, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef, type RefObject } from 'react';

use([
  BarChart,
  LineChart,
  ScatterChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  MarkLineComponent,
  CanvasRenderer,
]);

/** The shared chart palette, from the theme's CSS variables. */
export function chartColors(): Record<
  'text' | 'muted' | 'faint' | 'border' | 'accent' | 'danger' | 'bg',
  string
> {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  return {
    text: v('--text'),
    muted: v('--text-muted'),
    faint: v('--text-faint'),
    border: v('--border'),
    accent: v('--accent'),
    danger: v('--sev-critical') || v('--danger'),
    bg: v('--bg-raised'),
  };
}

/** Draws `option` into the element; redraws when it or the theme changes; follows the element's size. */
export function useChart(option: EChartsCoreOption | null, theme: string): RefObject<HTMLDivElement | null> {
  const ref = useRef<HTMLDivElement | null>(null);
  const chart = useRef<ECharts | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const c = init(el, undefined, { renderer: 'canvas' });
    chart.current = c;
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    if (option) chart.current?.setOption(option, { notMerge: true });
    else chart.current?.clear();
  }, [option, theme]);
  return ref;
}
