// Gradient-boosted trees for binary classification, trained like XGBoost's `hist` method:
// logistic loss, gradients and hessians, histogram split finding over binned features with a
// learned direction for missing values, L2 regularisation (lambda), minimum split gain
// (gamma), minimum child weight, shrinkage (eta), row and column subsampling, class weighting
// and early stopping on a validation set.
import { availableParallelism } from 'node:os';
import { rng as seeded } from '../../random';
import { spawnWorker } from '../../worker-spawn';
import { binOf, binRows, MISSING as MISSING_BIN, type Bins } from './binning';
import { SPLIT_BIN, SPLIT_FEATURE, SPLIT_GL, SPLIT_HL, SPLIT_MISSING_LEFT, SPLIT_SIZE } from './hist';
import {
  createSharedState,
  KIND_LEAF,
  KIND_LEAVES,
  KIND_SPLIT,
  MAX_BATCH,
  PARTS,
  Stepper,
  type StepNode,
} from './parallel';

/** Below this many cells (rows × features) one thread trains faster than two. */
const PARALLEL_MIN_CELLS = 1_000_000;

/** Memory the histograms of the nodes waiting to be split may take. */
const HISTOGRAM_BUDGET = 64 * 1024 * 1024;

/**
 * Nodes split in one step, and the histogram slots that needs. A step takes a batch of waiting
 * nodes of the same depth; each node waiting holds a slot per block of rows. With batches as
 * wide as the widest level (2^(maxDepth - 1) nodes) the tree grows level by level and at most
 * that level waits; narrower batches (deep trees, many features) bound the waiting nodes to
 * 2 × batch per depth.
 */
export function batchPlan(F: number, maxDepth: number, most = MAX_BATCH): { batch: number; slots: number } {
  const slotBytes = F * 512 * 8;
  const widest = 2 ** Math.max(0, Math.min(maxDepth - 1, 30));
  const slotsFor = (batch: number) =>
    PARTS * Math.max(1, Math.min(widest, 2 * batch * Math.max(1, maxDepth)));
  let batch = Math.max(1, Math.min(most, MAX_BATCH, widest));
  while (batch > 1 && slotsFor(batch) * slotBytes > HISTOGRAM_BUDGET) batch >>= 1;
  return { batch, slots: slotsFor(batch) };
}

const MISSING = MISSING_BIN; // a local constant for the hot loops

export interface GbdtParams {
  trees: number;
  maxDepth: number;
  eta: number;
  lambda: number;
  gamma: number;
  minChildWeight: number;
  subsample: number;
  colsample: number;
  /** Weight of positive examples; 'balanced' = negatives / positives. */
  scalePosWeight: number | 'balanced';
  earlyStoppingRounds: number | null;
  seed: number;
  /**
   * Probability every row starts from, like XGBoost's `base_score` (0.5: margin 0), or 'prior':
   * the weighted share of positives. XGBoost's default gives trees whose splits divide the rows
   * more evenly, which onnxruntime predicts faster.
   */
  baseScore: number | 'prior';
}

export const DEFAULT_PARAMS: GbdtParams = {
  trees: 100,
  maxDepth: 6,
  eta: 0.1,
  lambda: 1,
  gamma: 0,
  minChildWeight: 1,
  subsample: 1,
  colsample: 1,
  scalePosWeight: 1,
  earlyStoppingRounds: null,
  seed: 42,
  baseScore: 0.5,
};

/** One tree in flat arrays; feature -1 marks a leaf. `x < threshold` (float32) goes left. */
export interface Tree {
  feature: number[];
  threshold: number[];
  /** The same split in bins: left when bin <= cutBin. */
  cutBin: number[];
  left: number[];
  right: number[];
  missingLeft: boolean[];
  /** Leaf values (already scaled by eta), float32. */
  value: number[];
}

export interface GbdtModel {
  featureNames: string[];
  /** Margin (log-odds) every prediction starts from. */
  baseScore: number;
  trees: Tree[];
  params: GbdtParams;
  /** Trees kept (early stopping keeps the best round). */
  bestIteration: number;
  /** Validation log loss per round, when it stopped early on a validation set. */
  validationLoss: number[];
  /** The validation rows' margins under the trees kept (training walks them anyway). */
  validationMargin?: Float64Array;
}

export interface TrainData {
  /** Feature columns, float32 (NaN = missing). */
  columns: Float32Array[];
  labels: Uint8Array;
}

export interface TrainOptions {
  validation?: TrainData;
  onTree?: (done: number, total: number, validationLoss: number | null) => void;
  cancelled?: () => boolean;
  /**
   * Threads to train with (1 or 2); by default 2 when the data is large enough to pay for a
   * helper thread and the machine has a second core. The model is the same either way.
   */
  threads?: number;
  /**
   * Nodes split per step, at most MAX_BATCH (by default as many as the histogram budget allows;
   * see batchPlan). The model is the same for any value.
   */
  batch?: number;
}

const sigmoid = (m: number) => 1 / (1 + Math.exp(-m));
const f32 = Math.fround;

function logLoss(margin: Float64Array, y: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) {
    const p = Math.min(1 - 1e-15, Math.max(1e-15, sigmoid(margin[i])));
    s -= y[i] ? Math.log(p) : Math.log(1 - p);
  }
  return s / Math.max(1, y.length);
}

/**
 * Adds a tree's leaf values to margins, walking binned rows; or, `asExp`, multiplies
 * exp(-margin) by exp(-value).
 */
function addTree(tree: Tree, bins: Bins, margin: Float64Array, asExp = false): void {
  const F = bins.features;
  const data = bins.data;
  for (let r = 0; r < bins.rows; r++) {
    let node = 0;
    while (tree.feature[node] >= 0) {
      const b = data[r * F + tree.feature[node]];
      const goLeft = b === MISSING ? tree.missingLeft[node] : b <= tree.cutBin[node];
      node = goLeft ? tree.left[node] : tree.right[node];
    }
    if (asExp) margin[r] *= Math.exp(-tree.value[node]);
    else margin[r] += tree.value[node];
  }
}

const emptyTree = (): Tree => ({
  feature: [],
  threshold: [],
  cutBin: [],
  left: [],
  right: [],
  missingLeft: [],
  value: [],
});

/**
 * The tree with its nodes numbered as a depth-first grower numbers them (root 0; the two
 * children of a node get the next two numbers when it is split, left subtree first), whatever
 * order the levels were grown in.
 */
function renumber(t: Tree): Tree {
  const out = emptyTree();
  const add = (from: number) => {
    out.feature.push(t.feature[from]);
    out.threshold.push(t.threshold[from]);
    out.cutBin.push(t.cutBin[from]);
    out.missingLeft.push(t.missingLeft[from]);
    out.value.push(t.value[from]);
    out.left.push(-1);
    out.right.push(-1);
    return out.feature.length - 1;
  };
  const stack: [number, number][] = [[0, add(0)]];
  while (stack.length) {
    const [from, to] = stack.pop()!;
    if (t.feature[from] < 0) continue;
    const l = (out.left[to] = add(t.left[from]));
    const r = (out.right[to] = add(t.right[from]));
    stack.push([t.right[from], r], [t.left[from], l]);
  }
  return out;
}

/** A node waiting to be split or made a leaf. */
interface Pending {
  node: number;
  /** Its rows per block p: idx[ranges[2p]..ranges[2p + 1]). */
  ranges: number[];
  G: number;
  H: number;
  depth: number;
  /** Histogram slots per block, or null when the node cannot split. */
  slots: number[] | null;
  /** Best split (SPLIT_* fields), feature -1 for none. */
  split: Float64Array;
}

export function trainGbdt(
  featureNames: string[],
  train: TrainData,
  p: Partial<GbdtParams> = {},
  opts: TrainOptions = {},
): GbdtModel {
  const params: GbdtParams = { ...DEFAULT_PARAMS, ...p };
  const F = train.columns.length;
  const N = train.labels.length;
  const y = train.labels;
  const rand = seeded(params.seed);

  const threads = opts.threads ?? (N * F >= PARALLEL_MIN_CELLS && availableParallelism() >= 2 ? 2 : 1);
  const plan = batchPlan(F, params.maxDepth, opts.batch);
  const { batch, slots: slotCount } = plan;
  const st = createSharedState(N, F, slotCount, params);
  const stepper = new Stepper(st, threads >= 2 ? spawnWorker('gbdt-worker', { workerData: st }) : null);
  try {
    for (let f = 0; f < F; f++) st.columns.set(train.columns[f], f * N);
    // Column-major bins for partitioning a node by one feature, row-major for histograms.
    const cuts = stepper.bins();
    const nbins = Int32Array.from(cuts, (c) => c.length + 1);
    const binsRow = st.binsRow;
    const bins: Bins = { cuts, data: binsRow, rows: N, features: F };
    const valBins = opts.validation ? binRows(opts.validation.columns, cuts) : null;

    let positives = 0;
    for (let i = 0; i < N; i++) positives += y[i];
    const posWeight =
      params.scalePosWeight === 'balanced' ? (N - positives) / Math.max(1, positives) : params.scalePosWeight;
    // Start from base_score's log-odds (or the weighted prior's).
    const wPos = positives * posWeight;
    const start =
      params.baseScore === 'prior' ? wPos / Math.max(1e-12, wPos + (N - positives)) : params.baseScore;
    const p0 = Math.min(1 - 1e-6, Math.max(1e-6, start));
    const baseScore = f32(Math.log(p0 / (1 - p0)));

    const expNegMargin = st.expNegMargin.fill(Math.exp(-baseScore));
    st.y.set(y);
    st.nbins.set(nbins);
    const valMargin = valBins ? new Float64Array(valBins.rows).fill(baseScore) : null;
    const idx = st.idx; // rows of the tree: per block of rows, each node a contiguous range
    const trees: Tree[] = [];
    const validationLoss: number[] = [];
    let best = Infinity;
    let bestIteration = 0;
    let bestMargin: Float64Array | null = null;
    // Histogram slots (one per block each), reused: only the waiting nodes hold some.
    const free: number[] = [];
    for (let k = slotCount - 1; k >= 0; k--) free.push(k);
    const takeSlots = () => {
      const k = free.splice(free.length - PARTS, PARTS);
      if (k.length < PARTS) throw new Error('GBDT: out of histogram slots');
      return k;
    };
    const freeSlots = (slots: number[] | null) => {
      if (slots) free.push(...slots);
    };

    const leafWeight = (G: number, H: number) => f32((-G / (H + params.lambda)) * params.eta);
    const useFeature = st.useFeature;
    for (let t = 0; t < params.trees; t++) {
      if (opts.cancelled?.()) break;
      // Row and column sampling for this tree.
      let n = 0;
      if (params.subsample < 1) {
        for (let i = 0; i < N; i++) if (rand() < params.subsample) idx[n++] = i;
      } else {
        for (let i = 0; i < N; i++) idx[i] = i;
        n = N;
      }
      const allRows = n === N;
      if (params.colsample < 1) {
        useFeature.fill(0);
        const order = Array.from({ length: F }, (_, f) => f).sort(() => rand() - 0.5);
        for (const f of order.slice(0, Math.max(1, Math.round(F * params.colsample)))) useFeature[f] = 1;
      } else useFeature.fill(1);

      const tree = emptyTree();
      const newNode = () => {
        tree.feature.push(-1);
        tree.threshold.push(0);
        tree.cutBin.push(0);
        tree.left.push(-1);
        tree.right.push(-1);
        tree.missingLeft.push(false);
        tree.value.push(0);
        return tree.feature.length - 1;
      };
      const noSplit = () => {
        const s = new Float64Array(SPLIT_SIZE);
        s[SPLIT_FEATURE] = -1;
        return s;
      };
      const found = new Float64Array(2 * SPLIT_SIZE * batch);

      // The rows in PARTS fixed blocks of idx, each partitioned on its own.
      const rootRanges: number[] = [];
      for (let p = 0; p < PARTS; p++)
        rootRanges.push(Math.floor((p * n) / PARTS), Math.floor(((p + 1) * n) / PARTS));
      const root: Pending = {
        node: newNode(),
        ranges: rootRanges,
        G: 0,
        H: 0,
        depth: 0,
        slots: takeSlots(),
        split: noSplit(),
      };
      [root.G, root.H] = stepper.root(rootRanges, root.slots!, posWeight, found);
      if (params.maxDepth > 0 && n >= 2) root.split = found.slice(0, SPLIT_SIZE);
      const stack: Pending[] = [root];
      while (stack.length) {
        // A batch of waiting nodes of the same depth (the deepest waiting), split in one step.
        const depth = stack[stack.length - 1].depth;
        const nodes: Pending[] = [];
        while (nodes.length < batch && stack.length && stack[stack.length - 1].depth === depth)
          nodes.push(stack.pop()!);
        const steps: StepNode[] = nodes.map((cur) => {
          const s = cur.split;
          const f = s[SPLIT_FEATURE];
          const step: StepNode = {
            kind: KIND_LEAF,
            ranges: cur.ranges,
            feature: Math.max(0, f),
            cutBin: 0,
            missingLeft: false,
            vl: 0,
            vr: 0,
            parent: null,
            small: null,
            sums: [0, 0, 0, 0],
          };
          if (f < 0) {
            step.vl = tree.value[cur.node] = leafWeight(cur.G, cur.H);
            freeSlots(cur.slots);
            return step;
          }
          const ln = newNode();
          const rn = newNode();
          step.cutBin = tree.cutBin[cur.node] = s[SPLIT_BIN];
          step.missingLeft = tree.missingLeft[cur.node] = s[SPLIT_MISSING_LEFT] === 1;
          tree.feature[cur.node] = f;
          tree.threshold[cur.node] = cuts[f][step.cutBin];
          tree.left[cur.node] = ln;
          tree.right[cur.node] = rn;
          const GL = s[SPLIT_GL];
          const HL = s[SPLIT_HL];
          step.sums = [GL, HL, cur.G - GL, cur.H - HL];
          if (depth + 1 >= params.maxDepth) {
            // Both children are leaves: no partition, just their values on the node's rows.
            step.kind = KIND_LEAVES;
            step.vl = tree.value[ln] = leafWeight(GL, HL);
            step.vr = tree.value[rn] = leafWeight(cur.G - GL, cur.H - HL);
            freeSlots(cur.slots);
            return step;
          }
          step.kind = KIND_SPLIT;
          // Histogram subtraction per block: the smaller child gets a new slot, the larger the
          // parent's. No histograms when neither child can be split (min child weight).
          if (cur.slots !== null && Math.max(HL, cur.H - HL) >= 1.98 * params.minChildWeight) {
            step.parent = cur.slots;
            step.small = takeSlots();
          }
          return step;
        });
        const nl = stepper.level(steps, allRows, found);
        nodes.forEach((cur, j) => {
          const step = steps[j];
          if (step.kind !== KIND_SPLIT) return;
          const build = step.small !== null;
          if (!build) freeSlots(cur.slots);
          const lr: number[] = [];
          const rr: number[] = [];
          const ls: number[] = [];
          const rs: number[] = [];
          for (let p = 0; p < PARTS; p++) {
            const b = cur.ranges[2 * p];
            const e = cur.ranges[2 * p + 1];
            const left = nl[j * PARTS + p];
            lr.push(b, b + left);
            rr.push(b + left, e);
            const smallLeft = left <= e - b - left;
            if (build) {
              ls.push(smallLeft ? step.small![p] : step.parent![p]);
              rs.push(smallLeft ? step.parent![p] : step.small![p]);
            }
          }
          const [GL, HL, GR, HR] = step.sums;
          const node = tree.left[cur.node];
          const at = 2 * j * SPLIT_SIZE;
          stack.push(
            {
              node: node + 1,
              ranges: rr,
              G: GR,
              H: HR,
              depth: depth + 1,
              slots: build ? rs : null,
              split: found.slice(at + SPLIT_SIZE, at + 2 * SPLIT_SIZE),
            },
            {
              node,
              ranges: lr,
              G: GL,
              H: HL,
              depth: depth + 1,
              slots: build ? ls : null,
              split: found.slice(at, at + SPLIT_SIZE),
            },
          );
        });
      }
      const grown = renumber(tree);
      trees.push(grown);
      if (!allRows) addTree(grown, bins, expNegMargin, true);
      let vl: number | null = null;
      if (valBins && valMargin) addTree(grown, valBins, valMargin);
      // the validation loss decides only when training stops early
      if (valBins && valMargin && opts.validation && params.earlyStoppingRounds !== null) {
        vl = logLoss(valMargin, opts.validation.labels);
        validationLoss.push(vl);
        if (vl < best - 1e-9) {
          best = vl;
          bestIteration = trees.length;
          bestMargin = valMargin.slice();
        } else if (trees.length - bestIteration >= params.earlyStoppingRounds) {
          opts.onTree?.(trees.length, params.trees, vl);
          break;
        }
      } else bestIteration = trees.length;
      opts.onTree?.(trees.length, params.trees, vl);
    }
    const kept = params.earlyStoppingRounds !== null && valBins ? bestIteration : trees.length;
    const validationMargin = kept === trees.length ? valMargin : bestMargin;
    return {
      ...(validationMargin ? { validationMargin } : {}),
      featureNames,
      baseScore,
      trees: trees.slice(0, kept),
      params,
      bestIteration: kept,
      validationLoss,
    };
  } finally {
    stepper.close();
  }
}

/** A forest's nodes in typed arrays, every tree's after the last's (roots[t] is tree t's root). */
interface FlatForest {
  roots: Int32Array;
  feature: Int32Array;
  threshold: Float32Array;
  left: Int32Array;
  right: Int32Array;
  missingLeft: Uint8Array;
  value: Float64Array;
}

function flatten(trees: Tree[]): FlatForest {
  const size = trees.reduce((s, t) => s + t.feature.length, 0);
  const f: FlatForest = {
    roots: new Int32Array(trees.length),
    feature: new Int32Array(size),
    threshold: new Float32Array(size),
    left: new Int32Array(size),
    right: new Int32Array(size),
    missingLeft: new Uint8Array(size),
    value: new Float64Array(size),
  };
  let at = 0;
  trees.forEach((t, k) => {
    f.roots[k] = at;
    for (let i = 0; i < t.feature.length; i++) {
      f.feature[at + i] = t.feature[i];
      f.threshold[at + i] = t.threshold[i];
      f.left[at + i] = t.left[i] + at;
      f.right[at + i] = t.right[i] + at;
      f.missingLeft[at + i] = t.missingLeft[i] ? 1 : 0;
      f.value[at + i] = t.value[i];
    }
    at += t.feature.length;
  });
  return f;
}

/**
 * Margins for float rows (features as float32), walking thresholds like ONNX does. The rows
 * are laid out row by row first, so a walk reads one row's values from one place.
 */
export function predictMargin(model: GbdtModel, columns: Float32Array[]): Float64Array {
  const n = columns.length ? columns[0].length : 0;
  const F = columns.length;
  const out = new Float64Array(n);
  const { roots, feature, threshold, left, right, missingLeft, value } = flatten(model.trees);
  const BLOCK = 4096;
  const x = new Float32Array(BLOCK * F);
  for (let start = 0; start < n; start += BLOCK) {
    const m = Math.min(BLOCK, n - start);
    for (let f = 0; f < F; f++) {
      const col = columns[f];
      for (let r = 0; r < m; r++) x[r * F + f] = col[start + r];
    }
    for (let r = 0; r < m; r++) {
      const row = r * F;
      let s = 0;
      for (let t = 0; t < roots.length; t++) {
        let node = roots[t];
        let f = feature[node];
        while (f >= 0) {
          const v = x[row + f];
          const goLeft = v !== v ? missingLeft[node] === 1 : v < threshold[node];
          node = goLeft ? left[node] : right[node];
          f = feature[node];
        }
        s += value[node];
      }
      out[start + r] = model.baseScore + s;
    }
  }
  return out;
}

export function predictProba(model: GbdtModel, columns: Float32Array[]): Float64Array {
  return predictMargin(model, columns).map(sigmoid);
}

/** Bin index of a value under a tree's cuts (exported for tests). */
export { binOf };
