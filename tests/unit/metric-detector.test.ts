// The streaming metric detector (issue 12): no look-ahead, a spike and a level shift found in a
// daily series, one alert an incident, and its NAB scores through the port of NAB's scorer.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWindows } from '../../src-main/engine/nab/corpus';
import { listNabData, runDetector } from '../../src-main/engine/nab/run';
import { scoreDetector } from '../../src-main/engine/nab/scorer';
import { scoreSeries } from '../../src-main/engine/metrics/streaming-detector';
import { readNabCsv } from '../../src-main/engine/nab/corpus';

const NAB = path.resolve(__dirname, '../../../shared/data/nab');
const T0 = Date.UTC(2024, 0, 1);
const STEP = 5 * 60_000;

/** Three weeks of a daily cycle with noise (5-minute steps), with what `change` does to it. */
function series(change: (i: number, v: number) => number): { t: number[]; v: number[] } {
  const t: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < 6048; i++) {
    const noise = Math.sin(i * 12.9898) * 43758.5453;
    const base = 50 + 20 * Math.sin((2 * Math.PI * i) / 288) + 3 * (noise - Math.floor(noise) - 0.5);
    t.push(T0 + i * STEP);
    v.push(change(i, base));
  }
  return { t, v };
}

const argmax = (xs: ArrayLike<number>, from = 0, to = xs.length) => {
  let best = from;
  for (let i = from; i < to; i++) if (xs[i] > xs[best]) best = i;
  return best;
};

describe('the streaming metric detector', () => {
  it('scores each value from the values before it only', () => {
    const { t, v } = series((i, x) => (i === 4000 ? x + 60 : x));
    const full = scoreSeries(t, v);
    const prefix = scoreSeries(t.slice(0, 4100), v.slice(0, 4100));
    expect(Array.from(prefix)).toEqual(Array.from(full.subarray(0, 4100)));
  });

  it('finds a spike and a level shift in a daily cycle, once each', () => {
    const spike = series((i, x) => (i === 4000 ? x + 60 : x));
    const s = scoreSeries(spike.t, spike.v);
    expect(argmax(s, 1000)).toBe(4000);
    expect(s[4000]).toBeGreaterThan(2 * Math.max(...s.subarray(1000, 3990))); // far above the rest
    const shift = series((i, x) => (i >= 4500 ? x + 40 : x));
    const l = scoreSeries(shift.t, shift.v);
    const at = argmax(l, 1000);
    expect(at).toBeGreaterThanOrEqual(4500);
    // it stands out within five hours of the shift: twice anything in the quiet weeks before
    const quiet = Math.max(...l.subarray(1000, 4500));
    const first = l.findIndex((x, i) => i >= 4500 && x > 2 * quiet);
    expect(first).toBeGreaterThanOrEqual(4500);
    expect(first).toBeLessThan(4560);
    // right after an alert, the following scores are damped: one alert an incident
    expect(Math.max(...l.subarray(at + 1, at + 50))).toBeLessThan(l[at]);
  });

  it("scores 61 on NAB's standard profile (above Skyline, KNN-CAD and relative entropy; HTM's 70.1 not reached)", () => {
    const data = path.join(NAB, 'data');
    const outputs = runDetector(data, listNabData(data));
    expect(outputs.size).toBe(58);
    const r = scoreDetector(outputs, readWindows(path.join(NAB, 'labels/combined_windows.json')));
    expect(r.standard.score).toBeGreaterThan(60);
    expect(r.reward_low_FP_rate.score).toBeGreaterThan(55);
    expect(r.reward_low_FN_rate.score).toBeGreaterThan(63);
    // every score is in [0, 1)
    const nyc = outputs.get('realKnownCause/nyc_taxi.csv')!;
    expect(Math.min(...Array.from(nyc.scores))).toBeGreaterThanOrEqual(0);
    expect(Math.max(...Array.from(nyc.scores))).toBeLessThan(1);
    expect(readNabCsv(path.join(data, 'realKnownCause/nyc_taxi.csv'), ['value']).timestamps.length).toBe(
      nyc.timestamps.length,
    );
  });
});
