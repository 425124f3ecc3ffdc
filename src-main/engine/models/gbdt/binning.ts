// Histogram binning, as in XGBoost's `hist`: each feature's values are cut at up to 255
// quantiles; a value's bin is the number of cuts at or below it, so `x < cut[k]` exactly when
// `bin(x) <= k`. NaN goes to its own bin (MISSING). Values are float32, like ONNX's inputs.

export const MAX_BINS = 255;
export const MISSING = 255;

export interface Bins {
  /** Per feature, ascending float32 cut values (at most MAX_BINS - 1). */
  cuts: Float32Array[];
  /** Row-major bins: row r, feature f at r * features + f. */
  data: Uint8Array;
  rows: number;
  features: number;
}

/** Cut values from (a sample of) a column: distinct quantiles of its non-NaN values. */
export function cutsFor(column: Float32Array, maxBins = MAX_BINS, sampleSize = 200_000): Float32Array {
  const n = column.length;
  const step = n > sampleSize ? n / sampleSize : 1;
  const picked = new Float32Array(Math.ceil(n / step));
  let k = 0;
  for (let i = 0; i < n; i += step) {
    const v = column[Math.floor(i)];
    if (v === v) picked[k++] = v;
  }
  const values = picked.subarray(0, k).sort(); // typed-array sort: numeric, native
  const distinct: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i === 0 || v !== values[i - 1]) {
      distinct.push(v);
      if (distinct.length > maxBins) break; // more than a bin each: quantiles below
    }
  }
  if (distinct.length <= 1) return new Float32Array(0);
  let cuts: number[];
  if (distinct.length <= maxBins) {
    cuts = distinct.slice(1); // every value gets a bin of its own
  } else {
    cuts = [];
    for (let q = 1; q < maxBins; q++) {
      const v = values[Math.floor((q * values.length) / maxBins)];
      if (v > values[0] && (cuts.length === 0 || v > cuts[cuts.length - 1])) cuts.push(v);
    }
  }
  return Float32Array.from(cuts);
}

/** The bin of a float32 value: the number of cuts <= x (binary search). */
export function binOf(cuts: Float32Array, x: number): number {
  if (x !== x) return MISSING;
  let lo = 0;
  let hi = cuts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cuts[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Bins columns (float32) with the given cuts, row-major. */
export function binRows(columns: Float32Array[], cuts: Float32Array[]): Bins {
  const features = columns.length;
  const rows = features ? columns[0].length : 0;
  const data = new Uint8Array(rows * features);
  for (let f = 0; f < features; f++) {
    const col = columns[f];
    const c = cuts[f];
    for (let r = 0; r < rows; r++) data[r * features + f] = binOf(c, col[r]);
  }
  return { cuts, data, rows, features };
}
