// Two threads for GBDT training: the trainer's thread and one helper share the training state
// in SharedArrayBuffers and split every large step between them: gradients by halves of the
// rows, histograms and split finding by halves of the features. Each half is computed exactly
// as one thread would compute it (same rows, same order), so the model does not depend on the
// number of threads. The trainer stays synchronous: it hands the helper a step through shared
// memory (Atomics), does its own half, then waits for the helper's.
import type { Worker } from 'node:worker_threads';
import { binColumn, cutsFor, MAX_BINS, MISSING, transposeBins } from './binning';
import {
  bestSplit,
  buildHist,
  FEATURE_STRIDE,
  SPLIT_FEATURE,
  SPLIT_GAIN,
  SPLIT_SIZE,
  subtractHist,
} from './hist';

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
  /** Rows of the current tree, each node a contiguous range. */
  idx: Uint32Array;
  margin: Float64Array;
  y: Uint8Array;
  nbins: Int32Array;
  useFeature: Uint8Array;
  /** Histogram slots, each F * FEATURE_STRIDE doubles, in one buffer. */
  hist: Float64Array;
  slots: number;
  /** Step arguments (see A_*). */
  args: Float64Array;
  /** Split results: [part][child] × SPLIT_SIZE. */
  splits: Float64Array;
  /** Control words (see C_*). */
  ctrl: Int32Array;
  lambda: number;
  gamma: number;
  minChildWeight: number;
}

// Control words: the step number posted by the trainer; the next part to claim (step << 8 |
// part); the parts finished; an error flag the helper raises instead of answering.
const C_POSTED = 0;
const C_NEXT = 1;
const C_FINISHED = 2;
const C_ERROR = 3;

/**
 * A shared step is cut into PARTS parts (features or rows); each thread claims the next
 * unclaimed part until none is left. A helper that is slow to wake (a busy machine) just
 * claims fewer parts; the trainer never waits for a part nobody has started.
 */
const PARTS = 2;

// Step arguments.
const A_OP = 0;
const A_BEGIN = 1;
const A_END = 2;
const A_SLOT = 3; // slot of the node (root) or of the smaller child (split)
const A_PARENT = 4;
const A_FEATURE = 5;
const A_CUT_BIN = 6;
const A_MISSING_LEFT = 7;
const A_GL = 8;
const A_HL = 9;
const A_GR = 10;
const A_HR = 11;
const A_POS_WEIGHT = 12;
const A_ROW_LO = 13;
const A_ROW_HI = 14;
const A_VL = 15;
const A_VR = 16;
const ARGS = 24;

const OP_GRADIENTS = 1;
const OP_ROOT = 2;
const OP_SPLIT = 3;
const OP_LEAVES = 4;
const OP_QUIT = 5;
const OP_BINS = 6;
const OP_TRANSPOSE = 7;

const shared = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));

export function createSharedState(
  N: number,
  F: number,
  slots: number,
  p: { lambda: number; gamma: number; minChildWeight: number },
): SharedState {
  return {
    N,
    F,
    columns: new Float32Array(shared(4 * N * F)),
    cuts: new Float32Array(shared(4 * 256 * F)),
    cutCount: new Int32Array(shared(4 * F)),
    binsRow: new Uint8Array(shared(N * F)),
    binsCol: new Uint8Array(shared(N * F)),
    gh: new Float64Array(shared(16 * N)),
    idx: new Uint32Array(shared(4 * N)),
    margin: new Float64Array(shared(8 * N)),
    y: new Uint8Array(shared(N)),
    nbins: new Int32Array(shared(4 * F)),
    useFeature: new Uint8Array(shared(F)),
    hist: new Float64Array(shared(8 * slots * F * FEATURE_STRIDE)),
    slots,
    args: new Float64Array(shared(8 * ARGS)),
    splits: new Float64Array(shared(8 * PARTS * 2 * SPLIT_SIZE)),
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

/** Gradients and hessians of logistic loss for rows [lo, hi). */
function gradients(s: SharedState, posWeight: number, lo: number, hi: number): void {
  const { margin, y, gh } = s;
  for (let i = lo; i < hi; i++) {
    const pr = 1 / (1 + Math.exp(-margin[i]));
    const w = y[i] ? posWeight : 1;
    gh[i << 1] = (pr - y[i]) * w;
    gh[(i << 1) | 1] = Math.max(pr * (1 - pr), 1e-16) * w;
  }
}

/** Per bin, 1 when a row with that bin goes left under the split in `a`. */
function directions(a: Float64Array, out: Uint8Array): Uint8Array {
  const cut = a[A_CUT_BIN];
  for (let b = 0; b < 256; b++) out[b] = b <= cut ? 1 : 0;
  out[MISSING] = a[A_MISSING_LEFT] ? 1 : 0;
  return out;
}

/** Stable partition of idx[begin..end) into left[0..nl) and right[0..nr); returns nl. */
function partition(
  s: SharedState,
  begin: number,
  end: number,
  f: number,
  dir: Uint8Array,
  left: Uint32Array,
  right: Uint32Array,
): number {
  const { idx } = s;
  const col = s.binsCol.subarray(f * s.N, (f + 1) * s.N);
  let nl = 0;
  let nr = 0;
  for (let k = begin; k < end; k++) {
    // Branch-free: write both, advance one.
    const r = idx[k];
    const d = dir[col[r]];
    left[nl] = r;
    right[nr] = r;
    nl += d;
    nr += 1 - d;
  }
  return nl;
}

/** Best split of a child over [fLo, fHi) into splits[half][c], or none when it cannot split. */
function childSplit(
  s: SharedState,
  slot: number,
  rows: number,
  G: number,
  H: number,
  fLo: number,
  fHi: number,
  at: number,
): void {
  if (slot < 0 || rows < 2) {
    s.splits[at + SPLIT_FEATURE] = -1;
    return;
  }
  bestSplit(slotView(s, slot), s.nbins, s.useFeature, fLo, fHi, G, H, s, s.splits, at);
}

/** Private buffers of one thread. */
interface Scratch {
  left: Uint32Array;
  right: Uint32Array;
  /** Rows going left in the last partition. */
  nl: number;
  dir: Uint8Array;
}

const scratchFor = (N: number): Scratch => ({
  left: new Uint32Array(N),
  right: new Uint32Array(N),
  nl: 0,
  dir: new Uint8Array(256),
});

/** A thread's own work before it takes parts of a step: the partition of a split. */
function prepare(s: SharedState, x: Scratch): void {
  const a = s.args;
  if (a[A_OP] !== OP_SPLIT) return;
  x.nl = partition(s, a[A_BEGIN] | 0, a[A_END] | 0, a[A_FEATURE] | 0, directions(a, x.dir), x.left, x.right);
}

/**
 * Part `part` of `parts` of the posted step: a range of features (bins, histograms, splits)
 * or of rows (transpose, gradients, leaves). Split results go to splits[part][child].
 */
function runPart(s: SharedState, x: Scratch, part: number, parts: number): void {
  const a = s.args;
  const op = a[A_OP];
  const fLo = Math.floor((part * s.F) / parts);
  const fHi = Math.floor(((part + 1) * s.F) / parts);
  const lo = a[A_ROW_LO] | 0;
  const rows = (a[A_ROW_HI] | 0) - lo;
  const rLo = lo + Math.floor((part * rows) / parts);
  const rHi = lo + Math.floor(((part + 1) * rows) / parts);
  const at = part * 2 * SPLIT_SIZE;
  if (op === OP_BINS) {
    const N = s.N;
    for (let f = fLo; f < fHi; f++) {
      const column = s.columns.subarray(f * N, (f + 1) * N);
      const cuts = cutsFor(column, MAX_BINS);
      s.cutCount[f] = cuts.length;
      s.cuts.set(cuts, f * 256);
      binColumn(column, cuts, s.binsCol.subarray(f * N, (f + 1) * N));
    }
  } else if (op === OP_TRANSPOSE) {
    transposeBins(s.binsCol, s.N, s.F, s.binsRow, rLo, rHi);
  } else if (op === OP_GRADIENTS) {
    gradients(s, a[A_POS_WEIGHT], rLo, rHi);
  } else if (op === OP_ROOT) {
    const slot = a[A_SLOT] | 0;
    buildHist(slotView(s, slot), s.binsRow, s.F, s.gh, s.idx, a[A_BEGIN] | 0, a[A_END] | 0, fLo, fHi);
    childSplit(s, slot, (a[A_END] | 0) - (a[A_BEGIN] | 0), a[A_GL], a[A_HL], fLo, fHi, at);
  } else if (op === OP_SPLIT) {
    // Build the smaller child from this thread's partition; the parent becomes the larger.
    const nl = x.nl;
    const nr = (a[A_END] | 0) - (a[A_BEGIN] | 0) - nl;
    const small = a[A_SLOT] | 0;
    const parent = a[A_PARENT] | 0;
    const smallLeft = nl <= nr;
    const h = slotView(s, small);
    buildHist(h, s.binsRow, s.F, s.gh, smallLeft ? x.left : x.right, 0, smallLeft ? nl : nr, fLo, fHi);
    subtractHist(slotView(s, parent), h, fLo, fHi);
    const [sl, sr] = smallLeft ? [small, parent] : [parent, small];
    childSplit(s, sl, nl, a[A_GL], a[A_HL], fLo, fHi, at);
    childSplit(s, sr, nr, a[A_GR], a[A_HR], fLo, fHi, at + SPLIT_SIZE);
  } else if (op === OP_LEAVES) {
    // Children are leaves: add their values to the margins of the node's rows.
    const f = a[A_FEATURE] | 0;
    const dir = directions(a, x.dir);
    const value = new Float64Array([a[A_VR], a[A_VL]]);
    const { idx, margin } = s;
    const col = s.binsCol.subarray(f * s.N, (f + 1) * s.N);
    for (let k = rLo; k < rHi; k++) {
      const r = idx[k];
      margin[r] += value[dir[col[r]]];
    }
  }
}

/** Claims the next part of step `seq`, or -1 when the step has none left (or is over). */
function claim(ctrl: Int32Array, seq: number): number {
  for (;;) {
    const v = Atomics.load(ctrl, C_NEXT);
    if (v >>> 8 !== seq || (v & 255) >= PARTS) return -1;
    if (Atomics.compareExchange(ctrl, C_NEXT, v, v + 1) === v) return v & 255;
  }
}

/** The trainer's side: runs steps on one thread or shares them with a helper. */
export class Stepper {
  private posted = 0;
  private parts = 1;
  private readonly x: Scratch;

  constructor(
    readonly s: SharedState,
    private readonly helper: Worker | null,
    /** Steps over fewer rows than this are not worth a hand-over. */
    private readonly minRows = 8192,
  ) {
    this.x = scratchFor(s.N);
  }

  /**
   * Cuts and bins of every feature from s.columns into s.cuts / s.cutCount, s.binsCol and
   * s.binsRow.
   */
  bins(): Float32Array[] {
    const { s } = this;
    s.args[A_OP] = OP_BINS;
    this.run(s.N);
    s.args[A_OP] = OP_TRANSPOSE;
    s.args[A_ROW_LO] = 0;
    s.args[A_ROW_HI] = s.N;
    this.run(s.N);
    return Array.from({ length: s.F }, (_, f) => s.cuts.slice(f * 256, f * 256 + s.cutCount[f]));
  }

  /** Gradients and hessians of all rows from the margins. */
  gradients(posWeight: number): void {
    const a = this.s.args;
    a[A_OP] = OP_GRADIENTS;
    a[A_POS_WEIGHT] = posWeight;
    a[A_ROW_LO] = 0;
    a[A_ROW_HI] = this.s.N;
    this.run(this.s.N);
  }

  /** The root's histogram over idx[0..n) into `slot`, and its best split into out[0..]. */
  root(n: number, slot: number, G: number, H: number, out: Float64Array): void {
    const a = this.s.args;
    a[A_OP] = OP_ROOT;
    a[A_BEGIN] = 0;
    a[A_END] = n;
    a[A_SLOT] = slot;
    a[A_GL] = G;
    a[A_HL] = H;
    this.run(n);
    this.merge(out, 1);
  }

  /**
   * Splits the node idx[begin..end) (stable: left rows first), builds the smaller child's
   * histogram into `small` and turns the parent's slot into the larger child's; writes the
   * children's best splits to out[0..] (left) and out[SPLIT_SIZE..] (right). Returns the
   * number of rows going left; the smaller child is the left one when nl <= nr.
   */
  split(
    begin: number,
    end: number,
    feature: number,
    cutBin: number,
    missingLeft: boolean,
    small: number,
    parent: number,
    sums: [number, number, number, number],
    out: Float64Array,
  ): number {
    const a = this.s.args;
    a[A_OP] = OP_SPLIT;
    a[A_BEGIN] = begin;
    a[A_END] = end;
    a[A_FEATURE] = feature;
    a[A_CUT_BIN] = cutBin;
    a[A_MISSING_LEFT] = missingLeft ? 1 : 0;
    a[A_SLOT] = small;
    a[A_PARENT] = parent;
    a[A_GL] = sums[0];
    a[A_HL] = sums[1];
    a[A_GR] = sums[2];
    a[A_HR] = sums[3];
    this.run(end - begin);
    this.merge(out, 2);
    const { idx } = this.s;
    const nl = this.x.nl;
    idx.set(this.x.left.subarray(0, nl), begin);
    idx.set(this.x.right.subarray(0, end - begin - nl), begin + nl);
    return nl;
  }

  /** Adds leaf values vl / vr to the margins of idx[begin..end) as the split sends them. */
  leaves(
    begin: number,
    end: number,
    feature: number,
    cutBin: number,
    missingLeft: boolean,
    vl: number,
    vr: number,
  ) {
    const a = this.s.args;
    a[A_OP] = OP_LEAVES;
    a[A_FEATURE] = feature;
    a[A_CUT_BIN] = cutBin;
    a[A_MISSING_LEFT] = missingLeft ? 1 : 0;
    a[A_VL] = vl;
    a[A_VR] = vr;
    a[A_ROW_LO] = begin;
    a[A_ROW_HI] = end;
    // One pass of additions: cheaper here than a hand-over.
    this.parts = 1;
    runPart(this.s, this.x, 0, 1);
  }

  close(): void {
    if (!this.helper) return;
    this.s.args[A_OP] = OP_QUIT;
    this.post();
    void this.helper.terminate();
  }

  /** Runs the step in args: alone, or in parts shared with the helper. */
  private run(rows: number): void {
    const { s, x } = this;
    if (!this.helper || rows < this.minRows) {
      this.parts = 1;
      prepare(s, x);
      runPart(s, x, 0, 1);
      return;
    }
    this.parts = PARTS;
    const { ctrl } = s;
    const seq = this.post();
    prepare(s, x);
    for (let p = claim(ctrl, seq); p >= 0; p = claim(ctrl, seq)) {
      runPart(s, x, p, PARTS);
      Atomics.add(ctrl, C_FINISHED, 1);
    }
    // Wait for the parts the helper claimed.
    const started = Date.now();
    for (let spins = 0; ; spins++) {
      const done = Atomics.load(ctrl, C_FINISHED);
      if (done === PARTS) return;
      if (Atomics.load(ctrl, C_ERROR)) throw new Error('GBDT helper thread failed');
      if (spins < 2_000) continue; // the helper usually answers within microseconds
      Atomics.wait(ctrl, C_FINISHED, done, 100);
      if (Date.now() - started > 120_000) throw new Error('GBDT helper thread does not answer');
    }
  }

  /** Best splits of `children` children over the parts: the first strictly best in feature order. */
  private merge(out: Float64Array, children: number): void {
    const sp = this.s.splits;
    for (let c = 0; c < children; c++) {
      let best = -1;
      for (let p = 0; p < this.parts; p++) {
        const at = (p * 2 + c) * SPLIT_SIZE;
        if (sp[at + SPLIT_FEATURE] >= 0 && (best < 0 || sp[at + SPLIT_GAIN] > sp[best + SPLIT_GAIN]))
          best = at;
      }
      if (best >= 0) out.set(sp.subarray(best, best + SPLIT_SIZE), c * SPLIT_SIZE);
      else out[c * SPLIT_SIZE + SPLIT_FEATURE] = -1;
    }
  }

  /** Posts the step in args to the helper; returns its number. */
  private post(): number {
    const { ctrl } = this.s;
    const seq = (this.posted = (this.posted + 1) & 0x3fffff);
    Atomics.store(ctrl, C_FINISHED, 0);
    Atomics.store(ctrl, C_NEXT, seq << 8);
    Atomics.store(ctrl, C_POSTED, seq);
    Atomics.notify(ctrl, C_POSTED);
    return seq;
  }
}

/** The helper's side: takes parts of posted steps until told to quit. */
export function serveSteps(s: SharedState): void {
  const { ctrl, args } = s;
  const x = scratchFor(s.N);
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
      const next = Atomics.load(ctrl, C_NEXT);
      if (next >>> 8 !== seq || (next & 255) >= PARTS) continue;
      prepare(s, x);
      for (let p = claim(ctrl, seq); p >= 0; p = claim(ctrl, seq)) {
        runPart(s, x, p, PARTS);
        Atomics.add(ctrl, C_FINISHED, 1);
        Atomics.notify(ctrl, C_FINISHED);
      }
    }
  } catch (e) {
    Atomics.store(ctrl, C_ERROR, 1);
    Atomics.notify(ctrl, C_FINISHED);
    throw e;
  }
}
