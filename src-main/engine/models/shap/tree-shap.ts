// Exact per-feature contributions of a tree ensemble's margin for one row: path-dependent
// TreeSHAP (Lundberg, Erion & Lee, "Consistent individualized feature attribution for tree
// ensembles", 2018, Algorithm 2), written for this project from the paper. The contributions and
// the expected margin (over the background rows behind the covers) add up to the row's margin.
//
// Along each root-to-leaf path the algorithm keeps, for every feature met so far, the share of
// background rows that would follow the path (`zero`) and whether the row itself follows it
// (`one`), and the weights of the subsets of those features by size; at a leaf, each feature's
// Shapley weight is read by "unwinding" it from the path.
import { goesYes, type ShapEnsemble, type ShapTree } from './trees';

interface Path {
  feature: Int32Array;
  zero: Float64Array;
  one: Float64Array;
  weight: Float64Array;
}

function newPath(size: number): Path {
  return {
    feature: new Int32Array(size),
    zero: new Float64Array(size),
    one: new Float64Array(size),
    weight: new Float64Array(size),
  };
}

function copyPath(from: Path, to: Path, length: number): void {
  to.feature.set(from.feature.subarray(0, length));
  to.zero.set(from.zero.subarray(0, length));
  to.one.set(from.one.subarray(0, length));
  to.weight.set(from.weight.subarray(0, length));
}

/** Adds a feature to the path (of `depth` elements before it). */
function extend(p: Path, depth: number, zero: number, one: number, feature: number): void {
  p.feature[depth] = feature;
  p.zero[depth] = zero;
  p.one[depth] = one;
  p.weight[depth] = depth === 0 ? 1 : 0;
  for (let i = depth - 1; i >= 0; i--) {
    p.weight[i + 1] += (one * p.weight[i] * (i + 1)) / (depth + 1);
    p.weight[i] = (zero * p.weight[i] * (depth - i)) / (depth + 1);
  }
}

/** Removes element i from a path of depth + 1 elements. */
function unwind(p: Path, depth: number, i: number): void {
  const one = p.one[i];
  const zero = p.zero[i];
  let next = p.weight[depth];
  for (let j = depth - 1; j >= 0; j--) {
    if (one !== 0) {
      const t = p.weight[j];
      p.weight[j] = (next * (depth + 1)) / ((j + 1) * one);
      next = t - (p.weight[j] * zero * (depth - j)) / (depth + 1);
    } else {
      p.weight[j] = (p.weight[j] * (depth + 1)) / (zero * (depth - j));
    }
  }
  for (let j = i; j < depth; j++) {
    p.feature[j] = p.feature[j + 1];
    p.zero[j] = p.zero[j + 1];
    p.one[j] = p.one[j + 1];
  }
}

/** The sum of the weights the path would have with element i unwound (without unwinding it). */
function unwoundSum(p: Path, depth: number, i: number): number {
  const one = p.one[i];
  const zero = p.zero[i];
  let next = p.weight[depth];
  let total = 0;
  for (let j = depth - 1; j >= 0; j--) {
    if (one !== 0) {
      const t = (next * (depth + 1)) / ((j + 1) * one);
      total += t;
      next = p.weight[j] - (t * zero * (depth - j)) / (depth + 1);
    } else {
      total += (p.weight[j] * (depth + 1)) / (zero * (depth - j));
    }
  }
  return total;
}

function maxDepth(t: ShapTree, k = 0): number {
  return t.feature[k] < 0 ? 0 : 1 + Math.max(maxDepth(t, t.yes[k]), maxDepth(t, t.no[k]));
}

function treeShap(t: ShapTree, x: ArrayLike<number>, phi: Float64Array, paths: Path[]): void {
  // `level`: the node's depth in the tree (its path buffer); `depth`: the path's length before it
  const recurse = (k: number, level: number, depth: number, zero: number, one: number, feature: number) => {
    const p = paths[level];
    if (level > 0) copyPath(paths[level - 1], p, depth);
    extend(p, depth, zero, one, feature);
    if (t.feature[k] < 0) {
      for (let i = 1; i <= depth; i++) {
        const w = unwoundSum(p, depth, i);
        phi[p.feature[i]] += w * (p.one[i] - p.zero[i]) * t.value[k];
      }
      return;
    }
    const f = t.feature[k];
    const yes = goesYes(t, k, x[f]);
    const hot = yes ? t.yes[k] : t.no[k];
    const cold = yes ? t.no[k] : t.yes[k];
    let inZero = 1;
    let inOne = 1;
    let d = depth;
    // a feature met again on the path: its earlier element is taken out and its fractions carried
    for (let i = 1; i <= depth; i++) {
      if (p.feature[i] !== f) continue;
      inZero = p.zero[i];
      inOne = p.one[i];
      unwind(p, depth, i);
      d = depth - 1;
      break;
    }
    const cover = t.cover[k];
    recurse(hot, level + 1, d + 1, (inZero * t.cover[hot]) / cover, inOne, f);
    recurse(cold, level + 1, d + 1, (inZero * t.cover[cold]) / cover, 0, f);
  };
  recurse(0, 0, 0, 1, 1, -1);
}

/** The margin's expected value over the background: each tree's leaves weighted by their covers. */
export function expectedMargin(e: ShapEnsemble): number {
  let sum = e.base;
  for (const t of e.trees) {
    let v = 0;
    for (let k = 0; k < t.feature.length; k++) if (t.feature[k] < 0) v += t.value[k] * t.cover[k];
    sum += v / t.cover[0];
  }
  return sum;
}

/**
 * Each feature's contribution to the row's margin; with `expectedMargin(e)` they add up to the
 * margin. Covers must be set (withCovers).
 */
export function shapValues(e: ShapEnsemble, x: ArrayLike<number>): Float64Array {
  const phi = new Float64Array(e.features);
  let depth = 0;
  for (const t of e.trees) depth = Math.max(depth, maxDepth(t));
  // one path buffer a level of recursion, each long enough for the whole path
  const paths = Array.from({ length: depth + 2 }, () => newPath(depth + 2));
  for (const t of e.trees) treeShap(t, x, phi, paths);
  return phi;
}
