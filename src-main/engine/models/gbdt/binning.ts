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

/** Sorts float32 values ascending (-0 before +0, no NaN) with a two-pass radix sort of their bits. */
function sortFloat32(values: Float32Array): Float32Array {
  const n = values.length;
  const keys = new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + n * 4));
  // Order-preserving key: negatives flipped whole, positives get the sign bit set.
  for (let i = 0; i < n; i++) {
    const u = keys[i];
    keys[i] = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
  }
  const tmp = new Uint32Array(n);
  const count = new Uint32Array(65536);
  for (let i = 0; i < n; i++) count[keys[i] & 0xffff]++;
  for (let d = 0, s = 0; d < 65536; d++) {
    const c = count[d];
    count[d] = s;
    s += c;
  }
  for (let i = 0; i < n; i++) tmp[count[keys[i] & 0xffff]++] = keys[i];
  count.fill(0);
  for (let i = 0; i < n; i++) count[tmp[i] >>> 16]++;
  for (let d = 0, s = 0; d < 65536; d++) {
    const c = count[d];
    count[d] = s;
    s += c;
  }
  for (let i = 0; i < n; i++) keys[count[tmp[i] >>> 16]++] = tmp[i];
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    keys[i] = k & 0x80000000 ? (k & 0x7fffffff) >>> 0 : ~k >>> 0;
  }
  return new Float32Array(keys.buffer, 0, n);
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
  const values = sortFloat32(picked.subarray(0, k));
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

/** An order-preserving uint32 key of a float32's bits (-0 as +0, so keys compare like floats). */
const keyOf = (u: number) => (u >>> 31 ? (u === 0x80000000 ? 0x80000000 : ~u >>> 0) : (u | 0x80000000) >>> 0);

/**
 * Bins one column into out[0..n): the bin of each value under `cuts` (as binOf). The cuts are
 * looked up by the top 16 bits of the value's key, then searched among the few sharing them.
 */
export function binColumn(column: Float32Array, cuts: Float32Array, out: Uint8Array): void {
  const n = column.length;
  const m = cuts.length;
  const cutKeys = new Uint32Array(m);
  const cutBits = new Uint32Array(cuts.buffer, cuts.byteOffset, m);
  for (let i = 0; i < m; i++) cutKeys[i] = keyOf(cutBits[i]);
  // first[p]: the number of cuts whose key's top 16 bits are below p.
  const first = new Uint16Array(65537);
  for (let p = 0, c = 0; p <= 65536; p++) {
    while (c < m && cutKeys[c] >>> 16 < p) c++;
    first[p] = c;
  }
  const bits = new Uint32Array(column.buffer, column.byteOffset, n);
  for (let r = 0; r < n; r++) {
    const u = bits[r];
    if ((u & 0x7fffffff) > 0x7f800000) {
      out[r] = MISSING; // NaN
      continue;
    }
    const key = keyOf(u);
    const p = key >>> 16;
    let lo = first[p];
    let hi = first[p + 1];
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cutKeys[mid] <= key) lo = mid + 1;
      else hi = mid;
    }
    out[r] = lo;
  }
}

/** Row-major copy of column-major bins (feature f of row r at f * rows + r). */
export function transposeBins(
  cols: Uint8Array,
  rows: number,
  features: number,
  out: Uint8Array,
  from = 0,
  to = rows,
): void {
  const B = 4096; // rows per block, so the feature streams stay in cache
  for (let r0 = from; r0 < to; r0 += B) {
    const r1 = Math.min(to, r0 + B);
    for (let f = 0; f < features; f++) {
      const src = f * rows;
      for (let r = r0; r < r1; r++) out[r * features + f] = cols[src + r];
    }
  }
}

/** Bins columns (float32) with the given cuts, row-major. */
export function binRows(columns: Float32Array[], cuts: Float32Array[]): Bins {
  const features = columns.length;
  const rows = features ? columns[0].length : 0;
  const cols = new Uint8Array(rows * features);
  for (let f = 0; f < features; f++) binColumn(columns[f], cuts[f], cols.subarray(f * rows, (f + 1) * rows));
  const data = new Uint8Array(rows * features);
  transposeBins(cols, rows, features, data);
  return { cuts, data, rows, features };
}
