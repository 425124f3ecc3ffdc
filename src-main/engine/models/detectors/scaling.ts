// Standard scaling for the geometric detectors (Extended Isolation Forest, kNN): each feature
// centred on its mean and divided by its standard deviation on the fitting rows, so a feature in
// cents does not outweigh one in ratios. A missing value sits at the mean (0 after scaling).

export interface Scaling {
  center: number[];
  scale: number[];
}

export function fitScaling(columns: Float32Array[]): Scaling {
  const center: number[] = [];
  const scale: number[] = [];
  for (const col of columns) {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for (const v of col) {
      if (v !== v) continue;
      n++;
      const d = v - mean;
      mean += d / n;
      m2 += d * (v - mean);
    }
    const sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
    center.push(n ? mean : 0);
    scale.push(sd > 0 && Number.isFinite(sd) ? sd : 1);
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
