// Classification metrics for scores against 0/1 labels.

export interface Confusion {
  tp: number;
  fp: number;
  tn: number;
  fn: number;
}

export interface Metrics {
  rocAuc: number;
  prAuc: number;
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
  confusion: Confusion;
  positives: number;
  rows: number;
}

/** Indices by descending score. */
function byScore(scores: ArrayLike<number>): Uint32Array {
  const idx = new Uint32Array(scores.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => scores[b] - scores[a]);
}

/** One step down the scores, over a group of equal scores. */
interface Step {
  /** Positives and negatives at or above this score (cumulative), and in this group alone. */
  tp: number;
  fp: number;
  groupTp: number;
  groupFp: number;
  score: number;
  /** The next lower score, if any. */
  next: number | undefined;
}

/** Walks the scores from the highest down, one group of ties at a time. Returns the positives. */
function walkScores(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  visit: (step: Step, positives: number) => void,
): number {
  const order = byScore(scores);
  let positives = 0;
  for (let i = 0; i < y.length; i++) positives += y[i] ? 1 : 0;
  let tp = 0;
  let fp = 0;
  for (let i = 0; i < order.length;) {
    const score = scores[order[i]];
    let j = i;
    let groupTp = 0;
    let groupFp = 0;
    while (j < order.length && scores[order[j]] === score) {
      if (y[order[j]]) groupTp++;
      else groupFp++;
      j++;
    }
    tp += groupTp;
    fp += groupFp;
    visit(
      { tp, fp, groupTp, groupFp, score, next: j < order.length ? scores[order[j]] : undefined },
      positives,
    );
    i = j;
  }
  return positives;
}

/** ROC AUC (ties count half, as the Mann–Whitney statistic). */
export function rocAuc(scores: ArrayLike<number>, y: ArrayLike<number>): number {
  let below = 0; // sum over positives of the negatives ranked above them (ties half)
  const pos = walkScores(scores, y, (s) => {
    below += s.groupTp * (s.fp - s.groupFp + s.groupFp / 2);
  });
  const neg = y.length - pos;
  return pos && neg ? 1 - below / (pos * neg) : NaN;
}

/** PR AUC as average precision (the step-wise area, as scikit-learn computes it). */
export function prAuc(scores: ArrayLike<number>, y: ArrayLike<number>): number {
  let ap = 0;
  let lastRecall = 0;
  const pos = walkScores(scores, y, (s, positives) => {
    if (!positives) return;
    const recall = s.tp / positives;
    ap += (recall - lastRecall) * (s.tp / (s.tp + s.fp));
    lastRecall = recall;
  });
  return pos ? ap : NaN;
}

export function confusionAt(scores: ArrayLike<number>, y: ArrayLike<number>, threshold: number): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = 0; i < y.length; i++) {
    const flagged = scores[i] >= threshold;
    if (y[i]) {
      if (flagged) c.tp++;
      else c.fn++;
    } else if (flagged) c.fp++;
    else c.tn++;
  }
  return c;
}

/**
 * The threshold with the best F1 over the distinct scores, placed halfway down to the next
 * lower score: the same choice on these scores, with a margin for scores not seen yet.
 */
export function bestF1Threshold(scores: ArrayLike<number>, y: ArrayLike<number>): number {
  let best = -1;
  let threshold = 0.5;
  walkScores(scores, y, (s, positives) => {
    const f1 = s.tp ? (2 * s.tp) / (2 * s.tp + s.fp + (positives - s.tp)) : 0;
    if (f1 > best) {
      best = f1;
      threshold = s.next === undefined ? s.score : (s.score + s.next) / 2;
    }
  });
  return threshold;
}

/** The threshold that flags at most `perDay` events a day over `days` days. */
export function budgetThreshold(scores: ArrayLike<number>, perDay: number, days: number): number {
  const order = byScore(scores);
  const k = Math.max(1, Math.floor(perDay * Math.max(days, 1 / 24)));
  if (k >= order.length) return scores[order[order.length - 1]];
  return scores[order[k - 1]];
}

export function metricsAt(scores: ArrayLike<number>, y: ArrayLike<number>, threshold: number): Metrics {
  const confusion = confusionAt(scores, y, threshold);
  const precision = confusion.tp + confusion.fp ? confusion.tp / (confusion.tp + confusion.fp) : 0;
  const recall = confusion.tp + confusion.fn ? confusion.tp / (confusion.tp + confusion.fn) : 0;
  return {
    rocAuc: rocAuc(scores, y),
    prAuc: prAuc(scores, y),
    threshold,
    precision,
    recall,
    f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    confusion,
    positives: confusion.tp + confusion.fn,
    rows: y.length,
  };
}

/**
 * ROC (false-positive rate, true-positive rate) and precision-recall (recall, precision) curves,
 * one point per distinct score from the highest down, thinned to at most `maxPoints` each (the
 * first and last kept).
 */
export function curves(
  scores: ArrayLike<number>,
  y: ArrayLike<number>,
  maxPoints = 200,
): { roc: [number, number][]; pr: [number, number][] } {
  const roc: [number, number][] = [[0, 0]];
  const pr: [number, number][] = [];
  let negatives = 0;
  for (let i = 0; i < y.length; i++) negatives += y[i] ? 0 : 1;
  walkScores(scores, y, (s, positives) => {
    roc.push([negatives ? s.fp / negatives : 0, positives ? s.tp / positives : 0]);
    pr.push([positives ? s.tp / positives : 0, s.tp + s.fp ? s.tp / (s.tp + s.fp) : 1]);
  });
  const thin = (xs: [number, number][]) => {
    if (xs.length <= maxPoints) return xs;
    const out: [number, number][] = [];
    for (let k = 0; k < maxPoints; k++) out.push(xs[Math.round((k * (xs.length - 1)) / (maxPoints - 1))]);
    return out;
  };
  const round = (xs: [number, number][]) =>
    xs.map(([a, b]) => [Math.round(a * 1e5) / 1e5, Math.round(b * 1e5) / 1e5] as [number, number]);
  return { roc: round(thin(roc)), pr: round(thin(pr)) };
}
