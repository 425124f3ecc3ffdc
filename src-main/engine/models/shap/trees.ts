// A tree ensemble as TreeSHAP reads it, from an ONNX model's TreeEnsembleRegressor or
// TreeEnsembleClassifier nodes (ai.onnx.ml): our own exported models (their parts summed into a
// margin, then a sigmoid) and imported ones (scikit-learn, XGBoost, LightGBM converters).
// A model this cannot read exactly (another graph shape, several classes, trees given as
// tensors) yields null, and its explanation stays measured instead of exact.
import { attrFloats, attrInts, attrString, attrStrings, readOnnxGraph, type OnnxNode } from '../onnx/inspect';

/** How a branch compares the feature's value x with its threshold t; true goes to `yes`. */
export const enum Mode {
  LT,
  LEQ,
  GT,
  GTE,
  EQ,
  NEQ,
}
const MODES: Record<string, Mode> = {
  BRANCH_LT: Mode.LT,
  BRANCH_LEQ: Mode.LEQ,
  BRANCH_GT: Mode.GT,
  BRANCH_GTE: Mode.GTE,
  BRANCH_EQ: Mode.EQ,
  BRANCH_NEQ: Mode.NEQ,
};

/** One tree; node 0 is its root, a node with feature < 0 is a leaf. */
export interface ShapTree {
  feature: Int32Array;
  threshold: Float64Array;
  mode: Uint8Array;
  yes: Int32Array;
  no: Int32Array;
  /** 1 when a missing value (NaN) takes the `yes` branch. */
  missingYes: Uint8Array;
  /** A leaf's value (summed into the margin); 0 for branches. */
  value: Float64Array;
  /** How many background rows reach each node (see withCovers). */
  cover: Float64Array;
}

export interface ShapEnsemble {
  trees: ShapTree[];
  /** Added to the trees' sum: the margin's base. */
  base: number;
  /** Inputs the model reads (columns of its one input). */
  features: number;
  /** What the margin is: 'log-odds' when a sigmoid or logistic turns it into the score. */
  scale: 'log-odds' | 'raw';
}

export function goesYes(t: ShapTree, k: number, x: number): boolean {
  if (Number.isNaN(x)) return t.missingYes[k] === 1;
  const th = t.threshold[k];
  switch (t.mode[k] as Mode) {
    case Mode.LT:
      return x < th;
    case Mode.LEQ:
      return x <= th;
    case Mode.GT:
      return x > th;
    case Mode.GTE:
      return x >= th;
    case Mode.EQ:
      return x === th;
    default:
      return x !== th;
  }
}

/** The sum of the trees' leaves for one row, plus the base: the model's margin. */
export function margin(e: ShapEnsemble, x: ArrayLike<number>): number {
  let sum = e.base;
  for (const t of e.trees) {
    let k = 0;
    while (t.feature[k] >= 0) k = goesYes(t, k, x[t.feature[k]]) ? t.yes[k] : t.no[k];
    sum += t.value[k];
  }
  return sum;
}

/**
 * Covers from background rows (one array per feature): how many rows reach each node, plus a
 * pseudo-row spread over the leaves, so that a branch no row takes still has a weight. A parent's
 * cover is its children's sum, as TreeSHAP requires.
 */
export function withCovers(e: ShapEnsemble, columns: ArrayLike<number>[], rows: number): ShapEnsemble {
  const x = new Float64Array(e.features);
  for (const t of e.trees) t.cover.fill(0);
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < e.features; f++) x[f] = columns[f]?.[r] ?? NaN;
    for (const t of e.trees) {
      let k = 0;
      while (t.feature[k] >= 0) k = goesYes(t, k, x[t.feature[k]]) ? t.yes[k] : t.no[k];
      t.cover[k] += 1;
    }
  }
  for (const t of e.trees) {
    const sum = (k: number): number => {
      if (t.feature[k] < 0) return (t.cover[k] += 1e-3);
      return (t.cover[k] = sum(t.yes[k]) + sum(t.no[k]));
    };
    sum(0);
  }
  return e;
}

interface RawNodes {
  tree: number[];
  node: number[];
  feature: number[];
  mode: string[];
  value: number[];
  yes: number[];
  no: number[];
  missing: number[];
}

function rawNodes(n: OnnxNode): RawNodes | null {
  const a = (name: string) => n.attrs.get(name);
  const raw = {
    tree: attrInts(a('nodes_treeids')),
    node: attrInts(a('nodes_nodeids')),
    feature: attrInts(a('nodes_featureids')),
    mode: attrStrings(a('nodes_modes')),
    value: attrFloats(a('nodes_values')),
    yes: attrInts(a('nodes_truenodeids')),
    no: attrInts(a('nodes_falsenodeids')),
    missing: attrInts(a('nodes_missing_value_tracks_true')),
  };
  const len = raw.tree.length;
  if (!len || [raw.node, raw.feature, raw.mode, raw.value, raw.yes, raw.no].some((l) => l.length !== len))
    return null;
  return raw;
}

/** The leaf weights of one output of an ensemble node: (tree, node) → weight. */
function leafWeights(n: OnnxNode): { weights: Map<string, number>; base: number } | null {
  const classifier = n.op === 'TreeEnsembleClassifier';
  const p = classifier ? 'class' : 'target';
  const ids = attrInts(n.attrs.get(`${p}_ids`));
  const trees = attrInts(n.attrs.get(`${p}_treeids`));
  const nodes = attrInts(n.attrs.get(`${p}_nodeids`));
  const w = attrFloats(n.attrs.get(`${p}_weights`));
  const bases = attrFloats(n.attrs.get('base_values'));
  if (ids.length !== w.length || trees.length !== w.length || nodes.length !== w.length) return null;
  const outputs = new Set(ids);
  let want = 0;
  if (classifier) {
    // A binary classifier gives either one score (the positive class's margin) or one a class.
    const labels =
      attrInts(n.attrs.get('classlabels_int64s')).length ||
      attrStrings(n.attrs.get('classlabels_strings')).length;
    if (labels > 2 || outputs.size > 2) return null;
    want = outputs.has(1) ? 1 : 0;
    if (outputs.size === 2 && attrString(n.attrs.get('post_transform')) !== 'NONE') return null;
  } else if (outputs.size > 1) return null;
  const weights = new Map<string, number>();
  for (let i = 0; i < w.length; i++) {
    if (ids[i] !== want) continue;
    const key = `${trees[i]}:${nodes[i]}`;
    weights.set(key, (weights.get(key) ?? 0) + w[i]);
  }
  return { weights, base: bases[want] ?? bases[0] ?? 0 };
}

function treesOf(n: OnnxNode): { trees: ShapTree[]; base: number; features: number } | null {
  const raw = rawNodes(n);
  const leaves = leafWeights(n);
  if (!raw || !leaves) return null;
  const agg = attrString(n.attrs.get('aggregate_function')) ?? 'SUM';
  if (agg !== 'SUM' && agg !== 'AVERAGE') return null;
  const byTree = new Map<number, number[]>();
  for (let i = 0; i < raw.tree.length; i++) {
    let list = byTree.get(raw.tree[i]);
    if (!list) byTree.set(raw.tree[i], (list = []));
    list.push(i);
  }
  const scale = agg === 'AVERAGE' ? 1 / byTree.size : 1;
  const trees: ShapTree[] = [];
  let features = 0;
  for (const [treeId, rows] of byTree) {
    const index = new Map(rows.map((i, k) => [raw.node[i], k]));
    const root = index.get(0);
    if (root === undefined) return null;
    // node 0 first; the others in their given order
    const order = [rows[root], ...rows.filter((_, k) => k !== root)];
    const at = new Map(order.map((i, k) => [raw.node[i], k]));
    const n = order.length;
    const t: ShapTree = {
      feature: new Int32Array(n),
      threshold: new Float64Array(n),
      mode: new Uint8Array(n),
      yes: new Int32Array(n),
      no: new Int32Array(n),
      missingYes: new Uint8Array(n),
      value: new Float64Array(n),
      cover: new Float64Array(n),
    };
    for (let k = 0; k < n; k++) {
      const i = order[k];
      if (raw.mode[i] === 'LEAF') {
        t.feature[k] = -1;
        t.value[k] = (leaves.weights.get(`${treeId}:${raw.node[i]}`) ?? 0) * scale;
        continue;
      }
      const mode = MODES[raw.mode[i]];
      const yes = at.get(raw.yes[i]);
      const no = at.get(raw.no[i]);
      if (mode === undefined || yes === undefined || no === undefined || raw.feature[i] < 0) return null;
      t.feature[k] = raw.feature[i];
      t.threshold[k] = raw.value[i];
      t.mode[k] = mode;
      t.yes[k] = yes;
      t.no[k] = no;
      t.missingYes[k] = raw.missing[i] ? 1 : 0;
      features = Math.max(features, raw.feature[i] + 1);
    }
    trees.push(t);
  }
  return { trees, base: leaves.base, features };
}

/**
 * The model's trees, when its margin is exactly the sum of its ensemble nodes (one node, or
 * parts added by a Sum) and its score that margin or a sigmoid of it; else null.
 */
export function readShapEnsemble(bytes: Uint8Array): ShapEnsemble | null {
  let graph;
  try {
    graph = readOnnxGraph(bytes);
  } catch {
    return null;
  }
  const ensembles = graph.nodes.filter(
    (n) => n.op === 'TreeEnsembleRegressor' || n.op === 'TreeEnsembleClassifier',
  );
  if (!ensembles.length || graph.inputs.length !== 1) return null;
  const others = graph.nodes.filter((n) => !ensembles.includes(n));
  const allowed = new Set(['Sum', 'Sigmoid', 'ZipMap', 'Cast', 'Identity']);
  if (others.some((n) => !allowed.has(n.op))) return null;
  if (ensembles.length > 1 && !others.some((n) => n.op === 'Sum')) return null;
  const out: ShapEnsemble = { trees: [], base: 0, features: 0, scale: 'raw' };
  for (const n of ensembles) {
    const part = treesOf(n);
    if (!part) return null;
    out.trees.push(...part.trees);
    out.base += part.base;
    out.features = Math.max(out.features, part.features);
    const post = attrString(n.attrs.get('post_transform')) ?? 'NONE';
    if (post === 'LOGISTIC') out.scale = 'log-odds';
    else if (post !== 'NONE') return null;
  }
  if (others.some((n) => n.op === 'Sigmoid')) out.scale = 'log-odds';
  const dims = graph.inputs[0].dims;
  const width = typeof dims[1] === 'number' ? dims[1] : 0;
  out.features = Math.max(out.features, width);
  return out;
}
