// Isolation Forest (Liu, Ting & Zhou, 2008): anomalies are isolated by fewer random
// axis-parallel splits. Trees are built as scikit-learn builds them (a feature constant in a
// node is never drawn; both sides keep a row).
import { rng as seeded } from '../../random';
import type { Detector, DetectorSpec } from './detector';

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
    // sample without replacement
    const pool = new Uint32Array(n);
    for (let i = 0; i < n; i++) pool[i] = i;
    for (let i = 0; i < psi; i++) {
      const j = i + Math.floor(rand() * (n - i));
      const tmp = pool[i];
      pool[i] = pool[j];
      pool[j] = tmp;
    }
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
    build(pool.slice(0, psi), 0);
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
  const cPsi = cFactor(psi);
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
    score(cols: Float32Array[]): Float64Array {
      const m = cols.length ? cols[0].length : 0;
      const out = new Float64Array(m);
      for (let r = 0; r < m; r++) {
        let total = 0;
        for (const t of trees) {
          let node = 0;
          let depth = 0;
          while (t.feature[node] >= 0) {
            const v = cols[t.feature[node]][r];
            node = (v !== v ? 0 : v) < t.split[node] ? t.left[node] : t.right[node];
            depth++;
          }
          total += depth + cFactor(t.size[node]);
        }
        // fitted on a single row (c(1) = 0): no depth to compare with, so 0.5, as scikit-learn
        out[r] = cPsi > 0 ? Math.pow(2, -(total / trees.length) / cPsi) : 0.5;
      }
      return out;
    },
  };
}

export const iforest: DetectorSpec<'iforest', SavedIForest> = {
  kind: 'iforest',
  params: (o) => ({ ...IFOREST_DEFAULTS, ...o }),
  fit: (names, columns, o) => fitIsolationForest(names, columns, o),
  restore: (saved) =>
    iforestDetector(
      saved.featureNames,
      saved.psi,
      saved.trees.map((t) => ({
        feature: Int32Array.from(t.feature),
        split: Float64Array.from(t.split),
        left: Int32Array.from(t.left),
        right: Int32Array.from(t.right),
        size: Int32Array.from(t.size),
      })),
    ),
};
