// A streaming anomaly detector for one metric series (CPU, latency, request counts): one score
// in [0, 1) per value, computed from the values before it only (no look-ahead), in bounded
// memory. Written for this project; the ideas are the field's:
//  - how far the value is from what was expected, in robust units: against the recent values
//    (median and MAD of a sliding window, so a level shift becomes the new normal once it has
//    lasted) and, once a day has been seen, against the same time of day (a daily profile);
//  - how unusual each surprise is for this series: its short-term average against the
//    distribution of that average over a long window (Numenta's "anomaly likelihood"), so a
//    noisy series needs a bigger surprise than a quiet one, and a change of variance ends as
//    the long window learns it; the larger of the two counts;
//  - how new the run of the last few value levels is (the range seen cut into levels): a shape
//    never seen before, even within the usual range, is a surprise of its own (as contextual
//    detectors such as CAD OSE count unseen contexts), with its own likelihood;
//  - a value beyond anything seen (by a margin) adds to it (a spatial anomaly);
//  - right after a high score the next ones are damped: one alert an incident.

export interface MetricDetectorOptions {
  /** Values in the recent window (robust location and spread). */
  recent?: number;
  /** Raw scores averaged for the likelihood's short-term view. */
  short?: number;
  /** Short-term averages in the likelihood's long-term distribution. */
  long?: number;
  /** Values before any score is given (they only teach the detector). */
  warmup?: number;
  /** A value beyond the range seen by this share of it is a spatial anomaly (0: off). */
  spatial?: number;
  /** After a high score, the next this many scores are damped (one alert an incident). */
  refractory?: number;
  /** The likelihood's z from which a score counts as high (for the refractory period). */
  high?: number;
  /** Daily profile on (1) or off (0). */
  daily?: number;
  /** How much a score is damped in the refractory period. */
  damp?: number;
  /** The least spread of a surprise's short-term average (raw surprises are in [0, 1]). */
  floor?: number;
  /** Sequence novelty: value levels (0: off) and the length of the runs of levels remembered. */
  levels?: number;
  run?: number;
}

// Chosen on NAB's 58 series (one setting for all of them, as NAB requires).
const DEFAULTS: Required<MetricDetectorOptions> = {
  recent: 200,
  short: 40,
  long: 5000,
  warmup: 150,
  spatial: 0.05,
  refractory: 50,
  high: 4,
  daily: 1,
  damp: 0.5,
  floor: 0.08,
  levels: 16,
  run: 3,
};

/** A ring of the last `size` numbers with a sorted copy (for medians). */
class SortedWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private n = 0;
  private at = 0;

  constructor(readonly size: number) {
    this.ring = new Float64Array(size);
    this.sorted = new Float64Array(size);
  }

  get length(): number {
    return this.n;
  }

  push(x: number): void {
    if (this.n === this.size) {
      const old = this.ring[this.at];
      // remove old from sorted
      let i = lowerBound(this.sorted, this.n, old);
      this.sorted.copyWithin(i, i + 1, this.n);
      this.n--;
      i = lowerBound(this.sorted, this.n, x);
      this.sorted.copyWithin(i + 1, i, this.n);
      this.sorted[i] = x;
      this.n++;
    } else {
      const i = lowerBound(this.sorted, this.n, x);
      this.sorted.copyWithin(i + 1, i, this.n);
      this.sorted[i] = x;
      this.n++;
    }
    this.ring[this.at] = x;
    this.at = (this.at + 1) % this.size;
  }

  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const pos = q * (this.n - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(this.n - 1, lo + 1);
    return this.sorted[lo] + (this.sorted[hi] - this.sorted[lo]) * (pos - lo);
  }

  /** Median absolute deviation from `m` (by a second sorted pass over the window). */
  mad(m: number): number {
    if (this.n === 0) return NaN;
    // the window is sorted: deviations from m are two sorted runs merged from the middle
    let i = lowerBound(this.sorted, this.n, m) - 1;
    let j = i + 1;
    const want = Math.floor((this.n - 1) / 2);
    let d = 0;
    for (let k = 0; k <= want; k++) {
      const left = i >= 0 ? m - this.sorted[i] : Infinity;
      const right = j < this.n ? this.sorted[j] - m : Infinity;
      if (left <= right) {
        d = left;
        i--;
      } else {
        d = right;
        j++;
      }
    }
    return d;
  }
}

function lowerBound(a: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const DAY = 86_400_000;

/**
 * How unusual a stream of raw surprises is now: the average of the last `short` against the
 * distribution (mean, standard deviation) of that average over the last `long` (in z units).
 */
class Likelihood {
  private readonly shortRaw: Float64Array;
  private shortAt = 0;
  private shortSum = 0;
  private shortN = 0;
  private readonly longAvg: Float64Array;
  private longAt = 0;
  private longN = 0;
  private longSum = 0;
  private longSq = 0;

  constructor(
    private readonly short: number,
    private readonly long: number,
    /** The least standard deviation (a stream that never varies is not infinitely sure). */
    private readonly floor: number,
  ) {
    this.shortRaw = new Float64Array(short);
    this.longAvg = new Float64Array(long);
  }

  update(raw: number): number {
    this.shortSum += raw - this.shortRaw[this.shortAt];
    this.shortRaw[this.shortAt] = raw;
    this.shortAt = (this.shortAt + 1) % this.short;
    if (this.shortN < this.short) this.shortN++;
    const avg = this.shortSum / this.shortN;
    let z = 0;
    if (this.longN >= 50) {
      const mean = this.longSum / this.longN;
      const sd = Math.max(Math.sqrt(Math.max(this.longSq / this.longN - mean * mean, 0)), this.floor);
      z = (avg - mean) / sd;
    }
    if (this.longN === this.long) {
      const old = this.longAvg[this.longAt];
      this.longSum -= old;
      this.longSq -= old * old;
    } else this.longN++;
    this.longAvg[this.longAt] = avg;
    this.longSum += avg;
    this.longSq += avg * avg;
    this.longAt = (this.longAt + 1) % this.long;
    return z;
  }
}

export class MetricDetector {
  private readonly o: Required<MetricDetectorOptions>;
  private readonly recent: SortedWindow;
  private seen = 0;
  private min = Infinity;
  private max = -Infinity;
  private step = 0;
  private lastT = NaN;
  private readonly daily = new Map<number, SortedWindow>();
  /** One likelihood a kind of surprise: against recent values, against the time of day. */
  private readonly likely: Likelihood[];
  private quiet = 0;

  constructor(options: MetricDetectorOptions = {}) {
    this.o = { ...DEFAULTS, ...options };
    this.recent = new SortedWindow(this.o.recent);
    this.likely = [0, 1, 2].map(() => new Likelihood(this.o.short, this.o.long, this.o.floor));
    this.seenRuns = this.o.levels ? new Uint32Array(this.o.levels ** this.o.run) : new Uint32Array(0);
  }

  private readonly seenRuns: Uint32Array;
  private runCode = 0;

  /** How new the run of value levels ending with x is (1: never seen, less the more it was). */
  private novelty(x: number): number {
    const L = this.o.levels;
    if (!L || this.seen < 10 || !(this.max > this.min)) return 0;
    const level = Math.max(0, Math.min(L - 1, Math.floor(((x - this.min) / (this.max - this.min)) * L)));
    this.runCode = (this.runCode * L + level) % this.seenRuns.length;
    const n = this.seenRuns[this.runCode]++;
    return 1 / (1 + n);
  }

  /** The score of value x at time t (epoch ms), then x is learned. */
  update(t: number, x: number): number {
    const raws = this.surprises(t, x);
    // the spatial check: beyond the range seen so far by a share of it
    const range = this.max - this.min;
    const margin = this.o.spatial * range;
    const spatial =
      this.o.spatial > 0 &&
      this.seen >= this.o.warmup &&
      range > 0 &&
      (x > this.max + margin || x < this.min - margin);
    let zl = 0;
    for (let k = 0; k < raws.length; k++) zl = Math.max(zl, this.likely[k].update(raws[k]));
    if (this.o.levels) zl = Math.max(zl, this.likely[2].update(this.novelty(x)));
    this.learn(t, x);
    if (this.seen <= this.o.warmup) return 0;
    let z = zl + (spatial ? this.o.high : 0);
    // one alert an incident: right after a high score, scores are damped
    if (this.quiet > 0) {
      this.quiet--;
      z *= this.o.damp;
    }
    if (z >= this.o.high && this.o.refractory > 0) this.quiet = this.o.refractory;
    // into [0, 1) without ties at the top (the threshold is chosen over many series)
    return z / (z + 10);
  }

  /** The raw surprises of x, in [0, 1): against the recent values, and against the time of day. */
  private surprises(t: number, x: number): [number, number] {
    if (this.recent.length < 10) return [0, 0];
    const squash = (z: number) => 1 - Math.exp(-z / 3);
    const m = this.recent.quantile(0.5);
    const spread = this.spreadOf(this.recent, m);
    let seasonal = 0;
    if (this.o.daily && this.step > 0 && this.seen * this.step >= DAY) {
      const slot = this.daily.get(this.slotOf(t));
      if (slot && slot.length >= 3) {
        const sm = slot.quantile(0.5);
        seasonal = Math.abs(x - sm) / Math.max(this.spreadOf(slot, sm), spread);
      }
    }
    return [squash(Math.abs(x - m) / spread), squash(seasonal)];
  }

  private spreadOf(w: SortedWindow, m: number): number {
    return Math.max(1.4826 * w.mad(m), (w.quantile(0.9) - w.quantile(0.1)) / 10, 1e-6 * (Math.abs(m) + 1));
  }

  private slotOf(t: number): number {
    // the time of day, in steps of the series (at most 288 a day)
    const width = Math.max(this.step, 300_000);
    return Math.floor((((t % DAY) + DAY) % DAY) / width);
  }

  private learn(t: number, x: number): void {
    if (!Number.isNaN(this.lastT) && t > this.lastT) {
      const d = t - this.lastT;
      this.step = this.step === 0 ? d : Math.min(this.step, d) * 0.5 + this.step * 0.5;
    }
    this.lastT = t;
    this.recent.push(x);
    if (this.step > 0) {
      const key = this.slotOf(t);
      let w = this.daily.get(key);
      if (!w) this.daily.set(key, (w = new SortedWindow(14)));
      w.push(x);
    }
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    this.seen++;
  }
}

/** Scores a whole series in order (the detector sees each value after scoring it). */
export function scoreSeries(
  timestamps: ArrayLike<number>,
  values: ArrayLike<number>,
  options: MetricDetectorOptions = {},
): Float64Array {
  const d = new MetricDetector(options);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = d.update(timestamps[i], values[i]);
  return out;
}
