// The Numenta Anomaly Benchmark's scoring, written here from its description and reference code
// (numenta/NAB, MIT licence): every labelled anomaly has a window; the first 15% of a file (at
// most 750 rows) is probation; a detection inside a window earns 2·sigmoid(-5y)−1 scaled to the
// profile's TP weight by its relative position y (earliest best), only the best detection of a
// window counting; a detection outside costs by its distance past the last window, weighted by
// the profile's FP weight; a missed window costs the FN weight. The threshold on the anomaly
// score is optimised for the whole corpus, and the total is normalised between the null
// detector (nothing detected) and a perfect one: 100·(raw − null)/(perfect − null).

export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
}

/** NAB's three application profiles (config/profiles.json). */
export const NAB_PROFILES: Record<string, CostMatrix> = {
  standard: { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 },
  reward_low_FP_rate: { tpWeight: 1, fpWeight: 0.22, fnWeight: 1 },
  reward_low_FN_rate: { tpWeight: 1, fpWeight: 0.11, fnWeight: 2 },
};

export const PROBATION_PERCENT = 0.15;

/** One file of a detector's output: its timestamps (epoch ms) and anomaly scores in [0, 1]. */
export interface ScoredSeries {
  timestamps: number[];
  scores: ArrayLike<number>;
}

/** A point as scoring sees it: its anomaly score, its score if detected, its window. */
export interface SweepPoint {
  anomalyScore: number;
  sweepScore: number;
  /** Index of its window in the corpus, -1 outside any, -2 in the probation period. */
  window: number;
}

const PROBATION = -2;
const OUTSIDE = -1;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** 2·sigmoid(−5y) − 1, and −1 for a false positive far (y > 3) past a window. */
export function scaledSigmoid(y: number): number {
  return y > 3 ? -1 : 2 * sigmoid(-5 * y) - 1;
}

export function probationLength(rows: number, percent = PROBATION_PERCENT): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/**
 * The points of one file with their sweep scores. `windows` are [start, end] timestamps that
 * must be timestamps of the file; `firstWindow` numbers them in the corpus.
 */
export function sweepFile(
  file: string,
  series: ScoredSeries,
  windows: [number, number][],
  cost: CostMatrix,
  firstWindow: number,
): SweepPoint[] {
  const { timestamps, scores } = series;
  if (timestamps.length !== scores.length)
    throw new Error(`${file}: ${timestamps.length} timestamps but ${scores.length} anomaly scores`);
  const index = new Map<number, number>();
  timestamps.forEach((t, i) => {
    if (!index.has(t)) index.set(t, i);
  });
  const bounds = windows.map(([start, end], k) => {
    const l = index.get(start);
    const r = index.get(end);
    if (l === undefined || r === undefined)
      throw new Error(
        `${file}: window ${k + 1} (${new Date(start).toISOString()} to ${new Date(end).toISOString()}) does not start and end on timestamps of the file`,
      );
    return { l, r };
  });
  const maxTP = scaledSigmoid(-1);
  const probation = probationLength(timestamps.length);
  const out: SweepPoint[] = new Array(timestamps.length);
  let next = 0; // the next window to enter
  let cur = -1; // the window we are in
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < timestamps.length; i++) {
    if (cur < 0 && next < bounds.length && i === bounds[next].l) cur = next++;
    let sweep: number;
    if (cur >= 0) {
      const { l, r } = bounds[cur];
      const width = r - l + 1;
      sweep = (scaledSigmoid(-(r - i + 1) / width) * cost.tpWeight) / maxTP;
    } else {
      const unweighted = prevRight < 0 ? -1 : scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
      sweep = unweighted * cost.fpWeight;
    }
    out[i] = {
      anomalyScore: scores[i],
      sweepScore: sweep,
      window: i < probation ? PROBATION : cur >= 0 ? firstWindow + cur : OUTSIDE,
    };
    if (cur >= 0 && i === bounds[cur].r) {
      prevRight = i;
      prevWidth = bounds[cur].r - bounds[cur].l + 1;
      cur = -1;
    }
  }
  return out;
}

export interface ThresholdScore {
  threshold: number;
  score: number;
  tp: number;
  tn: number;
  fp: number;
  fn: number;
}

/**
 * The score of the points at every threshold (each distinct anomaly score, from above 1 down):
 * a point is a detection when its anomaly score is at least the threshold.
 */
export function scoreByThreshold(points: SweepPoint[], cost: CostMatrix): ThresholdScore[] {
  const scorable = points
    .filter((p) => p.window !== PROBATION)
    .sort((a, b) => b.anomalyScore - a.anomalyScore);
  const windowBest = new Map<number, number>();
  for (const p of scorable) if (p.window >= 0) windowBest.set(p.window, -cost.fnWeight);
  let windowsTotal = -cost.fnWeight * windowBest.size;
  let fpTotal = 0;
  let tn = scorable.filter((p) => p.window === OUTSIDE).length;
  let fn = scorable.length - tn;
  let tp = 0;
  let fp = 0;
  const out: ThresholdScore[] = [];
  let threshold = 1.1;
  for (const p of scorable) {
    if (p.anomalyScore !== threshold) {
      out.push({ threshold, score: windowsTotal + fpTotal, tp, tn, fp, fn });
      threshold = p.anomalyScore;
    }
    if (p.window >= 0) {
      tp++;
      fn--;
      const best = windowBest.get(p.window)!;
      if (p.sweepScore > best) {
        windowsTotal += p.sweepScore - best;
        windowBest.set(p.window, p.sweepScore);
      }
    } else {
      fp++;
      tn--;
      fpTotal += p.sweepScore;
    }
  }
  out.push({ threshold, score: windowsTotal + fpTotal, tp, tn, fp, fn });
  return out;
}

/** The threshold with the best score of all (the first, from the top, among equals). */
export function bestThreshold(scores: ThresholdScore[]): ThresholdScore {
  let best = scores[0];
  for (const s of scores) if (s.score > best.score) best = s;
  return best;
}

/** The score at threshold x: of the points whose anomaly score is at least x. */
function scoreAt(scores: ThresholdScore[], x: number): ThresholdScore {
  // scores descend by threshold; the last entry whose threshold is at least x
  let lo = 0;
  let hi = scores.length - 1;
  if (x > scores[0].threshold) return { ...scores[0], threshold: x };
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (scores[mid].threshold >= x) lo = mid;
    else hi = mid - 1;
  }
  return scores[lo];
}

/**
 * The threshold NAB's published scores were optimised with (its optimiser until 2019, a local
 * hill climb from 0.5 in steps that double on success and halve on failure, down to 1e-7),
 * over thresholds in [0, 1]. It may stop short of the best of all thresholds: published
 * scores are reproduced with it, and the sweep's best is reported beside them.
 */
export function twiddleThreshold(scores: ThresholdScore[]): ThresholdScore & { x: number } {
  const f = (x: number) => (x < 0 || x > 1 ? -Infinity : scoreAt(scores, x).score);
  const past = new Map<number, number>();
  const call = (x: number) => {
    if (!past.has(x)) past.set(x, f(x));
    return past.get(x)!;
  };
  let x = 0.5;
  let delta = 0.1;
  let best = call(x);
  while (delta > 1e-7) {
    x += delta;
    let score = call(x);
    if (score > best) {
      best = score;
      delta *= 2;
    } else {
      x -= 2 * delta;
      score = call(x);
      if (score > best) {
        best = score;
        delta *= 2;
      } else {
        x += delta;
        delta *= 0.5;
      }
    }
  }
  let bestX = 0.5;
  for (const [at, score] of past) if (score > past.get(bestX)!) bestX = at;
  return { ...scoreAt(scores, bestX), x: bestX };
}

export interface ProfileResult {
  /** The anomaly score from which a point counts as a detection (NAB's optimiser, or given). */
  threshold: number;
  /** Sum of the files' scores at that threshold. */
  raw: number;
  /** 100·(raw − null)/(perfect − null): 0 for the null detector, 100 for a perfect one. */
  score: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** The best of every threshold (an exhaustive sweep), normalised: at least `score`. */
  sweepBest: { threshold: number; score: number };
}

/**
 * Scores one detector's outputs over a corpus under each profile. `files` maps a file's path
 * relative to the corpus (realKnownCause/nyc_taxi.csv) to its output; `windows` the label
 * windows of every file of the corpus (a file of the corpus the detector did not run on is an
 * error: NAB scores a detector on the whole corpus).
 */
export function scoreDetector(
  files: Map<string, ScoredSeries>,
  windows: Map<string, [number, number][]>,
  profiles: Record<string, CostMatrix> = NAB_PROFILES,
  /** Thresholds to score at instead of optimising (NAB's config/thresholds.json), by profile. */
  fixed: Record<string, number> = {},
): Record<string, ProfileResult> {
  const missing = [...windows.keys()].filter((f) => !files.has(f));
  if (missing.length)
    throw new Error(
      `no output for ${missing.length} file${missing.length === 1 ? '' : 's'} of the corpus: ${missing.slice(0, 3).join(', ')}${missing.length > 3 ? '…' : ''}`,
    );
  const extra = [...files.keys()].filter((f) => !windows.has(f));
  if (extra.length) throw new Error(`no label windows for ${extra.slice(0, 3).join(', ')}`);
  const totalWindows = [...windows.values()].reduce((s, w) => s + w.length, 0);
  const out: Record<string, ProfileResult> = {};
  for (const [name, cost] of Object.entries(profiles)) {
    const points: SweepPoint[] = [];
    let first = 0;
    for (const [file, series] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const w = windows.get(file)!;
      for (const p of sweepFile(file, series, w, cost, first)) points.push(p);
      first += w.length;
    }
    const byThreshold = scoreByThreshold(points, cost);
    const best =
      fixed[name] === undefined
        ? twiddleThreshold(byThreshold)
        : { ...scoreAt(byThreshold, fixed[name]), x: fixed[name] };
    const sweep = bestThreshold(byThreshold);
    const nullScore = -cost.fnWeight * totalWindows;
    const perfect = cost.tpWeight * totalWindows;
    const normalised = (raw: number) => (100 * (raw - nullScore)) / (perfect - nullScore);
    out[name] = {
      threshold: best.x,
      raw: best.score,
      score: normalised(best.score),
      tp: best.tp,
      fp: best.fp,
      fn: best.fn,
      tn: best.tn,
      sweepBest: { threshold: sweep.threshold, score: normalised(sweep.score) },
    };
  }
  return out;
}
