// Isolation Forest (Liu, Ting & Zhou, 2008): anomalies are isolated by fewer random
// axis-parallel splits. Trees are built as scikit-learn builds them (a feature constant in a
// node is never drawn; both sides keep a row).
import { rng as seeded } from '../../random';
import { checkTree, drawRows, invalid, rowCount, type Detector, type DetectorSpec } from './detector';

export interface SavedIForest {
  kind: 'iforest';
  featureNames: string[];
  psi: number;
  trees: { feature: number[]; split: number[]; left: number[]; right: number[]; size: number[] }[];
}

interface ITree {
  feature: Int32Array;
  split: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** Leaf size (for the c(n) correction); -1 for inner nodes. */
  size: Int32Array;
}

/** Average path length of an unsuccessful search in a binary search tree of n nodes. */
export function cFactor(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  return 2 * (Math.log(n - 1) + 0.5772156649015329) - (2 * (n - 1)) / n;
}

/** Of each leaf (size ≥ 0), its depth plus c(size): the path length a row ending there gets. */
export function leafPathLengths(left: Int32Array, right: Int32Array, size: Int32Array): Float64Array {
  const out = new Float64Array(size.length);
  const visit = (node: number, depth: number) => {
    if (size[node] >= 0) out[node] = depth + cFactor(size[node]);
    else {
      visit(left[node], depth + 1);
      visit(right[node], depth + 1);
    }
  };
  if (size.length) visit(0, 0);
  return out;
}

/**
 * Path lengths summed over the trees → scores 2^(−mean / c(ψ)). Fitted on a single row (c(1) = 0)
 * there is no depth to compare with: 0.5, as scikit-learn gives.
 */
export function isolationScores(total: Float64Array, trees: number, psi: number): Float64Array {
  const c = cFactor(psi);
  for (let r = 0; r < total.length; r++) total[r] = c > 0 ? Math.pow(2, -(total[r] / trees) / c) : 0.5;
  return total;
}

/** The column with missing values at 0 (where the trees put them), copied only when it has some. */
export function missingAtZero(col: Float32Array): Float32Array {
  if (!col.some((v) => v !== v)) return col;
  return col.map((v) => (v !== v ? 0 : v));
}

export interface IForestParams {
  trees: number;
  sampleSize: number;
  seed: number;
}

export const IFOREST_DEFAULTS = { trees: 200, sampleSize: 256 };

export function fitIsolationForest(
  featureNames: string[],
  columns: Float32Array[],
  p: Partial<IForestParams> = {},
): Detector {
  const params: IForestParams = { ...IFOREST_DEFAULTS, seed: 42, ...p };
  const n = columns.length ? columns[0].length : 0;
  const F = columns.length;
  const rand = seeded(params.seed);
  const psi = Math.min(params.sampleSize, n);
  const maxDepth = Math.ceil(Math.log2(Math.max(2, psi)));
  const value = (f: number, r: number) => {
    const v = columns[f][r];
    return v !== v ? 0 : v; // missing values sit at 0
  };
  const trees: ITree[] = [];
  for (let t = 0; t < params.trees; t++) {
    const sample = drawRows(n, psi, rand);
    const feature: number[] = [];
    const split: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const size: number[] = [];
    const build = (rows: Uint32Array, depth: number): number => {
      const id = feature.length;
      feature.push(-1);
      split.push(0);
      left.push(-1);
      right.push(-1);
      size.push(rows.length);
      if (depth >= maxDepth || rows.length <= 1) return id;
      // a feature that varies among these rows, tried in random order
      const order = Array.from({ length: F }, (_, f) => f);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rand() * (i + 1));
        [order[i], order[j]] = [order[j], order[i]];
      }
      for (const f of order) {
        let lo = Infinity;
        let hi = -Infinity;
        for (const r of rows) {
          const v = value(f, r);
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        if (!(hi > lo)) continue; // constant among these rows: never a split, draw another
        // uniform in (lo, hi]; rows below go left. Rounding can land a draw on lo (a wide
        // magnitude, a narrow range), which would leave the left side empty: such a draw
        // takes hi instead, the mirror of scikit-learn's rule (threshold at max -> min, with
        // <= going left), so both sides always keep at least one row.
        let s = lo + rand() * (hi - lo);
        if (!(s > lo)) s = hi;
        const L = rows.filter((r) => value(f, r) < s);
        const R = rows.filter((r) => value(f, r) >= s);
        feature[id] = f;
        split[id] = s;
        size[id] = -1;
        left[id] = build(L, depth + 1);
        right[id] = build(R, depth + 1);
        return id;
      }
      return id;
    };
    build(sample, 0);
    trees.push({
      feature: Int32Array.from(feature),
      split: Float64Array.from(split),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      size: Int32Array.from(size),
    });
  }
  return iforestDetector(featureNames, psi, trees);
}

function iforestDetector(featureNames: string[], psi: number, trees: ITree[]): Detector {
  const leafPaths = trees.map((t) => leafPathLengths(t.left, t.right, t.size));
  return {
    kind: 'iforest',
    featureNames,
    serialize: () => ({
      kind: 'iforest',
      featureNames,
      psi,
      trees: trees.map((t) => ({
        feature: Array.from(t.feature),
        split: Array.from(t.split),
        left: Array.from(t.left),
        right: Array.from(t.right),
        size: Array.from(t.size),
      })),
    }),
    score(input: Float32Array[]): Float64Array {
      const m = rowCount(input);
      const cols = input.map(missingAtZero);
      const total = new Float64Array(m);
      // tree by tree (its nodes stay in cache), each row's path to its leaf
      for (let k = 0; k < trees.length; k++) {
        const { feature, split, left, right } = trees[k];
        const at = leafPaths[k];
        for (let r = 0; r < m; r++) {
          let node = 0;
          let f: number;
          while ((f = feature[node]) >= 0) node = cols[f][r] < split[node] ? left[node] : right[node];
          total[r] += at[node];
        }
      }
      return isolationScores(total, trees.length, psi);
    },
  };
}

export const iforest: DetectorSpec<'iforest', SavedIForest> = {
  kind: 'iforest',
  params: (o) => ({ ...IFOREST_DEFAULTS, ...o }),
  fit: (names, columns, o) => fitIsolationForest(names, columns, o),
  restore: (saved) => {
    const F = saved.featureNames.length;
    const trees = saved.trees.map((t, k) => {
      const tree = {
        feature: Int32Array.from(t.feature),
        split: Float64Array.from(t.split),
        left: Int32Array.from(t.left),
        right: Int32Array.from(t.right),
        size: Int32Array.from(t.size),
      };
      checkTree(tree, k);
      for (let node = 0; node < tree.size.length; node++)
        if (tree.size[node] < 0 && !(tree.feature[node] >= 0 && tree.feature[node] < F))
          invalid(`tree ${k}, node ${node} splits on a feature it does not have`);
      return tree;
    });
    return iforestDetector(saved.featureNames, saved.psi, trees);
  },
};
