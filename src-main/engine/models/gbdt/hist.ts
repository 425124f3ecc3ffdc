// The hot kernels of histogram GBDT, on plain typed arrays so that a helper thread can run
// them too: histogram building over a node's rows, histogram subtraction, and split finding.
// Histograms are built per block of rows (two threads each take a block); split finding works
// on a range of features [fLo, fHi) of the sum of the two blocks' histograms, always summed in
// the same order, so the model does not depend on which thread did what.

/** Doubles per feature in a histogram: 256 bins × (gradient, hessian). */
export const FEATURE_STRIDE = 512;
const MISSING_OFFSET = 255 << 1;

/**
 * Sums gradients and hessians of rows idx[begin..end) into hist, per feature in [fLo, fHi).
 * `bins` is row-major (row r, feature f at r * F + f); gh holds (g, h) of row r at 2r, 2r + 1.
 */
export function buildHist(
  hist: Float64Array,
  bins: Uint8Array,
  F: number,
  gh: Float64Array,
  idx: Uint32Array,
  begin: number,
  end: number,
  fLo: number,
  fHi: number,
): void {
  hist.fill(0, fLo * FEATURE_STRIDE, fHi * FEATURE_STRIDE);
  let k = begin;
  // Four rows at a time: independent additions overlap in the pipeline. Each bin still
  // receives its rows in order.
  for (; k + 3 < end; k += 4) {
    const r0 = idx[k];
    const r1 = idx[k + 1];
    const r2 = idx[k + 2];
    const r3 = idx[k + 3];
    const g0 = gh[r0 << 1];
    const h0 = gh[(r0 << 1) | 1];
    const g1 = gh[r1 << 1];
    const h1 = gh[(r1 << 1) | 1];
    const g2 = gh[r2 << 1];
    const h2 = gh[(r2 << 1) | 1];
    const g3 = gh[r3 << 1];
    const h3 = gh[(r3 << 1) | 1];
    const b0 = r0 * F;
    const b1 = r1 * F;
    const b2 = r2 * F;
    const b3 = r3 * F;
    for (let f = fLo; f < fHi; f++) {
      const o = f << 9;
      const i0 = o | (bins[b0 + f] << 1);
      hist[i0] += g0;
      hist[i0 + 1] += h0;
      const i1 = o | (bins[b1 + f] << 1);
      hist[i1] += g1;
      hist[i1 + 1] += h1;
      const i2 = o | (bins[b2 + f] << 1);
      hist[i2] += g2;
      hist[i2 + 1] += h2;
      const i3 = o | (bins[b3 + f] << 1);
      hist[i3] += g3;
      hist[i3 + 1] += h3;
    }
  }
  for (; k < end; k++) {
    const r = idx[k];
    const g = gh[r << 1];
    const h = gh[(r << 1) | 1];
    const base = r * F;
    for (let f = fLo; f < fHi; f++) {
      const i = (f << 9) | (bins[base + f] << 1);
      hist[i] += g;
      hist[i + 1] += h;
    }
  }
}

/** parent -= small: the parent's histogram becomes the sibling's. */
export function subtractHist(parent: Float64Array, small: Float64Array): void {
  for (let i = 0, e = parent.length; i < e; i++) parent[i] -= small[i];
}

/** Fields of a split written by bestSplit, at out[at + ...]. */
export const SPLIT_GAIN = 0;
export const SPLIT_FEATURE = 1;
export const SPLIT_BIN = 2;
export const SPLIT_MISSING_LEFT = 3;
export const SPLIT_GL = 4;
export const SPLIT_HL = 5;
export const SPLIT_SIZE = 6;

export interface SplitParams {
  lambda: number;
  gamma: number;
  minChildWeight: number;
}

/**
 * The best split of a node whose histogram is h0 + h1 (two blocks of rows), over features
 * [fLo, fHi): the first strictly best gain above 1e-12, features in order, bins ascending,
 * missing right before missing left. Writes feature -1 when there is none.
 */
export function bestSplit(
  h0: Float64Array,
  h1: Float64Array,
  nbins: Int32Array,
  useFeature: Uint8Array,
  fLo: number,
  fHi: number,
  G: number,
  H: number,
  sp: SplitParams,
  out: Float64Array,
  at: number,
): void {
  const lambda = sp.lambda;
  const mcw = sp.minChildWeight;
  const parent = (G * G) / (H + lambda);
  let best = 1e-12;
  let bf = -1;
  let bk = 0;
  let bm = 0;
  let bgl = 0;
  let bhl = 0;
  for (let f = fLo; f < fHi; f++) {
    const nb = nbins[f];
    if (!useFeature[f] || nb < 2) continue;
    const base = f << 9;
    const gm = h0[base + MISSING_OFFSET] + h1[base + MISSING_OFFSET];
    const hm = h0[base + MISSING_OFFSET + 1] + h1[base + MISSING_OFFSET + 1];
    const withMissing = hm !== 0; // no missing rows: both directions give the same gain
    let GL = 0;
    let HL = 0;
    for (let k = 0; k < nb - 1; k++) {
      const i = base + (k << 1);
      const g = h0[i] + h1[i];
      const h = h0[i + 1] + h1[i + 1];
      // An empty bin leaves GL and HL as they were: the gains of the cut before it again,
      // which cannot be strictly better (deep nodes have mostly empty bins).
      if (g === 0 && h === 0 && k > 0) continue;
      GL += g;
      HL += h;
      for (let m = 0; m < 2; m++) {
        if (m === 1 && !withMissing) break;
        const gl = m ? GL + gm : GL;
        const hl = m ? HL + hm : HL;
        const gr = G - gl;
        const hr = H - hl;
        if (hl < mcw || hr < mcw) continue;
        const gain = 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parent) - sp.gamma;
        if (gain > best) {
          best = gain;
          bf = f;
          bk = k;
          bm = m;
          bgl = gl;
          bhl = hl;
        }
      }
    }
  }
  out[at + SPLIT_GAIN] = best;
  out[at + SPLIT_FEATURE] = bf;
  out[at + SPLIT_BIN] = bk;
  out[at + SPLIT_MISSING_LEFT] = bm;
  out[at + SPLIT_GL] = bgl;
  out[at + SPLIT_HL] = bhl;
}
