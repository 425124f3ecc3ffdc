// Point-in-time features in one streaming pass per group key over typed arrays sorted by
// (group, time, id). A feature of an event reads only that event and the events of its group
// before it in that order, so appending later events never changes an earlier value.
import { FEATURE_KINDS, type FeatureConfig, type FeatureSpec, type GroupKey } from './config';
import { P2Quantile } from './p2-quantile';

/** The columns of a dataset that features read, as typed arrays in event-id order. */
export interface FeatureInput {
  n: number;
  /** Event ids (ascending). */
  id: Float64Array;
  /** Event time in epoch ms, NaN when unknown. */
  ts: Float64Array;
  /** Category codes (-1 = NULL) of the text columns, by role; null when the dataset lacks one. */
  codes: Partial<Record<'entity' | 'src_ip' | 'device' | 'resource', Int32Array>>;
  amount: Float64Array | null;
  /** 1 where the status is a failure; null when the dataset has no status column. */
  failure: Uint8Array | null;
}

export interface FeatureOutput {
  /** Features that applied to this dataset, in config order. */
  names: string[];
  /** One column per name, indexed like the input (NaN = NULL). */
  values: Float64Array[];
}

/** Kinds that read an event's time (windows, history in time order, the calendar): all but its own value. */
const NEEDS_TIME = new Set<FeatureSpec['kind']>(FEATURE_KINDS.filter((k) => k !== 'value'));

/** The dataset's events have times (at least one). */
export const hasTime = (input: FeatureInput): boolean => input.ts.some((t) => t === t);

/**
 * Which features a dataset can have, given the columns it has. Without any event time, only
 * features of the event itself apply (no windows, history or calendar): they are skipped, not
 * stored as empty columns.
 */
export function applicableFeatures(config: FeatureConfig, input: FeatureInput): FeatureSpec[] {
  const timed = hasTime(input);
  return config.features.filter((f) => {
    if (!timed && NEEDS_TIME.has(f.kind)) return false;
    if (f.by === 'src_ip' && !input.codes.src_ip) return false;
    if (f.column === 'amount') return input.amount !== null;
    if (f.column === 'status') return input.failure !== null;
    if (f.column === 'entity') return input.codes.entity !== undefined;
    if (f.column) return input.codes[f.column] !== undefined;
    return true;
  });
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Event order within groups: indices sorted by (group code, ts, id). Rows come in id order;
 * a stable counting sort by group after a (ts, id) order gives the whole key.
 */
export function groupOrder(
  input: FeatureInput,
  group: Int32Array | null,
): { order: Uint32Array; starts: number[] } {
  const n = input.n;
  const byTime = new Uint32Array(n);
  for (let i = 0; i < n; i++) byTime[i] = i;
  const ts = input.ts;
  // Events without a time sort first (they are left out of every window and history).
  const key = (i: number) => (ts[i] !== ts[i] ? -Infinity : ts[i]);
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (key(i) < key(i - 1)) sorted = false;
  if (!sorted) byTime.sort((a, b) => key(a) - key(b) || a - b);
  if (!group) return { order: byTime, starts: n ? [0, n] : [0] };
  let groups = 0;
  for (let i = 0; i < n; i++) if (group[i] + 2 > groups) groups = group[i] + 2; // code -1 → bucket 0
  const counts = new Uint32Array(groups + 1);
  for (let i = 0; i < n; i++) counts[group[i] + 2]++;
  for (let g = 1; g <= groups; g++) counts[g] += counts[g - 1];
  const starts = Array.from(counts);
  const next = counts.slice();
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    const i = byTime[k];
    order[next[group[i] + 1]++] = i;
  }
  return { order, starts };
}

/** Running state of one window length over the current group. */
class Window {
  lo = 0; // position (in the group's order) of the oldest event inside the window
  count = 0;
  sum = 0;
  sumSq = 0;
  failures = 0;
  /** Positions of a decreasing run of amounts: the window's max is at the front. */
  maxQueue: number[] = [];
  constructor(readonly ms: number) {}
  reset(start: number): void {
    this.lo = start;
    this.count = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.failures = 0;
    this.maxQueue.length = 0;
  }
}

/** Computes every applicable feature for all events, or only those with `want[i]` set. */
export function computeFeatures(
  config: FeatureConfig,
  input: FeatureInput,
  want?: Uint8Array,
): FeatureOutput {
  const specs = applicableFeatures(config, input);
  const n = input.n;
  const values = specs.map(() => new Float64Array(n).fill(NaN));
  const out = new Map(specs.map((s, k) => [s, values[k]]));

  // Features that need no group: calendar.
  const { from, to } = config.offHours;
  for (const s of specs) {
    if (s.kind !== 'hour' && s.kind !== 'weekday' && s.kind !== 'off_hours') continue;
    const v = out.get(s)!;
    for (let i = 0; i < n; i++) {
      const t = input.ts[i];
      if (t !== t) continue;
      const hour = Math.floor((((t % DAY) + DAY) % DAY) / HOUR);
      if (s.kind === 'hour') v[i] = hour;
      else if (s.kind === 'weekday')
        v[i] = (Math.floor(t / DAY) + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
      else v[i] = (from > to ? hour >= from || hour < to : hour >= from && hour < to) ? 1 : 0;
    }
  }

  for (const key of ['entity', 'src_ip'] as GroupKey[]) {
    const grouped = specs.filter(
      (s) => s.by === key && s.kind !== 'hour' && s.kind !== 'weekday' && s.kind !== 'off_hours',
    );
    if (!grouped.length) continue;
    const group = key === 'entity' ? (input.codes.entity ?? null) : input.codes.src_ip!;
    passByGroup(input, group, grouped, out, want);
  }
  return { names: specs.map((s) => s.name), values };
}

function passByGroup(
  input: FeatureInput,
  group: Int32Array | null,
  specs: FeatureSpec[],
  out: Map<FeatureSpec, Float64Array>,
  want?: Uint8Array,
): void {
  const { order, starts } = groupOrder(input, group);
  const ts = input.ts;
  const amount = input.amount;
  const failure = input.failure;

  const windowMs = [...new Set(specs.filter((s) => s.windowMs !== null).map((s) => s.windowMs!))];
  const windows = new Map(windowMs.map((ms) => [ms, new Window(ms)]));
  const windowList = [...windows.values()];
  const needsMax = new Set(specs.filter((s) => s.kind === 'max').map((s) => s.windowMs!));
  const needsP95 = specs.some((s) => s.kind === 'vs_p95');

  // Distinct values inside a window: per (feature) a count per code and the number of codes > 0.
  const distinct = specs
    .filter((s) => s.kind === 'distinct')
    .map((s) => {
      const codes = input.codes[s.column as 'entity' | 'src_ip' | 'device' | 'resource']!;
      let max = 0;
      for (let i = 0; i < input.n; i++) if (codes[i] > max) max = codes[i];
      return { spec: s, codes, counts: new Int32Array(max + 1), live: 0, win: windows.get(s.windowMs!)! };
    });
  // First seen: the group (index) in which a code was last seen.
  const firstSeen = specs
    .filter((s) => s.kind === 'first_seen')
    .map((s) => {
      const codes = input.codes[s.column as 'entity' | 'src_ip' | 'device' | 'resource']!;
      let max = 0;
      for (let i = 0; i < input.n; i++) if (codes[i] > max) max = codes[i];
      return { spec: s, codes, seenIn: new Int32Array(max + 1).fill(-1) };
    });

  const distinctOf = new Map(distinct.map((d) => [d.spec, d]));
  const firstSeenOf = new Map(firstSeen.map((f) => [f.spec, f]));
  const value = (i: number) => (amount ? amount[i] : NaN);
  const num = (x: number) => (x !== x ? 0 : x);

  for (let g = 0; g + 1 < starts.length; g++) {
    const gs = starts[g];
    const ge = starts[g + 1];
    if (gs === ge) continue;
    if (want) {
      let any = false;
      for (let p = gs; p < ge && !any; p++) any = want[order[p]] === 1;
      if (!any) continue;
    }
    for (const w of windowList) w.reset(gs);
    for (const d of distinct) d.live = 0;
    let histCount = 0;
    let histMean = 0;
    let histM2 = 0;
    const p95 = needsP95 ? new P2Quantile(0.95) : null;
    let prevTs = NaN;

    for (let p = gs; p < ge; p++) {
      const i = order[p];
      const t = ts[i];
      // An event without a time cannot be placed among the others: its group features stay
      // NULL and it counts in no one's window or history (so where it sits changes nothing).
      if (t !== t) continue;
      const x = value(i);
      // Slide each window: add this event, drop events older than t - ms.
      for (const w of windowList) {
        w.count++;
        w.sum += num(x);
        w.sumSq += num(x) * num(x);
        if (failure) w.failures += failure[i];
        if (needsMax.has(w.ms) && x === x) {
          while (w.maxQueue.length && value(order[w.maxQueue[w.maxQueue.length - 1]]) <= x) w.maxQueue.pop();
          w.maxQueue.push(p);
        }
        // (events without a time sit first and were never added: they are only stepped over)
        while (w.lo < p && !(ts[order[w.lo]] >= t - w.ms)) {
          const j = order[w.lo];
          if (ts[j] !== ts[j]) {
            w.lo++;
            continue;
          }
          const y = value(j);
          w.count--;
          w.sum -= num(y);
          w.sumSq -= num(y) * num(y);
          if (failure) w.failures -= failure[j];
          if (w.maxQueue.length && w.maxQueue[0] === w.lo) w.maxQueue.shift();
          for (const d of distinct) {
            if (d.win !== w) continue;
            const c = d.codes[j];
            if (c >= 0 && --d.counts[c] === 0) d.live--;
          }
          w.lo++;
        }
      }
      for (const d of distinct) {
        const c = d.codes[i];
        if (c >= 0 && d.counts[c]++ === 0) d.live++;
      }

      if (!want || want[i]) {
        for (const s of specs) {
          const v = out.get(s)!;
          const w = s.windowMs !== null ? windows.get(s.windowMs)! : null;
          switch (s.kind) {
            case 'count':
              v[i] = w!.count;
              break;
            case 'sum':
              v[i] = w!.sum;
              break;
            case 'rolling_std': {
              const mean = w!.sum / w!.count;
              v[i] = w!.count > 1 ? Math.sqrt(Math.max(0, w!.sumSq / w!.count - mean * mean)) : 0;
              break;
            }
            case 'max':
              v[i] = w!.maxQueue.length ? value(order[w!.maxQueue[0]]) : NaN;
              break;
            case 'failure_ratio':
              v[i] = w!.failures / w!.count;
              break;
            case 'time_since_last':
              v[i] = prevTs === prevTs && t === t ? (t - prevTs) / 1000 : NaN;
              break;
            case 'value':
              v[i] = x;
              break;
            case 'zscore': {
              const std = histCount > 1 ? Math.sqrt(histM2 / (histCount - 1)) : 0;
              v[i] = x !== x ? NaN : std > 0 ? (x - histMean) / std : 0;
              break;
            }
            case 'vs_p95': {
              const q = p95!.value();
              v[i] = x === x && q === q && q > 0 ? x / q : NaN;
              break;
            }
            case 'distinct':
              v[i] = distinctOf.get(s)!.live;
              break;
            case 'first_seen': {
              const f = firstSeenOf.get(s)!;
              const c = f.codes[i];
              v[i] = c < 0 ? NaN : f.seenIn[c] === g ? 0 : 1;
              break;
            }
            default:
              break;
          }
        }
      }
      // History after the event: it counts for the events that follow.
      for (const f of firstSeen) {
        const c = f.codes[i];
        if (c >= 0) f.seenIn[c] = g;
      }
      if (x === x) {
        histCount++;
        const delta = x - histMean;
        histMean += delta / histCount;
        histM2 += delta * (x - histMean);
        p95?.add(x);
      }
      if (t === t) prevTs = t;
    }
    // Empty the distinct counters of this group's last window.
    for (const d of distinct) {
      for (let p = d.win.lo; p < ge; p++) {
        const c = d.codes[order[p]];
        if (c >= 0) d.counts[c] = 0;
      }
    }
  }
}
