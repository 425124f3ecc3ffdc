// HBOS (Goldstein & Dengel, 2012): histogram-based outlier score, the sum over features of the
// log of inverse bin density, scaled to [0, 1] by its range on the fitting rows.
import { invalid, type Detector, type DetectorSpec } from './detector';

export interface SavedHbos {
  kind: 'hbos';
  featureNames: string[];
  n: number;
  lo: number;
  hi: number;
  model: HbosModel;
}

const BINS = 20;

export function fitHbos(featureNames: string[], columns: Float32Array[], bins = BINS): Detector {
  const n = columns.length ? columns[0].length : 0;
  const model = columns.map((col) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of col) {
      if (v !== v) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi >= lo)) lo = hi = 0; // no values at all: one empty range (and JSON-safe numbers)
    const width = hi > lo ? (hi - lo) / bins : 1;
    const counts = new Float64Array(bins).fill(0);
    let missing = 0;
    for (const v of col) {
      if (v !== v) missing++;
      else counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    }
    const maxCount = Math.max(1, ...counts);
    // density relative to the fullest bin, floored so empty bins are rare but finite
    const density = Array.from(counts, (c) => Math.max(c, 0.5) / maxCount);
    return { lo, width, density, missingDensity: Math.max(missing, 0.5) / Math.max(maxCount, 1) };
  });
  const raw0 = hbosRaw(model, n);
  let lo = Infinity;
  let hi = -Infinity;
  for (let r = 0; r < n; r++) {
    const s = raw0(columns, r);
    if (s < lo) lo = s;
    if (s > hi) hi = s;
  }
  return hbosDetector(featureNames, n, lo, hi, model);
}

type HbosModel = { lo: number; width: number; density: number[]; missingDensity: number }[];

function hbosRaw(model: HbosModel, n: number) {
  return (cols: Float32Array[], r: number) => {
    let s = 0;
    for (let f = 0; f < cols.length; f++) {
      const m = model[f];
      const v = cols[f][r];
      let d: number;
      if (v !== v) d = m.missingDensity;
      else {
        // the same bins as fitting: the range's top value belongs to the last bin
        const b = Math.min(m.density.length - 1, Math.floor((v - m.lo) / m.width));
        d = v < m.lo || v > m.lo + m.width * m.density.length ? 0.5 / Math.max(1, n) : m.density[b];
      }
      s += Math.log(1 / d);
    }
    return s;
  };
}

function hbosDetector(featureNames: string[], n: number, lo: number, hi: number, model: HbosModel): Detector {
  const raw = hbosRaw(model, n);
  return {
    kind: 'hbos',
    featureNames,
    serialize: () => ({ kind: 'hbos', featureNames, n, lo, hi, model }),
    score(cols: Float32Array[]): Float64Array {
      const m = cols.length ? cols[0].length : 0;
      const out = new Float64Array(m);
      for (let r = 0; r < m; r++)
        out[r] = Math.min(1, Math.max(0, (raw(cols, r) - lo) / Math.max(1e-12, hi - lo)));
      return out;
    },
  };
}

export const hbos: DetectorSpec<'hbos', SavedHbos> = {
  kind: 'hbos',
  params: () => ({ bins: BINS }),
  fit: (names, columns) => fitHbos(names, columns),
  restore: (saved) => {
    if (!Array.isArray(saved.model) || saved.model.length !== saved.featureNames.length)
      invalid('histograms of another width');
    for (const [f, m] of saved.model.entries())
      if (!Array.isArray(m.density) || !m.density.length || !m.density.every((v) => v > 0) || !(m.width > 0))
        invalid(`feature ${f} has no histogram`);
    return hbosDetector(saved.featureNames, saved.n, saved.lo, saved.hi, saved.model);
  },
};
