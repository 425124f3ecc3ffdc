// Robust scaling for the geometric detectors (Extended Isolation Forest, kNN): each feature
// centred on its median and divided by the spread of its central 90% (the 5th to the 95th
// percentile, over 3.29 so that it is the standard deviation of a normal feature) on the fitting
// rows, so a feature in cents does not outweigh one in ratios, and the anomalies themselves do
// not widen the yardstick they are measured with, as they widen a standard deviation. A feature
// whose central 90% is one value falls back to its standard deviation. A missing value sits at
// the centre (0 after scaling).

export interface Scaling {
  center: number[];
  scale: number[];
}

/** Values a spread is estimated from at most: every k-th of a longer column (k fixed). */
const QUANTILE_VALUES = 20_000;

/** The column's present values, or every k-th of them when there are many, sorted. */
function quantileSample(col: Float32Array): Float64Array {
  const step = Math.max(1, Math.ceil(col.length / QUANTILE_VALUES));
  const out: number[] = [];
  for (let i = 0; i < col.length; i += step) if (col[i] === col[i]) out.push(col[i]);
  return Float64Array.from(out).sort();
}

/** The central 90% of a normal distribution spans 2 × 1.645 standard deviations. */
const NORMAL_SPAN = 3.29;

export function fitScaling(columns: Float32Array[]): Scaling {
  const center: number[] = [];
  const scale: number[] = [];
  for (const col of columns) {
    const xs = quantileSample(col);
    const n = xs.length;
    if (!n) {
      center.push(0);
      scale.push(1);
      continue;
    }
    const at = (q: number) => xs[Math.floor((n - 1) * q)];
    let spread = (at(0.95) - at(0.05)) / NORMAL_SPAN;
    if (!(spread > 0)) {
      let mean = 0;
      for (const v of xs) mean += v / n;
      let m2 = 0;
      for (const v of xs) m2 += (v - mean) ** 2;
      spread = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
    }
    center.push(at(0.5));
    scale.push(spread > 0 && Number.isFinite(spread) ? spread : 1);
  }
  return { center, scale };
}

/** The rows of `columns`, scaled, one after another (row r at r × features). */
export function scaledRows(columns: Float32Array[], s: Scaling): Float32Array {
  const F = columns.length;
  const n = F ? columns[0].length : 0;
  const out = new Float32Array(n * F);
  for (let f = 0; f < F; f++) {
    const col = columns[f];
    const c = s.center[f];
    const k = 1 / s.scale[f];
    for (let r = 0, at = f; r < n; r++, at += F) {
      const v = col[r];
      out[at] = v !== v ? 0 : (v - c) * k;
    }
  }
  return out;
}

/** Each column scaled (missing values at 0), as its own array. */
export const scaledColumns = (columns: Float32Array[], s: Scaling): Float32Array[] =>
  columns.map((col, f) => {
    const c = s.center[f];
    const k = 1 / s.scale[f];
    return col.map((v) => (v !== v ? 0 : (v - c) * k));
  });
