// Rule 8, query latency: the p95 latency of an operation over a window above a multiplier of
// its baseline p95. Latencies go into per-minute log histograms per operation; the window's p95
// is checked once a minute, and learned (an exponential average) while it is not alerting.
import type { Cols, RuleContext } from './context';
import { HIST_BUCKETS, MINUTE, bucketTop, histBucket } from './state';

/** Minutes of history an operation needs before it is checked. */
export const LATENCY_WARMUP_MINUTES = 60;

export class QueryLatency {
  private readonly ring: number;
  private minute = new Int32Array(0);
  private hist = new Uint32Array(0);
  private window = new Uint32Array(0);
  private samples = new Int32Array(0);
  /** Learned p95 (ms) and how many minutes it has learned from. */
  baseline = new Float64Array(0);
  learned = new Int32Array(0);
  private lastId = new Float64Array(0);

  constructor(windowMin: number) {
    this.ring = windowMin;
  }

  private ensure(op: number): void {
    if (op < this.minute.length) return;
    const n = Math.max(64, this.minute.length * 2, op + 1);
    const grow = <T extends Int32Array | Uint32Array | Float64Array>(a: T, size: number, fill = 0): T => {
      const b = new (a.constructor as new (n: number) => T)(size);
      b.set(a);
      if (fill) b.fill(fill, a.length);
      return b;
    };
    this.minute = grow(this.minute, n, -1);
    this.hist = grow(this.hist, n * this.ring * HIST_BUCKETS);
    this.window = grow(this.window, n * HIST_BUCKETS);
    this.samples = grow(this.samples, n);
    this.baseline = grow(this.baseline, n);
    this.learned = grow(this.learned, n);
    this.lastId = grow(this.lastId, n);
  }

  /** A learned baseline from the case. */
  seed(op: number, baseline: number, learned: number): void {
    this.ensure(op);
    this.baseline[op] = baseline;
    this.learned[op] = learned;
  }

  check(ctx: RuleContext, c: Cols, i: number, minute: number): void {
    const op = c.op[i];
    this.ensure(op);
    if (this.minute[op] !== minute) this.advance(ctx, c, i, op, minute);
    const b = histBucket(c.latency[i]);
    this.hist[(op * this.ring + (minute % this.ring)) * HIST_BUCKETS + b]++;
    this.window[op * HIST_BUCKETS + b]++;
    this.samples[op]++;
    this.lastId[op] = c.id[i];
  }

  /** A new minute for an operation: check the window that just closed, then slide it. */
  private advance(ctx: RuleContext, c: Cols, i: number, op: number, minute: number): void {
    const from = this.minute[op];
    this.minute[op] = minute;
    const cfg = ctx.cfg.rules.query_latency;
    if (from >= 0 && this.samples[op] >= cfg.minSamples) {
      const p95 = this.p95(op);
      const base = this.baseline[op];
      if (this.learned[op] >= LATENCY_WARMUP_MINUTES && p95 > cfg.multiplier * base) {
        const name = ctx.dict.ops.names[op];
        const a = ctx.book.fire(
          'query_latency',
          'operation',
          op,
          0,
          () => name,
          c.ts[i],
          this.lastId[op],
          Math.round(p95 * 10) / 10,
          Math.round(base * 10) / 10,
          1,
          null,
          (from + 1 - this.ring) * MINUTE,
        );
        a.details.samples = this.samples[op];
      } else {
        this.baseline[op] =
          this.learned[op] === 0 ? p95 : base + (p95 - base) / Math.min(60, this.learned[op] + 1);
        this.learned[op]++;
      }
    }
    const R = this.ring;
    const o = op * R * HIST_BUCKETS;
    const w = op * HIST_BUCKETS;
    if (from < 0 || minute - from >= R) {
      this.hist.fill(0, o, o + R * HIST_BUCKETS);
      this.window.fill(0, w, w + HIST_BUCKETS);
      this.samples[op] = 0;
      return;
    }
    for (let m = from + 1; m <= minute; m++) {
      const h = o + (m % R) * HIST_BUCKETS;
      for (let b = 0; b < HIST_BUCKETS; b++) {
        const v = this.hist[h + b];
        if (v) {
          this.window[w + b] -= v;
          this.samples[op] -= v;
          this.hist[h + b] = 0;
        }
      }
    }
  }

  private p95(op: number): number {
    const want = Math.ceil(this.samples[op] * 0.95);
    let seen = 0;
    const w = op * HIST_BUCKETS;
    for (let b = 0; b < HIST_BUCKETS; b++) {
      seen += this.window[w + b];
      if (seen >= want) return bucketTop(b);
    }
    return bucketTop(HIST_BUCKETS - 1);
  }
}
