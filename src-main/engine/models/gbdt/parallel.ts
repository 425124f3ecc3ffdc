// Two threads for GBDT training: the trainer's thread and one helper share the training state
// in SharedArrayBuffers and split every large step between them. The rows of a tree are cut
// into two blocks (the two halves of idx at the root); each node keeps its rows in both blocks,
// and each block is partitioned and histogrammed on its own, with its own histograms (the
// subtraction trick per block). Split finding then sums the two blocks' histograms (block 0 +
// block 1, always in that order) by halves of the features.
//
// A tree grows level by level, like XGBoost's depthwise policy: one step splits a whole batch
// of nodes of the same depth (every node of the level when the histograms fit), so the threads
// meet a few times per level instead of twice per node, and the deep levels, with many small
// nodes, are shared too. A step is cut into claims that either thread takes in order: first
// (node, block) claims (partition, smaller child's histogram, or the margins of leaves), then
// (child, half of the features) claims of split finding, each waiting only for its own node's
// blocks. Every histogram and split is computed by one claim over fixed rows in a fixed order,
// so the model does not depend on the number of threads nor on who took which claim. The
// trainer stays synchronous: it posts a step through shared memory (Atomics), takes claims
// itself, then waits for the claims the helper took.
import type { Worker } from 'node:worker_threads';
import { binColumn, cutsFor, MAX_BINS, MISSING, transposeBins } from './binning';
import { sharedMemory, wasmKernels, type WasmKernels } from './wasm-kernels';
import {
  bestSplit,
  buildHist,
  FEATURE_STRIDE,
  SPLIT_FEATURE,
  SPLIT_GAIN,
  SPLIT_SIZE,
  subtractHist,
} from './hist';

/** Blocks of rows (and halves of features) a step is cut into. */
export const PARTS = 2;

/** Nodes one step splits at most (its claims, 3 × PARTS per node, must stay under 256). */
export const MAX_BATCH = 32;

/** Everything both threads see: typed arrays over SharedArrayBuffers. */
export interface SharedState {
  N: number;
  F: number;
  /** Feature columns (float32, NaN = missing), feature f at f * N. */
  columns: Float32Array;
  /** Cut values of feature f at f * 256, cutCount[f] of them. */
  cuts: Float32Array;
  cutCount: Int32Array;
  /** Row-major bins (row r, feature f at r * F + f), for histograms. */
  binsRow: Uint8Array;
  /** Column-major bins (feature f, row r at f * N + r), for partitions. */
  binsCol: Uint8Array;
  /** (gradient, hessian) of row r at 2r, 2r + 1. */
  gh: Float64Array;
  /** Rows of the current tree: per block, each node a contiguous range. */
  idx: Uint32Array;
  /**
   * exp(-margin) of each row: a leaf multiplies it by exp(-value), so gradients need no exp per
   * row (p = 1 / (1 + exp(-margin))).
   */
  expNegMargin: Float64Array;
  y: Uint8Array;
  nbins: Int32Array;
  useFeature: Uint8Array;
  /** Histogram slots (one block's histogram of one node), each F * FEATURE_STRIDE doubles. */
  hist: Float64Array;
  slots: number;
  /** Step arguments (see A_*). */
  args: Float64Array;
  /** The nodes of a step, NODE_SIZE doubles each (see N_*). */
  nodes: Float64Array;
  /** Split results: [node][child][half] × SPLIT_SIZE (the root: [half]). */
  splits: Float64Array;
  /** Per node and block: rows going left; at the root, per block, its gradient sums. */
  counts: Float64Array;
  /** Per node of a step: its (node, block) claims finished. */
  done: Int32Array;
  /** Per thread: where the rows going right are put aside while partitioning (N each). */
  right: Uint32Array[];
  /** Per thread: per bin, 1 when the split sends it left (256 each). */
  dir: Uint8Array[];
  /** Per thread: the gradient sums of its last block. */
  sums: Float64Array[];
  /** Control words (see C_*). */
  ctrl: Int32Array;
  /**
   * The WebAssembly memory binsRow, binsCol, gh, idx, expNegMargin, right, dir and hist live in
   * (shared by both threads), for the WebAssembly kernels; null where WebAssembly threads are
   * missing (plain SharedArrayBuffers).
   */
  mem: WebAssembly.Memory | null;
  lambda: number;
  gamma: number;
  minChildWeight: number;
}

// Control words: the step number posted by the trainer; the next claim (step << 16 | claims
// << 8 | next claim); the claims finished; an error flag the helper raises instead of answering.
const C_POSTED = 0;
const C_NEXT = 1;
const C_FINISHED = 2;
const C_ERROR = 3;

// Step arguments.
const A_OP = 0;
const A_POS_WEIGHT = 1;
/** Binning and transposing: claims the features or rows are cut into. */
const A_CLAIMS = 2;
/** Nodes in the step. */
const A_NODES = 4;
/** 1 when leaves add their values to the margins of their rows (every row is in the tree). */
const A_MARGINS = 5;
const ARGS = 8;

const OP_ROOT = 2;
const OP_LEVEL = 3;
const OP_QUIT = 5;
const OP_BINS = 6;
const OP_TRANSPOSE = 7;

/** What a step does with a node. */
export const KIND_LEAF = 0;
/** The node splits into two leaves: no partition, their values on the node's rows. */
export const KIND_LEAVES = 1;
/** The node splits: its rows are partitioned, and the smaller child histogrammed when `build`. */
export const KIND_SPLIT = 2;

// Node fields. A node's rows in block p are idx[N_RANGE + 2p .. N_RANGE + 2p + 1); its
// histogram slot in block p is N_PARENT + p; N_SMALL + p is a free slot for block p.
const N_KIND = 0;
const N_FEATURE = 1;
const N_CUT_BIN = 2;
const N_MISSING_LEFT = 3;
/** The leaf's value (LEAF), or the left leaf's (LEAVES). */
const N_VL = 4;
const N_VR = 5;
/** 1 when the children of a split get histograms (some child may split). */
const N_BUILD = 6;
const N_GL = 7;
const N_HL = 8;
const N_GR = 9;
const N_HR = 10;
const N_RANGE = 12;
const N_PARENT = N_RANGE + 2 * PARTS;
const N_SMALL = N_PARENT + PARTS;
const NODE_SIZE = N_SMALL + PARTS;

/** A node as the trainer hands it to a step. */
export interface StepNode {
  kind: typeof KIND_LEAF | typeof KIND_LEAVES | typeof KIND_SPLIT;
  /** Rows per block: idx[ranges[2p]..ranges[2p + 1]). */
  ranges: number[];
  feature: number;
  cutBin: number;
  missingLeft: boolean;
  /** LEAF: the value; LEAVES: the left and right values. */
  vl: number;
  vr: number;
  /** SPLIT: histogram slots per block (the parent's and a free one), when building. */
  parent: number[] | null;
  small: number[] | null;
  /** SPLIT: gradient sums of the left and right child. */
  sums: [number, number, number, number];
}

const shared = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
const align16 = (n: number) => (n + 15) & ~15;

export function createSharedState(
  N: number,
  F: number,
  slots: number,
  p: { lambda: number; gamma: number; minChildWeight: number },
): SharedState {
  // The kernels' arrays in one WebAssembly memory when it can be had.
  const histDoubles = slots * F * FEATURE_STRIDE;
  const layout: [string, number][] = [
    ['binsRow', N * F],
    ['binsCol', N * F],
    ['gh', 16 * N],
    ['idx', 4 * N],
    ['expNegMargin', 8 * N],
    ['right0', 4 * N],
    ['right1', 4 * N],
    ['dir0', 256],
    ['dir1', 256],
    ['sums0', 16],
    ['sums1', 16],
    ['y', N],
    ['hist', 8 * histDoubles],
  ];
  const offset: Record<string, number> = {};
  let bytes = 0;
  for (const [name, size] of layout) {
    offset[name] = bytes;
    bytes = align16(bytes + size);
  }
  const mem = sharedMemory(bytes);
  const buf = mem?.buffer as SharedArrayBuffer | undefined;
  const u8 = (name: string, n: number) =>
    buf ? new Uint8Array(buf, offset[name], n) : new Uint8Array(shared(n));
  const u32 = (name: string, n: number) =>
    buf ? new Uint32Array(buf, offset[name], n) : new Uint32Array(shared(4 * n));
  const f64 = (name: string, n: number) =>
    buf ? new Float64Array(buf, offset[name], n) : new Float64Array(shared(8 * n));
  return {
    N,
    F,
    mem,
    binsRow: u8('binsRow', N * F),
    binsCol: u8('binsCol', N * F),
    gh: f64('gh', 2 * N),
    idx: u32('idx', N),
    expNegMargin: f64('expNegMargin', N),
    right: [u32('right0', N), u32('right1', N)],
    dir: [u8('dir0', 256), u8('dir1', 256)],
    sums: [f64('sums0', 2), f64('sums1', 2)],
    y: u8('y', N),
    hist: f64('hist', histDoubles),
    columns: new Float32Array(shared(4 * N * F)),
    cuts: new Float32Array(shared(4 * 256 * F)),
    cutCount: new Int32Array(shared(4 * F)),
    nbins: new Int32Array(shared(4 * F)),
    useFeature: new Uint8Array(shared(F)),
    slots,
    args: new Float64Array(shared(8 * ARGS)),
    nodes: new Float64Array(shared(8 * MAX_BATCH * NODE_SIZE)),
    splits: new Float64Array(shared(8 * MAX_BATCH * 2 * PARTS * SPLIT_SIZE)),
    counts: new Float64Array(shared(8 * MAX_BATCH * PARTS)),
    done: new Int32Array(shared(4 * MAX_BATCH)),
    ctrl: new Int32Array(shared(16)),
    lambda: p.lambda,
    gamma: p.gamma,
    minChildWeight: p.minChildWeight,
  };
}

/** One histogram slot as a view. */
export function slotView(s: SharedState, slot: number): Float64Array {
  const size = s.F * FEATURE_STRIDE;
  return s.hist.subarray(slot * size, (slot + 1) * size);
}

/** Gradients and hessians of logistic loss for rows idx[b..e); returns their sums. */
export function gradients(
  s: SharedState,
  posWeight: number,
  b: number,
  e: number,
  sums: Float64Array,
  at: number,
) {
  const { expNegMargin, y, gh, idx } = s;
  let G = 0;
  let H = 0;
  for (let k = b; k < e; k++) {
    const i = idx[k];
    const pr = 1 / (1 + expNegMargin[i]);
    const w = y[i] ? posWeight : 1;
    const g = (gh[i << 1] = (pr - y[i]) * w);
    const h = (gh[(i << 1) | 1] = Math.max(pr * (1 - pr), 1e-16) * w);
    G += g;
    H += h;
  }
  sums[at] = G;
  sums[at + 1] = H;
}

/** Per bin, 1 when a row with that bin goes left under the split of the node at `at`. */
function directions(nodes: Float64Array, at: number, out: Uint8Array): Uint8Array {
  const cut = nodes[at + N_CUT_BIN];
  for (let b = 0; b < 256; b++) out[b] = b <= cut ? 1 : 0;
  out[MISSING] = nodes[at + N_MISSING_LEFT] ? 1 : 0;
  return out;
}

/**
 * Stable partition of idx[begin..end) in place by the bins of one feature (col, indexed by row):
 * the rows going left first (written in place, never ahead of the reads), then the rows going
 * right (through `right`). Returns the number going left.
 */
export function partition(
  idx: Uint32Array,
  begin: number,
  end: number,
  col: Uint8Array,
  dir: Uint8Array,
  right: Uint32Array,
): number {
  let nl = begin;
  let nr = 0;
  for (let k = begin; k < end; k++) {
    // Branch-free: write both, advance one.
    const r = idx[k];
    const d = dir[col[r]];
    idx[nl] = r;
    right[nr] = r;
    nl += d;
    nr += 1 - d;
  }
  idx.set(right.subarray(0, nr), nl);
  return nl - begin;
}

/** What one thread works with: its buffers and its instance of the WebAssembly kernels. */
interface Scratch {
  right: Uint32Array;
  dir: Uint8Array;
  sums: Float64Array;
  kernels: WasmKernels | null;
}

/** Thread 0 is the trainer's, 1 the helper's. */
const scratchFor = (s: SharedState, thread: number): Scratch => ({
  right: s.right[thread],
  dir: s.dir[thread],
  sums: s.sums[thread],
  kernels: s.mem ? wasmKernels(s.mem) : null,
});

/** A block's histogram of rows idx[b..e) into `view`: the SIMD kernel when there is one. */
function histogram(s: SharedState, x: Scratch, view: Float64Array, b: number, e: number): void {
  if (!x.kernels) return buildHist(view, s.binsRow, s.F, s.gh, s.idx, b, e, 0, s.F);
  view.fill(0);
  if (e > b)
    x.kernels.hist(
      view.byteOffset,
      s.binsRow.byteOffset,
      s.F,
      s.gh.byteOffset,
      s.idx.byteOffset,
      b,
      e,
      0,
      s.F,
    );
}

/** Best split of a node with histograms in slots s0 (block 0) and s1 over [fLo, fHi) into splits[at..]. */
function nodeSplit(
  s: SharedState,
  s0: number,
  s1: number,
  rows: number,
  G: number,
  H: number,
  fLo: number,
  fHi: number,
  at: number,
) {
  if (rows < 2) {
    s.splits[at + SPLIT_FEATURE] = -1;
    return;
  }
  bestSplit(slotView(s, s0), slotView(s, s1), s.nbins, s.useFeature, fLo, fHi, G, H, s, s.splits, at);
}

/** How many (node, block) claims the posted step has (split finding's, if any, come after them). */
function blockClaims(s: SharedState): number {
  return (s.args[A_OP] === OP_ROOT ? 1 : s.args[A_NODES]) * PARTS;
}

/** Node j of the step, block p: gradients and histogram (root), partition, or leaf margins. */
function runBlock(s: SharedState, x: Scratch, j: number, p: number): void {
  const a = s.args;
  const nodes = s.nodes;
  const at = j * NODE_SIZE;
  const b = nodes[at + N_RANGE + 2 * p];
  const e = nodes[at + N_RANGE + 2 * p + 1];
  if (a[A_OP] === OP_ROOT) {
    const k = x.kernels;
    if (k) {
      const { idx, expNegMargin, y, gh } = s;
      k.gradients(
        idx.byteOffset,
        expNegMargin.byteOffset,
        y.byteOffset,
        gh.byteOffset,
        b,
        e,
        a[A_POS_WEIGHT],
        x.sums.byteOffset,
      );
      s.counts[2 * p] = x.sums[0];
      s.counts[2 * p + 1] = x.sums[1];
    } else gradients(s, a[A_POS_WEIGHT], b, e, s.counts, 2 * p);
    histogram(s, x, slotView(s, nodes[at + N_PARENT + p]), b, e);
    return;
  }
  const kind = nodes[at + N_KIND];
  const { idx, expNegMargin: value } = s;
  const k = x.kernels;
  if (kind === KIND_SPLIT) {
    const f = nodes[at + N_FEATURE];
    const col = s.binsCol.subarray(f * s.N, (f + 1) * s.N);
    const dir = directions(nodes, at, x.dir);
    const nl = k
      ? k.partition(idx.byteOffset, col.byteOffset, dir.byteOffset, x.right.byteOffset, b, e)
      : partition(idx, b, e, col, dir, x.right);
    s.counts[j * PARTS + p] = nl;
    if (nodes[at + N_BUILD]) {
      // The smaller child of this block from its rows; the parent's slot becomes the larger.
      const small = slotView(s, nodes[at + N_SMALL + p]);
      const parent = slotView(s, nodes[at + N_PARENT + p]);
      const smallLeft = nl <= e - b - nl;
      histogram(s, x, small, smallLeft ? b : b + nl, smallLeft ? b + nl : e);
      if (k) k.subtract(parent.byteOffset, small.byteOffset, parent.byteOffset + parent.byteLength);
      else subtractHist(parent, small);
    }
  } else if (!a[A_MARGINS]) {
    // the trainer adds the tree to the margins of every row once it is grown
  } else if (kind === KIND_LEAF) {
    // exp(-(margin + v)) = exp(-margin) × exp(-v)
    const v = Math.exp(-nodes[at + N_VL]);
    if (k) k.leaf(idx.byteOffset, value.byteOffset, b, e, v);
    else for (let i = b; i < e; i++) value[idx[i]] *= v;
  } else {
    // Both children are leaves: their values on the node's rows as the split sends them.
    const f = nodes[at + N_FEATURE];
    const col = s.binsCol.subarray(f * s.N, (f + 1) * s.N);
    const dir = directions(nodes, at, x.dir);
    const vl = Math.exp(-nodes[at + N_VL]);
    const vr = Math.exp(-nodes[at + N_VR]);
    if (k) k.leaves(idx.byteOffset, col.byteOffset, dir.byteOffset, value.byteOffset, b, e, vl, vr);
    else
      for (let i = b; i < e; i++) {
        const r = idx[i];
        value[r] *= dir[col[r]] ? vl : vr;
      }
  }
}

/** Split finding, claim k: the root over half k of the features, or (node, child, half). */
function runSplit(s: SharedState, k: number): void {
  const nodes = s.nodes;
  if (s.args[A_OP] === OP_ROOT) {
    waitNode(s, 0);
    const c = s.counts;
    let rows = 0;
    for (let p = 0; p < PARTS; p++) rows += nodes[N_RANGE + 2 * p + 1] - nodes[N_RANGE + 2 * p];
    const fLo = Math.floor((k * s.F) / PARTS);
    const fHi = Math.floor(((k + 1) * s.F) / PARTS);
    nodeSplit(
      s,
      nodes[N_PARENT],
      nodes[N_PARENT + 1],
      rows,
      c[0] + c[2],
      c[1] + c[3],
      fLo,
      fHi,
      k * SPLIT_SIZE,
    );
    return;
  }
  const j = Math.floor(k / (2 * PARTS));
  const child = Math.floor(k / PARTS) % 2;
  const half = k % PARTS;
  const out = k * SPLIT_SIZE; // = ((j * 2 + child) * PARTS + half) * SPLIT_SIZE
  const at = j * NODE_SIZE;
  if (nodes[at + N_KIND] !== KIND_SPLIT || !nodes[at + N_BUILD]) {
    s.splits[out + SPLIT_FEATURE] = -1;
    return;
  }
  waitNode(s, j);
  // Per block, the left child's histogram is in the new slot when it was the smaller; the
  // child's slot per block and its rows.
  const slot: number[] = [];
  let rows = 0;
  for (let p = 0; p < PARTS; p++) {
    const n = nodes[at + N_RANGE + 2 * p + 1] - nodes[at + N_RANGE + 2 * p];
    const nl = s.counts[j * PARTS + p];
    const smallLeft = nl <= n - nl;
    slot.push(smallLeft === (child === 0) ? nodes[at + N_SMALL + p] : nodes[at + N_PARENT + p]);
    rows += child === 0 ? nl : n - nl;
  }
  const G = nodes[at + (child === 0 ? N_GL : N_GR)];
  const H = nodes[at + (child === 0 ? N_HL : N_HR)];
  const fLo = Math.floor((half * s.F) / PARTS);
  const fHi = Math.floor(((half + 1) * s.F) / PARTS);
  nodeSplit(s, slot[0], slot[1], rows, G, H, fLo, fHi, out);
}

/** Runs claim `c` of the posted step. */
function runClaim(s: SharedState, x: Scratch, c: number): void {
  const a = s.args;
  const op = a[A_OP];
  if (op === OP_BINS) {
    const N = s.N;
    const n = a[A_CLAIMS];
    for (let f = Math.floor((c * s.F) / n), fHi = Math.floor(((c + 1) * s.F) / n); f < fHi; f++) {
      const column = s.columns.subarray(f * N, (f + 1) * N);
      const cuts = cutsFor(column, MAX_BINS);
      s.cutCount[f] = cuts.length;
      s.cuts.set(cuts, f * 256);
      binColumn(column, cuts, s.binsCol.subarray(f * N, (f + 1) * N));
    }
  } else if (op === OP_TRANSPOSE) {
    const n = a[A_CLAIMS];
    transposeBins(s.binsCol, s.N, s.F, s.binsRow, Math.floor((c * s.N) / n), Math.floor(((c + 1) * s.N) / n));
  } else {
    const blocks = blockClaims(s);
    if (c < blocks) {
      const j = Math.floor(c / PARTS);
      runBlock(s, x, j, c % PARTS);
      Atomics.add(s.done, j, 1);
    } else runSplit(s, c - blocks);
  }
  Atomics.add(s.ctrl, C_FINISHED, 1);
  Atomics.notify(s.ctrl, C_FINISHED);
}

/** Claims the next part of step `seq`, or -1 when the step has none left (or is over). */
function claim(ctrl: Int32Array, seq: number): number {
  for (;;) {
    const v = Atomics.load(ctrl, C_NEXT);
    if (v >>> 16 !== seq || (v & 255) >= ((v >>> 8) & 255)) return -1;
    if (Atomics.compareExchange(ctrl, C_NEXT, v, v + 1) === v) return v & 255;
  }
}

/** Waits until `ready()`, sleeping on the finished-claims counter after a short spin. */
function waitUntil(ctrl: Int32Array, ready: () => boolean): void {
  const started = Date.now();
  for (let spins = 0; ; spins++) {
    if (ready()) return;
    if (Atomics.load(ctrl, C_ERROR)) throw new Error('GBDT helper thread failed');
    if (spins < 2_000) continue; // the other thread usually answers within microseconds
    const finished = Atomics.load(ctrl, C_FINISHED);
    if (ready()) return;
    Atomics.wait(ctrl, C_FINISHED, finished, 100);
    if (Date.now() - started > 120_000) throw new Error('GBDT helper thread does not answer');
  }
}

/** Waits until the blocks of node j of the step are done. */
function waitNode(s: SharedState, j: number): void {
  if (Atomics.load(s.done, j) < PARTS) waitUntil(s.ctrl, () => Atomics.load(s.done, j) >= PARTS);
}

/** The trainer's side: runs steps on one thread or shares them with a helper. */
export class Stepper {
  private posted = 0;
  private readonly x: Scratch;

  constructor(
    readonly s: SharedState,
    private readonly helper: Worker | null,
    /** Steps over fewer rows than this are not worth a hand-over. */
    private readonly minRows = 8192,
  ) {
    this.x = scratchFor(s, 0);
  }

  /**
   * Cuts and bins of every feature from s.columns into s.cuts / s.cutCount, s.binsCol and
   * s.binsRow.
   */
  bins(): Float32Array[] {
    const { s } = this;
    // A claim per feature (at most 64) and 16 of rows: the helper, still starting when the
    // training does, takes whatever is left when it arrives.
    s.args[A_OP] = OP_BINS;
    s.args[A_CLAIMS] = Math.max(1, Math.min(s.F, 64));
    this.run(s.N, s.args[A_CLAIMS]);
    s.args[A_OP] = OP_TRANSPOSE;
    s.args[A_CLAIMS] = 16;
    this.run(s.N, s.args[A_CLAIMS]);
    return Array.from({ length: s.F }, (_, f) => s.cuts.slice(f * 256, f * 256 + s.cutCount[f]));
  }

  /**
   * Gradients of the rows of the root (idx in `ranges`, per block), the root's histograms
   * into `slots` (per block) and its best split into out[0..]. Returns its gradient sums.
   */
  root(ranges: number[], slots: number[], posWeight: number, out: Float64Array): [number, number] {
    const { s } = this;
    s.args[A_OP] = OP_ROOT;
    s.args[A_POS_WEIGHT] = posWeight;
    const n = s.nodes;
    for (let i = 0; i < 2 * PARTS; i++) n[N_RANGE + i] = ranges[i];
    for (let p = 0; p < PARTS; p++) n[N_PARENT + p] = slots[p];
    this.run(this.rows(0, 1), 2 * PARTS);
    this.merge(0, out, 0);
    const c = s.counts;
    return [c[0] + c[2], c[1] + c[3]];
  }

  /**
   * One step over `nodes` (at most MAX_BATCH): leaves add their values to the margins of their
   * rows when `margins`; splits partition their rows per block (stable: left rows first) and,
   * when building, build the smaller child's histogram per block into `small`, turn the
   * parent's slot into the larger child's, and write the children's best splits to
   * out[2j × SPLIT_SIZE..] (left) and out[(2j + 1) × SPLIT_SIZE..] (right) for node j (feature -1
   * for none). Returns the rows going left of node j in block p at [j × PARTS + p]; in block p,
   * the left child's histogram is in small[p] when it has at most half of the block's rows of
   * the node.
   */
  level(nodes: StepNode[], margins: boolean, out: Float64Array): Float64Array {
    const { s } = this;
    const m = nodes.length;
    if (m > MAX_BATCH) throw new Error('GBDT: too many nodes in one step');
    s.args[A_OP] = OP_LEVEL;
    s.args[A_NODES] = m;
    s.args[A_MARGINS] = margins ? 1 : 0;
    let build = false;
    nodes.forEach((node, j) => {
      const at = j * NODE_SIZE;
      const t = s.nodes;
      t[at + N_KIND] = node.kind;
      for (let i = 0; i < 2 * PARTS; i++) t[at + N_RANGE + i] = node.ranges[i];
      t[at + N_FEATURE] = node.feature;
      t[at + N_CUT_BIN] = node.cutBin;
      t[at + N_MISSING_LEFT] = node.missingLeft ? 1 : 0;
      t[at + N_VL] = node.vl;
      t[at + N_VR] = node.vr;
      const builds = node.kind === KIND_SPLIT && node.small !== null && node.parent !== null;
      t[at + N_BUILD] = builds ? 1 : 0;
      if (builds)
        for (let p = 0; p < PARTS; p++) {
          t[at + N_PARENT + p] = node.parent![p];
          t[at + N_SMALL + p] = node.small![p];
        }
      [t[at + N_GL], t[at + N_HL], t[at + N_GR], t[at + N_HR]] = node.sums;
      build ||= builds;
    });
    this.run(this.rows(0, m), m * PARTS * (build ? 3 : 1));
    for (let j = 0; j < m; j++)
      for (let child = 0; child < 2; child++)
        if (build) this.merge(j * 2 + child, out, (j * 2 + child) * SPLIT_SIZE);
        else out[(j * 2 + child) * SPLIT_SIZE + SPLIT_FEATURE] = -1;
    return s.counts;
  }

  close(): void {
    if (!this.helper) return;
    this.s.args[A_OP] = OP_QUIT;
    this.post(0);
    void this.helper.terminate();
  }

  /** Rows of the step's nodes [j0, j1). */
  private rows(j0: number, j1: number): number {
    const n = this.s.nodes;
    let rows = 0;
    for (let j = j0; j < j1; j++)
      for (let p = 0; p < PARTS; p++)
        rows += n[j * NODE_SIZE + N_RANGE + 2 * p + 1] - n[j * NODE_SIZE + N_RANGE + 2 * p];
    return rows;
  }

  /** Runs the step in args: alone, or in claims shared with the helper. */
  private run(rows: number, claims: number): void {
    const { s, x } = this;
    s.done.fill(0);
    if (!this.helper || rows < this.minRows) {
      for (let c = 0; c < claims; c++) runClaim(s, x, c);
      return;
    }
    const { ctrl } = s;
    const seq = this.post(claims);
    for (let c = claim(ctrl, seq); c >= 0; c = claim(ctrl, seq)) runClaim(s, x, c);
    // Wait for the claims the helper took.
    waitUntil(ctrl, () => Atomics.load(ctrl, C_FINISHED) >= claims);
  }

  /** The best split of result `r` over the halves of the features: the first strictly best in feature order. */
  private merge(r: number, out: Float64Array, to: number): void {
    const sp = this.s.splits;
    let best = -1;
    for (let half = 0; half < PARTS; half++) {
      const at = (r * PARTS + half) * SPLIT_SIZE;
      if (sp[at + SPLIT_FEATURE] >= 0 && (best < 0 || sp[at + SPLIT_GAIN] > sp[best + SPLIT_GAIN])) best = at;
    }
    if (best >= 0) out.set(sp.subarray(best, best + SPLIT_SIZE), to);
    else out[to + SPLIT_FEATURE] = -1;
  }

  /** Posts the step in args to the helper, cut into `claims` claims; returns its number. */
  private post(claims: number): number {
    const { ctrl } = this.s;
    const seq = (this.posted = (this.posted + 1) & 0x7fff);
    Atomics.store(ctrl, C_FINISHED, 0);
    Atomics.store(ctrl, C_NEXT, (seq << 16) | (claims << 8));
    Atomics.store(ctrl, C_POSTED, seq);
    Atomics.notify(ctrl, C_POSTED);
    return seq;
  }
}

/** The helper's side: takes claims of posted steps until told to quit. */
export function serveSteps(s: SharedState): void {
  const { ctrl, args } = s;
  const x = scratchFor(s, 1);
  let seen = 0;
  try {
    for (;;) {
      let spins = 0;
      while (Atomics.load(ctrl, C_POSTED) === seen) {
        if (++spins > 20_000) Atomics.wait(ctrl, C_POSTED, seen, 1000);
      }
      const seq = (seen = Atomics.load(ctrl, C_POSTED));
      if (args[A_OP] === OP_QUIT) return;
      // Args are those of step `seq` while one of its claims is unclaimed or unfinished; work
      // done on a later step's args is never used, as its claims fail.
      for (let c = claim(ctrl, seq); c >= 0; c = claim(ctrl, seq)) runClaim(s, x, c);
    }
  } catch (e) {
    Atomics.store(ctrl, C_ERROR, 1);
    Atomics.notify(ctrl, C_FINISHED);
    throw e;
  }
}
