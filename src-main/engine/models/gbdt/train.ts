// Gradient-boosted trees for binary classification, trained like XGBoost's `hist` method:
// logistic loss, gradients and hessians, histogram split finding over binned features with a
// learned direction for missing values, L2 regularisation (lambda), minimum split gain
// (gamma), minimum child weight, shrinkage (eta), row and column subsampling, class weighting
// and early stopping on a validation set.
import { rng as seeded } from '../../random';
import { binOf, binRows, cutsFor, MAX_BINS, MISSING as MISSING_BIN, type Bins } from './binning';

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
  /** Validation log loss per round, when there was a validation set. */
  validationLoss: number[];
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

/** Adds a tree's leaf values to margins, walking binned rows. */
function addTree(tree: Tree, bins: Bins, margin: Float64Array): void {
  const F = bins.features;
  const data = bins.data;
  for (let r = 0; r < bins.rows; r++) {
    let node = 0;
    while (tree.feature[node] >= 0) {
      const b = data[r * F + tree.feature[node]];
      const goLeft = b === MISSING ? tree.missingLeft[node] : b <= tree.cutBin[node];
      node = goLeft ? tree.left[node] : tree.right[node];
    }
    margin[r] += tree.value[node];
  }
}

interface Split {
  gain: number;
  feature: number;
  cutBin: number;
  missingLeft: boolean;
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

  const cuts = train.columns.map((c) => cutsFor(c, MAX_BINS));
  const bins = binRows(train.columns, cuts);
  const valBins = opts.validation ? binRows(opts.validation.columns, cuts) : null;

  let positives = 0;
  for (let i = 0; i < N; i++) positives += y[i];
  const posWeight =
    params.scalePosWeight === 'balanced' ? (N - positives) / Math.max(1, positives) : params.scalePosWeight;
  // Start from the weighted prior's log-odds.
  const wPos = positives * posWeight;
  const prior = Math.min(1 - 1e-6, Math.max(1e-6, wPos / Math.max(1e-12, wPos + (N - positives))));
  const baseScore = f32(Math.log(prior / (1 - prior)));

  const margin = new Float64Array(N).fill(baseScore);
  const valMargin = valBins ? new Float64Array(valBins.rows).fill(baseScore) : null;
  const g = new Float64Array(N);
  const h = new Float64Array(N);
  const trees: Tree[] = [];
  const validationLoss: number[] = [];
  let best = Infinity;
  let bestIteration = 0;
  const HIST = F * 256 * 2;

  const buildHist = (rows: Uint32Array): Float64Array => {
    const hist = new Float64Array(HIST);
    const data = bins.data;
    for (let k = 0; k < rows.length; k++) {
      const r = rows[k];
      const gi = g[r];
      const hi = h[r];
      const base = r * F;
      for (let f = 0; f < F; f++) {
        const idx = ((f << 8) | data[base + f]) << 1;
        hist[idx] += gi;
        hist[idx + 1] += hi;
      }
    }
    return hist;
  };

  const leafWeight = (G: number, H: number) => f32((-G / (H + params.lambda)) * params.eta);

  for (let t = 0; t < params.trees; t++) {
    if (opts.cancelled?.()) break;
    for (let i = 0; i < N; i++) {
      const pr = sigmoid(margin[i]);
      const w = y[i] ? posWeight : 1;
      g[i] = (pr - y[i]) * w;
      h[i] = Math.max(pr * (1 - pr), 1e-16) * w;
    }
    // Row and column sampling for this tree.
    let rows: Uint32Array;
    if (params.subsample < 1) {
      const picked: number[] = [];
      for (let i = 0; i < N; i++) if (rand() < params.subsample) picked.push(i);
      rows = Uint32Array.from(picked);
    } else {
      rows = new Uint32Array(N);
      for (let i = 0; i < N; i++) rows[i] = i;
    }
    const useFeature = new Uint8Array(F);
    if (params.colsample < 1) {
      const order = Array.from({ length: F }, (_, f) => f).sort(() => rand() - 0.5);
      for (const f of order.slice(0, Math.max(1, Math.round(F * params.colsample)))) useFeature[f] = 1;
    } else useFeature.fill(1);

    const tree: Tree = {
      feature: [],
      threshold: [],
      cutBin: [],
      left: [],
      right: [],
      missingLeft: [],
      value: [],
    };
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

    const bestSplit = (hist: Float64Array, G: number, H: number): Split | null => {
      let found: Split | null = null;
      const parent = (G * G) / (H + params.lambda);
      for (let f = 0; f < F; f++) {
        if (!useFeature[f]) continue;
        const nb = cuts[f].length + 1;
        if (nb < 2) continue;
        const base = (f << 8) << 1;
        const gm = hist[base + (MISSING << 1)];
        const hm = hist[base + (MISSING << 1) + 1];
        let GL = 0;
        let HL = 0;
        for (let k = 0; k < nb - 1; k++) {
          GL += hist[base + (k << 1)];
          HL += hist[base + (k << 1) + 1];
          for (let m = 0; m < 2; m++) {
            const gl = m ? GL + gm : GL;
            const hl = m ? HL + hm : HL;
            const gr = G - gl;
            const hr = H - hl;
            if (hl < params.minChildWeight || hr < params.minChildWeight) continue;
            const gain =
              0.5 * ((gl * gl) / (hl + params.lambda) + (gr * gr) / (hr + params.lambda) - parent) -
              params.gamma;
            if (gain > 1e-12 && (!found || gain > found.gain))
              found = { gain, feature: f, cutBin: k, missingLeft: m === 1 };
          }
        }
      }
      return found;
    };

    interface Pending {
      node: number;
      rows: Uint32Array;
      hist: Float64Array;
      G: number;
      H: number;
      depth: number;
    }
    const sums = (rs: Uint32Array) => {
      let G = 0;
      let H = 0;
      for (let k = 0; k < rs.length; k++) {
        G += g[rs[k]];
        H += h[rs[k]];
      }
      return [G, H] as const;
    };
    const [G0, H0] = sums(rows);
    const queue: Pending[] = [{ node: newNode(), rows, hist: buildHist(rows), G: G0, H: H0, depth: 0 }];
    while (queue.length) {
      const cur = queue.shift()!;
      const split = cur.depth < params.maxDepth ? bestSplit(cur.hist, cur.G, cur.H) : null;
      if (!split) {
        tree.value[cur.node] = leafWeight(cur.G, cur.H);
        continue;
      }
      const f = split.feature;
      // Partition in place into the parent's row array: left rows first, then right.
      const parentRows = cur.rows;
      const scratch = new Uint32Array(parentRows.length);
      let nl = 0;
      let nr = parentRows.length;
      for (let k = 0; k < parentRows.length; k++) {
        const r = parentRows[k];
        const b = bins.data[r * F + f];
        if (b === MISSING ? split.missingLeft : b <= split.cutBin) scratch[nl++] = r;
        else scratch[--nr] = r;
      }
      const L = scratch.subarray(0, nl);
      const R = scratch.subarray(nl);
      // Histogram subtraction: build the smaller child, derive the larger.
      const smallHist = buildHist(L.length <= R.length ? L : R);
      const bigHist = new Float64Array(HIST);
      for (let i = 0; i < HIST; i++) bigHist[i] = cur.hist[i] - smallHist[i];
      const [hl, hr] = L.length <= R.length ? [smallHist, bigHist] : [bigHist, smallHist];
      const [GL, HL] = sums(L);
      const ln = newNode();
      const rn = newNode();
      tree.feature[cur.node] = f;
      tree.cutBin[cur.node] = split.cutBin;
      tree.threshold[cur.node] = cuts[f][split.cutBin];
      tree.missingLeft[cur.node] = split.missingLeft;
      tree.left[cur.node] = ln;
      tree.right[cur.node] = rn;
      queue.push({ node: ln, rows: L, hist: hl, G: GL, H: HL, depth: cur.depth + 1 });
      queue.push({ node: rn, rows: R, hist: hr, G: cur.G - GL, H: cur.H - HL, depth: cur.depth + 1 });
    }
    trees.push(tree);
    addTree(tree, bins, margin);
    let vl: number | null = null;
    if (valBins && valMargin && opts.validation) {
      addTree(tree, valBins, valMargin);
      vl = logLoss(valMargin, opts.validation.labels);
      validationLoss.push(vl);
      if (vl < best - 1e-9) {
        best = vl;
        bestIteration = trees.length;
      } else if (
        params.earlyStoppingRounds !== null &&
        trees.length - bestIteration >= params.earlyStoppingRounds
      ) {
        opts.onTree?.(trees.length, params.trees, vl);
        break;
      }
    } else bestIteration = trees.length;
    opts.onTree?.(trees.length, params.trees, vl);
  }
  const kept = params.earlyStoppingRounds !== null && valBins ? bestIteration : trees.length;
  return {
    featureNames,
    baseScore,
    trees: trees.slice(0, kept),
    params,
    bestIteration: kept,
    validationLoss,
  };
}

/** Margins for float rows (features as float32), walking thresholds like ONNX does. */
export function predictMargin(model: GbdtModel, columns: Float32Array[]): Float64Array {
  const n = columns.length ? columns[0].length : 0;
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (const tree of model.trees) {
      let node = 0;
      while (tree.feature[node] >= 0) {
        const x = columns[tree.feature[node]][r];
        const goLeft = x !== x ? tree.missingLeft[node] : x < tree.threshold[node];
        node = goLeft ? tree.left[node] : tree.right[node];
      }
      s += tree.value[node];
    }
    out[r] = model.baseScore + s;
  }
  return out;
}

export function predictProba(model: GbdtModel, columns: Float32Array[]): Float64Array {
  return predictMargin(model, columns).map(sigmoid);
}

/** Bin index of a value under a tree's cuts (exported for tests). */
export { binOf };
