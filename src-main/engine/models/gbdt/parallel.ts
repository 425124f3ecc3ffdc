// Two threads for GBDT training: the trainer's thread and one helper share the training state
// in SharedArrayBuffers and split every large step between them. The rows of a tree are cut
// into two blocks (the two halves of idx at the root); each node keeps its rows in both blocks,
// and each block is partitioned and histogrammed on its own, with its own histograms (the
// subtraction trick per block). Split finding then sums the two blocks' histograms (block 0 +
// block 1, always in that order) by halves of the features. The blocks are fixed, whoever
// computes them, so the model does not depend on the number of threads. The trainer stays
// synchronous: it hands the helper a step through shared memory (Atomics), takes parts of it
// itself, then waits for the parts the helper took.
import type { Worker } from 'node:worker_threads';
import { binColumn, cutsFor, MAX_BINS, MISSING, transposeBins } from './binning';
import { sharedMemory, wasmHist, type WasmHist } from './wasm-hist';
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
  /** (gradient, hessian) of row r at 2r, 2r + 1, float32 like XGBoost's. */
  gh: Float64Array;
  /** Rows of the current tree: per block, each node a contiguous range. */
  idx: Uint32Array;
  margin: Float64Array;
  y: Uint8Array;
  nbins: Int32Array;
  useFeature: Uint8Array;
  /** Histogram slots (one block's histogram of one node), each F * FEATURE_STRIDE doubles. */
  hist: Float64Array;
  slots: number;
  /** Step arguments (see A_*). */
  args: Float64Array;
  /** Split results: [part][child] × SPLIT_SIZE. */
  splits: Float64Array;
  /** Per block: rows going left in the last split; or the block's gradient sums (root). */
  counts: Float64Array;
  /** Control words (see C_*). */
  ctrl: Int32Array;
  /**
   * The WebAssembly memory binsRow, gh, idx and hist live in (shared by both threads), for the
   * SIMD histogram kernel; null where WebAssembly threads are missing (plain SharedArrayBuffers).
   */
  mem: WebAssembly.Memory | null;
  lambda: number;
  gamma: number;
  minChildWeight: number;
}

// Control words: the step number posted by the trainer; the next part to claim (step << 8 |
// parts << 4 | part); the parts finished; an error flag the helper raises instead of answering.
const C_POSTED = 0;
const C_NEXT = 1;
const C_FINISHED = 2;
const C_ERROR = 3;

// Step arguments. A node's rows are idx[A_RANGE + 2p .. A_RANGE + 2p + 1) in block p; its
// histogram slot in block p is A_PARENT + p; A_SMALL + p is a free slot for block p.
const A_OP = 0;
const A_FEATURE = 1;
const A_CUT_BIN = 2;
const A_MISSING_LEFT = 3;
const A_GL = 4;
const A_HL = 5;
const A_GR = 6;
const A_HR = 7;
const A_POS_WEIGHT = 8;
const A_VL = 9;
const A_VR = 10;
const A_ROW_LO = 11;
const A_ROW_HI = 12;
/** 1 when the children of a split get histograms (some child may split). */
const A_BUILD = 13;
const A_RANGE = 16;
const A_PARENT = A_RANGE + 2 * PARTS;
const A_SMALL = A_PARENT + PARTS;
const ARGS = A_SMALL + PARTS;

const OP_ROOT = 2;
const OP_SPLIT = 3;
const OP_LEAVES = 4;
const OP_QUIT = 5;
const OP_BINS = 6;
const OP_TRANSPOSE = 7;

const shared = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
const align16 = (n: number) => (n + 15) & ~15;

export function createSharedState(
  N: number,
  F: number,
  slots: number,
  p: { lambda: number; gamma: number; minChildWeight: number },
): SharedState {
  // The histogram kernel's arrays in one WebAssembly memory when it can be had.
  const offBins = 0;
  const offGh = align16(offBins + N * F);
  const offIdx = align16(offGh + 16 * N);
  const offHist = align16(offIdx + 4 * N);
  const histDoubles = slots * F * FEATURE_STRIDE;
  const mem = sharedMemory(offHist + 8 * histDoubles);
  const buf = mem?.buffer as SharedArrayBuffer | undefined;
  return {
    N,
    F,
    mem,
    binsRow: buf ? new Uint8Array(buf, offBins, N * F) : new Uint8Array(shared(N * F)),
    gh: buf ? new Float64Array(buf, offGh, 2 * N) : new Float64Array(shared(16 * N)),
    idx: buf ? new Uint32Array(buf, offIdx, N) : new Uint32Array(shared(4 * N)),
    hist: buf ? new Float64Array(buf, offHist, histDoubles) : new Float64Array(shared(8 * histDoubles)),
    columns: new Float32Array(shared(4 * N * F)),
    cuts: new Float32Array(shared(4 * 256 * F)),
    cutCount: new Int32Array(shared(4 * F)),
    binsCol: new Uint8Array(shared(N * F)),
    margin: new Float64Array(shared(8 * N)),
    y: new Uint8Array(shared(N)),
    nbins: new Int32Array(shared(4 * F)),
    useFeature: new Uint8Array(shared(F)),
    slots,
    args: new Float64Array(shared(8 * ARGS)),
    splits: new Float64Array(shared(8 * PARTS * 2 * SPLIT_SIZE)),
    counts: new Float64Array(shared(8 * 2 * PARTS)),
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
function gradients(s: SharedState, posWeight: number, b: number, e: number, sums: Float64Array, at: number) {
  const { margin, y, gh, idx } = s;
  let G = 0;
  let H = 0;
  for (let k = b; k < e; k++) {
    const i = idx[k];
    const pr = 1 / (1 + Math.exp(-margin[i]));
    const w = y[i] ? posWeight : 1;
    const g = (gh[i << 1] = (pr - y[i]) * w);
    const h = (gh[(i << 1) | 1] = Math.max(pr * (1 - pr), 1e-16) * w);
    G += g;
    H += h;
  }
  sums[at] = G;
  sums[at + 1] = H;
}

/** Per bin, 1 when a row with that bin goes left under the split in `a`. */
function directions(a: Float64Array, out: Uint8Array): Uint8Array {
  const cut = a[A_CUT_BIN];
  for (let b = 0; b < 256; b++) out[b] = b <= cut ? 1 : 0;
  out[MISSING] = a[A_MISSING_LEFT] ? 1 : 0;
  return out;
}

/**
 * Stable partition of idx[begin..end) in place by feature f: the rows going left first (written
 * in place, never ahead of the reads), then the rows going right (through `right`). Returns
 * the number going left.
 */
function partition(
  s: SharedState,
  begin: number,
  end: number,
  f: number,
  dir: Uint8Array,
  right: Uint32Array,
): number {
  const { idx } = s;
  const col = s.binsCol.subarray(f * s.N, (f + 1) * s.N);
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

/** Private buffers of one thread. */
interface Scratch {
  right: Uint32Array;
  dir: Uint8Array;
  /** This thread's instance of the WebAssembly histogram kernel. */
  kernel: WasmHist | null;
}

const scratchFor = (s: SharedState): Scratch => ({
  right: new Uint32Array(s.N),
  dir: new Uint8Array(256),
  kernel: s.mem ? wasmHist(s.mem) : null,
});

/** A block's histogram of rows idx[b..e) into `view`: the SIMD kernel when there is one. */
function histogram(s: SharedState, x: Scratch, view: Float64Array, b: number, e: number): void {
  if (!x.kernel) return buildHist(view, s.binsRow, s.F, s.gh, s.idx, b, e, 0, s.F);
  view.fill(0);
  if (e > b)
    x.kernel(view.byteOffset, s.binsRow.byteOffset, s.F, s.gh.byteOffset, s.idx.byteOffset, b, e, 0, s.F);
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

/**
 * Claim `part` of the posted step, `parts` claims in all. Binning, transposing and leaves are
 * cut into PARTS claims; the root and splits into 2 * PARTS: first the blocks of rows
 * (gradients, partitions, histograms), then, once every block is done, halves of the features
 * (split finding). Split results go to splits[half][child].
 */
function runPart(s: SharedState, x: Scratch, part: number): void {
  const a = s.args;
  const op = a[A_OP];
  if (op === OP_BINS) {
    const N = s.N;
    for (
      let f = Math.floor((part * s.F) / PARTS), fHi = Math.floor(((part + 1) * s.F) / PARTS);
      f < fHi;
      f++
    ) {
      const column = s.columns.subarray(f * N, (f + 1) * N);
      const cuts = cutsFor(column, MAX_BINS);
      s.cutCount[f] = cuts.length;
      s.cuts.set(cuts, f * 256);
      binColumn(column, cuts, s.binsCol.subarray(f * N, (f + 1) * N));
    }
    return;
  }
  if (op === OP_TRANSPOSE) {
    const lo = a[A_ROW_LO];
    const rows = a[A_ROW_HI] - lo;
    transposeBins(
      s.binsCol,
      s.N,
      s.F,
      s.binsRow,
      lo + Math.floor((part * rows) / PARTS),
      lo + Math.floor(((part + 1) * rows) / PARTS),
    );
    return;
  }
  if (part < PARTS) {
    // A block of rows.
    const b = a[A_RANGE + 2 * part];
    const e = a[A_RANGE + 2 * part + 1];
    if (op === OP_ROOT) {
      gradients(s, a[A_POS_WEIGHT], b, e, s.counts, 2 * part);
      histogram(s, x, slotView(s, a[A_PARENT + part]), b, e);
    } else if (op === OP_SPLIT) {
      const nl = partition(s, b, e, a[A_FEATURE], directions(a, x.dir), x.right);
      s.counts[part] = nl;
      if (a[A_BUILD]) {
        // The smaller child of this block from its rows; the parent's slot becomes the larger.
        const small = slotView(s, a[A_SMALL + part]);
        const smallLeft = nl <= e - b - nl;
        histogram(s, x, small, smallLeft ? b : b + nl, smallLeft ? b + nl : e);
        subtractHist(slotView(s, a[A_PARENT + part]), small);
      }
    } else if (op === OP_LEAVES) {
      // Children are leaves: add their values to the margins of the node's rows.
      const col = s.binsCol.subarray(a[A_FEATURE] * s.N, (a[A_FEATURE] + 1) * s.N);
      const dir = directions(a, x.dir);
      const vl = a[A_VL];
      const vr = a[A_VR];
      const { idx, margin } = s;
      for (let k = b; k < e; k++) {
        const r = idx[k];
        margin[r] += dir[col[r]] ? vl : vr;
      }
    }
    return;
  }
  // Half of the features of the split finding.
  const half = part - PARTS;
  const fLo = Math.floor((half * s.F) / PARTS);
  const fHi = Math.floor(((half + 1) * s.F) / PARTS);
  const at = half * 2 * SPLIT_SIZE;
  const c = s.counts;
  if (op === OP_ROOT) {
    let rows = 0;
    for (let p = 0; p < PARTS; p++) rows += a[A_RANGE + 2 * p + 1] - a[A_RANGE + 2 * p];
    nodeSplit(s, a[A_PARENT], a[A_PARENT + 1], rows, c[0] + c[2], c[1] + c[3], fLo, fHi, at);
  } else if (op === OP_SPLIT) {
    // Per block, the left child's histogram is in the new slot when it was the smaller.
    const n0 = a[A_RANGE + 1] - a[A_RANGE];
    const n1 = a[A_RANGE + 3] - a[A_RANGE + 2];
    const l0 = c[0] <= n0 - c[0] ? a[A_SMALL] : a[A_PARENT];
    const r0 = c[0] <= n0 - c[0] ? a[A_PARENT] : a[A_SMALL];
    const l1 = c[1] <= n1 - c[1] ? a[A_SMALL + 1] : a[A_PARENT + 1];
    const r1 = c[1] <= n1 - c[1] ? a[A_PARENT + 1] : a[A_SMALL + 1];
    nodeSplit(s, l0, l1, c[0] + c[1], a[A_GL], a[A_HL], fLo, fHi, at);
    nodeSplit(s, r0, r1, n0 - c[0] + n1 - c[1], a[A_GR], a[A_HR], fLo, fHi, at + SPLIT_SIZE);
  }
}

/** Claims the next part of step `seq`, or -1 when the step has none left (or is over). */
function claim(ctrl: Int32Array, seq: number): number {
  for (;;) {
    const v = Atomics.load(ctrl, C_NEXT);
    if (v >>> 8 !== seq || (v & 15) >= ((v >>> 4) & 15)) return -1;
    if (Atomics.compareExchange(ctrl, C_NEXT, v, v + 1) === v) return v & 15;
  }
}

/** Waits until at least `n` parts of the current step are finished. */
function waitFinished(ctrl: Int32Array, n: number): void {
  const started = Date.now();
  for (let spins = 0; ; spins++) {
    const done = Atomics.load(ctrl, C_FINISHED);
    if (done >= n) return;
    if (Atomics.load(ctrl, C_ERROR)) throw new Error('GBDT helper thread failed');
    if (spins < 2_000) continue; // the other thread usually answers within microseconds
    Atomics.wait(ctrl, C_FINISHED, done, 100);
    if (Date.now() - started > 120_000) throw new Error('GBDT helper thread does not answer');
  }
}

/** Runs a claimed part: split finding waits for every block. */
function runClaim(s: SharedState, x: Scratch, part: number): void {
  if (part >= PARTS) waitFinished(s.ctrl, PARTS);
  runPart(s, x, part);
  Atomics.add(s.ctrl, C_FINISHED, 1);
  Atomics.notify(s.ctrl, C_FINISHED);
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
    this.x = scratchFor(s);
  }

  /**
   * Cuts and bins of every feature from s.columns into s.cuts / s.cutCount, s.binsCol and
   * s.binsRow.
   */
  bins(): Float32Array[] {
    const { s } = this;
    s.args[A_OP] = OP_BINS;
    this.run(s.N, PARTS);
    s.args[A_OP] = OP_TRANSPOSE;
    s.args[A_ROW_LO] = 0;
    s.args[A_ROW_HI] = s.N;
    this.run(s.N, PARTS);
    return Array.from({ length: s.F }, (_, f) => s.cuts.slice(f * 256, f * 256 + s.cutCount[f]));
  }

  /**
   * Gradients of the rows of the root (idx in `ranges`, per block), the root's histograms
   * into `slots` (per block) and its best split into out[0..]. Returns its gradient sums.
   */
  root(ranges: number[], slots: number[], posWeight: number, out: Float64Array): [number, number] {
    const a = this.s.args;
    a[A_OP] = OP_ROOT;
    a[A_POS_WEIGHT] = posWeight;
    this.node(ranges, slots);
    this.run(this.rows(ranges), 2 * PARTS);
    this.merge(out, 1);
    const c = this.s.counts;
    return [c[0] + c[2], c[1] + c[3]];
  }

  /**
   * Splits the node with rows in `ranges` (per block, stable: left rows first). When `build`,
   * per block builds the smaller child's histogram into `small` and turns the parent's slot
   * into the larger child's, and writes the children's best splits to out[0..] (left) and
   * out[SPLIT_SIZE..] (right); otherwise their splits are none. Returns the rows going left
   * per block; in block p, the left child's histogram is in small[p] when it has at most
   * half of the block's rows of the node.
   */
  split(
    ranges: number[],
    feature: number,
    cutBin: number,
    missingLeft: boolean,
    small: number[],
    parent: number[],
    sums: [number, number, number, number],
    build: boolean,
    out: Float64Array,
  ): number[] {
    const a = this.s.args;
    a[A_OP] = OP_SPLIT;
    this.node(ranges, parent);
    for (let p = 0; p < PARTS; p++) a[A_SMALL + p] = small[p];
    a[A_FEATURE] = feature;
    a[A_CUT_BIN] = cutBin;
    a[A_MISSING_LEFT] = missingLeft ? 1 : 0;
    a[A_GL] = sums[0];
    a[A_HL] = sums[1];
    a[A_GR] = sums[2];
    a[A_HR] = sums[3];
    a[A_BUILD] = build ? 1 : 0;
    this.run(this.rows(ranges), build ? 2 * PARTS : PARTS);
    if (build) this.merge(out, 2);
    else out[SPLIT_FEATURE] = out[SPLIT_SIZE + SPLIT_FEATURE] = -1;
    return Array.from(this.s.counts.subarray(0, PARTS));
  }

  /** Adds leaf values vl / vr to the margins of the node's rows as the split sends them. */
  leaves(ranges: number[], feature: number, cutBin: number, missingLeft: boolean, vl: number, vr: number) {
    const a = this.s.args;
    a[A_OP] = OP_LEAVES;
    this.node(ranges, null);
    a[A_FEATURE] = feature;
    a[A_CUT_BIN] = cutBin;
    a[A_MISSING_LEFT] = missingLeft ? 1 : 0;
    a[A_VL] = vl;
    a[A_VR] = vr;
    this.run(this.rows(ranges), PARTS);
  }

  close(): void {
    if (!this.helper) return;
    this.s.args[A_OP] = OP_QUIT;
    this.post(0);
    void this.helper.terminate();
  }

  private node(ranges: number[], slots: number[] | null): void {
    const a = this.s.args;
    for (let i = 0; i < 2 * PARTS; i++) a[A_RANGE + i] = ranges[i];
    if (slots) for (let p = 0; p < PARTS; p++) a[A_PARENT + p] = slots[p];
  }

  private rows(ranges: number[]): number {
    let n = 0;
    for (let p = 0; p < PARTS; p++) n += ranges[2 * p + 1] - ranges[2 * p];
    return n;
  }

  /** Runs the step in args: alone, or in parts shared with the helper. */
  private run(rows: number, parts: number): void {
    const { s, x } = this;
    if (!this.helper || rows < this.minRows) {
      for (let p = 0; p < parts; p++) runPart(s, x, p);
      return;
    }
    const { ctrl } = s;
    const seq = this.post(parts);
    for (let p = claim(ctrl, seq); p >= 0; p = claim(ctrl, seq)) runClaim(s, x, p);
    // Wait for the parts the helper claimed.
    waitFinished(ctrl, parts);
  }

  /** Best splits of `children` children over the halves: the first strictly best in feature order. */
  private merge(out: Float64Array, children: number): void {
    const sp = this.s.splits;
    for (let c = 0; c < children; c++) {
      let best = -1;
      for (let p = 0; p < PARTS; p++) {
        const at = (p * 2 + c) * SPLIT_SIZE;
        if (sp[at + SPLIT_FEATURE] >= 0 && (best < 0 || sp[at + SPLIT_GAIN] > sp[best + SPLIT_GAIN]))
          best = at;
      }
      if (best >= 0) out.set(sp.subarray(best, best + SPLIT_SIZE), c * SPLIT_SIZE);
      else out[c * SPLIT_SIZE + SPLIT_FEATURE] = -1;
    }
  }

  /** Posts the step in args to the helper, cut into `parts` claims; returns its number. */
  private post(parts: number): number {
    const { ctrl } = this.s;
    const seq = (this.posted = (this.posted + 1) & 0x3fffff);
    Atomics.store(ctrl, C_FINISHED, 0);
    Atomics.store(ctrl, C_NEXT, (seq << 8) | (parts << 4));
    Atomics.store(ctrl, C_POSTED, seq);
    Atomics.notify(ctrl, C_POSTED);
    return seq;
  }
}

/** The helper's side: takes parts of posted steps until told to quit. */
export function serveSteps(s: SharedState): void {
  const { ctrl, args } = s;
  const x = scratchFor(s);
  let seen = 0;
  try {
    for (;;) {
      let spins = 0;
      while (Atomics.load(ctrl, C_POSTED) === seen) {
        if (++spins > 2_000) Atomics.wait(ctrl, C_POSTED, seen, 1000);
      }
      const seq = (seen = Atomics.load(ctrl, C_POSTED));
      if (args[A_OP] === OP_QUIT) return;
      // Args are those of step `seq` while one of its parts is unclaimed or unfinished; work
      // done on a later step's args is never used, as its claims fail.
      for (let p = claim(ctrl, seq); p >= 0; p = claim(ctrl, seq)) runClaim(s, x, p);
    }
  } catch (e) {
    Atomics.store(ctrl, C_ERROR, 1);
    Atomics.notify(ctrl, C_FINISHED);
    throw e;
  }
}
