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

/** ROC AUC (ties count half, as the Mann–Whitney statistic). */
export function rocAuc(scores: ArrayLike<number>, y: ArrayLike<number>): number {
  const order = byScore(scores);
  let pos = 0;
  let neg = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i]) pos++;
    else neg++;
  }
  if (!pos || !neg) return NaN;
  let auc = 0;
  let negAbove = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    let p = 0;
    let n = 0;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (y[order[j]]) p++;
      else n++;
      j++;
    }
    auc += p * (negAbove + n / 2);
    negAbove += n;
    i = j;
  }
  return 1 - auc / (pos * neg);
}

/** PR AUC as average precision (the step-wise area, as scikit-learn computes it). */
export function prAuc(scores: ArrayLike<number>, y: ArrayLike<number>): number {
  const order = byScore(scores);
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i] ? 1 : 0;
  if (!pos) return NaN;
  let tp = 0;
  let fp = 0;
  let ap = 0;
  let lastRecall = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (y[order[j]]) tp++;
      else fp++;
      j++;
    }
    const recall = tp / pos;
    ap += (recall - lastRecall) * (tp / (tp + fp));
    lastRecall = recall;
    i = j;
  }
  return ap;
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
  const order = byScore(scores);
  let pos = 0;
  for (let i = 0; i < y.length; i++) pos += y[i] ? 1 : 0;
  let tp = 0;
  let fp = 0;
  let best = -1;
  let threshold = 0.5;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j < order.length && scores[order[j]] === scores[order[i]]) {
      if (y[order[j]]) tp++;
      else fp++;
      j++;
    }
    const f1 = tp ? (2 * tp) / (2 * tp + fp + (pos - tp)) : 0;
    if (f1 > best) {
      best = f1;
      const here = scores[order[i]];
      threshold = j < order.length ? (here + scores[order[j]]) / 2 : here;
    }
    i = j;
  }
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
