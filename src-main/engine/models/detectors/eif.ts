// Extended Isolation Forest (Hariri, Carrasco Kind & Brunner, 2018): Isolation Forest with
// random hyperplane splits instead of axis-parallel ones, which removes the axis-aligned bands
// of low score that plain Isolation Forest draws around clusters. Each inner node draws a normal
// vector (Gaussian components on `dims` of the features that vary among its rows) and an
// intercept point uniform in the rows' bounding box; rows with (x − p)·n < 0 go left. A side may
// be empty (a leaf of size 0), as in the paper. Features are robustly scaled on the fitting rows (scaling.ts).
import { rng as seeded } from '../../random';
import {
  checkScaling,
  checkTree,
  drawRows,
  invalid,
  packFloats,
  rowCount,
  unpackFloats,
  type Detector,
  type DetectorSpec,
} from './detector';
import { isolationScores, leafPathLengths } from './iforest';
import { fitScaling, scaledColumns, scaledRows, type Scaling } from './scaling';

export interface EifParams {
  trees: number;
  sampleSize: number;
  /** Features in each hyperplane (the extension level + 1), at most the features that vary. */
  dims: number;
  seed: number;
}

export const EIF_DEFAULTS = { trees: 100, sampleSize: 256, dims: 4 };

interface EifTree {
  left: Int32Array;
  right: Int32Array;
  /** Leaf size, for the c(n) correction; -1 for inner nodes. */
  size: Int32Array;
  /** The hyperplane's offset (p · n) of inner nodes. */
  offset: Float64Array;
  /** Inner node k's features and weights at k × dims … (k + 1) × dims; feature −1 pads. */
  slot: Int32Array;
  features: Int32Array;
  weights: Float32Array;
}

export interface SavedEif {
  kind: 'eif';
  featureNames: string[];
  psi: number;
  dims: number;
  scaling: Scaling;
  trees: {
    left: number[];
    right: number[];
    size: number[];
    offset: number[];
    slot: number[];
    features: number[];
    /** Float32 weights, base64. */
    weights: string;
  }[];
}

function gaussian(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export function fitExtendedIsolationForest(
  featureNames: string[],
  columns: Float32Array[],
  p: Partial<EifParams> = {},
): Detector {
  const params: EifParams = { ...EIF_DEFAULTS, seed: 42, ...p };
  const n = rowCount(columns);
  const F = columns.length;
  const scaling = fitScaling(columns);
  const X = scaledRows(columns, scaling);
  const rand = seeded(params.seed);
  const psi = Math.min(params.sampleSize, n);
  const dims = Math.max(1, Math.min(params.dims, F));
  const maxDepth = Math.ceil(Math.log2(Math.max(2, psi)));
  const lo = new Float64Array(F);
  const hi = new Float64Array(F);
  const trees: EifTree[] = [];
  for (let t = 0; t < params.trees; t++) {
    const sample = drawRows(n, psi, rand);
    const left: number[] = [];
    const right: number[] = [];
    const size: number[] = [];
    const offset: number[] = [];
    const slot: number[] = [];
    const features: number[] = [];
    const weights: number[] = [];
    const build = (rows: Uint32Array, depth: number): number => {
      const id = left.length;
      left.push(-1);
      right.push(-1);
      size.push(rows.length);
      offset.push(0);
      slot.push(-1);
      if (depth >= maxDepth || rows.length <= 1) return id;
      lo.fill(Infinity);
      hi.fill(-Infinity);
      for (const r of rows) {
        for (let f = 0, at = r * F; f < F; f++, at++) {
          const v = X[at];
          if (v < lo[f]) lo[f] = v;
          if (v > hi[f]) hi[f] = v;
        }
      }
      const varying: number[] = [];
      for (let f = 0; f < F; f++) if (hi[f] > lo[f]) varying.push(f);
      if (!varying.length) return id; // identical rows: nothing to split
      // `dims` of the varying features, drawn without replacement
      for (let i = 0; i < Math.min(dims, varying.length); i++) {
        const j = i + Math.floor(rand() * (varying.length - i));
        [varying[i], varying[j]] = [varying[j], varying[i]];
      }
      const chosen = varying.slice(0, dims);
      // float32 weights, as they are saved and scored: a row near the plane goes the same way
      const w = chosen.map(() => Math.fround(gaussian(rand)));
      let b = 0;
      for (let k = 0; k < chosen.length; k++)
        b += w[k] * (lo[chosen[k]] + rand() * (hi[chosen[k]] - lo[chosen[k]]));
      const goesLeft = (r: number) => {
        let s = 0;
        for (let k = 0; k < chosen.length; k++) s += w[k] * X[r * F + chosen[k]];
        return s < b;
      };
      const L = rows.filter(goesLeft);
      const R = rows.filter((r) => !goesLeft(r));
      size[id] = -1;
      offset[id] = b;
      slot[id] = features.length / dims;
      for (let k = 0; k < dims; k++) {
        features.push(k < chosen.length ? chosen[k] : -1);
        weights.push(k < chosen.length ? w[k] : 0);
      }
      left[id] = build(L, depth + 1);
      right[id] = build(R, depth + 1);
      return id;
    };
    build(sample, 0);
    trees.push({
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      size: Int32Array.from(size),
      offset: Float64Array.from(offset),
      slot: Int32Array.from(slot),
      features: Int32Array.from(features),
      weights: Float32Array.from(weights),
    });
  }
  return eifDetector(featureNames, psi, dims, scaling, trees);
}

function eifDetector(
  featureNames: string[],
  psi: number,
  dims: number,
  scaling: Scaling,
  trees: EifTree[],
): Detector {
  const leafPaths = trees.map((t) => leafPathLengths(t.left, t.right, t.size));
  // for scoring, padding is feature 0 with weight 0 (no test in the inner loop)
  const dense = trees.map((t) => ({
    features: t.features.map((f) => Math.max(f, 0)),
    weights: t.weights.map((w, k) => (t.features[k] < 0 ? 0 : w)),
  }));
  return {
    kind: 'eif',
    featureNames,
    serialize: () => ({
      kind: 'eif',
      featureNames,
      psi,
      dims,
      scaling,
      trees: trees.map((t) => ({
        left: Array.from(t.left),
        right: Array.from(t.right),
        size: Array.from(t.size),
        offset: Array.from(t.offset),
        slot: Array.from(t.slot),
        features: Array.from(t.features),
        weights: packFloats(t.weights),
      })),
    }),
    score(input: Float32Array[]): Float64Array {
      const m = rowCount(input);
      const cols = scaledColumns(input, scaling);
      const total = new Float64Array(m);
      // tree by tree (its nodes stay in cache), each row's path to its leaf
      for (let t = 0; t < trees.length; t++) {
        const { left, right, size, offset, slot } = trees[t];
        const { features, weights } = dense[t];
        const at = leafPaths[t];
        for (let r = 0; r < m; r++) {
          let node = 0;
          while (size[node] < 0) {
            let s = 0;
            for (let k = slot[node] * dims, end = k + dims; k < end; k++)
              s += weights[k] * cols[features[k]][r];
            node = s < offset[node] ? left[node] : right[node];
          }
          total[r] += at[node];
        }
      }
      return isolationScores(total, trees.length, psi);
    },
  };
}

export const eif: DetectorSpec<'eif', SavedEif> = {
  kind: 'eif',
  params: (o) => ({ ...EIF_DEFAULTS, ...o, scaled: 'robust (median, central 90%)' }),
  fit: (names, columns, o) => fitExtendedIsolationForest(names, columns, o),
  restore: (saved) => {
    const F = saved.featureNames.length;
    checkScaling(saved.scaling, F);
    if (!(Number.isInteger(saved.dims) && saved.dims >= 1)) invalid('hyperplanes of no width');
    const trees = saved.trees.map((t, i) => {
      const inner = t.features.length;
      if (inner % saved.dims !== 0) invalid(`tree ${i} has hyperplanes of another width`);
      if (!t.features.every((f) => f >= -1 && f < F)) invalid(`tree ${i} names a feature it does not have`);
      const tree = {
        left: Int32Array.from(t.left),
        right: Int32Array.from(t.right),
        size: Int32Array.from(t.size),
        offset: Float64Array.from(t.offset),
        slot: Int32Array.from(t.slot),
        features: Int32Array.from(t.features),
        weights: unpackFloats(t.weights, inner, `tree ${i}`),
      };
      checkTree(tree, i);
      for (let node = 0; node < tree.size.length; node++)
        if (tree.size[node] < 0 && !(tree.slot[node] >= 0 && (tree.slot[node] + 1) * saved.dims <= inner))
          invalid(`tree ${i}, node ${node} has no hyperplane`);
      return tree;
    });
    return eifDetector(saved.featureNames, saved.psi, saved.dims, saved.scaling, trees);
  },
};
