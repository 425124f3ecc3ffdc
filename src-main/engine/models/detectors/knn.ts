// Nearest-neighbour distance by sampling (LeSiNN: Pang, Ting & Albrecht, 2015; Sugiyama &
// Borgwardt, 2013): a row is as anomalous as it is far from its k-th nearest row in small random
// samples of the fitting rows, averaged over many samples. Small samples do what subsampling
// does for Isolation Forest: a cluster of anomalies rarely has a member in a sample, so it cannot
// mask itself, and the cost is linear (members × sample rows distances a row, no index). On the
// ADBench sets this beats the k-th neighbour among all rows by far (see the bench).
// Features are robustly scaled on the fitting rows (scaling.ts). A row of a sample finds itself at distance
// 0: an exact copy at distance 0 is passed over (once), so sampled rows are measured like the
// others. The mean distance d becomes a score in [0, 1) as d / (d + the median over fitting
// rows): 0.5 is a typical row.
import { rng as seeded } from '../../random';
import {
  checkScaling,
  invalid,
  packFloats,
  rowCount,
  unpackFloats,
  type Detector,
  type DetectorSpec,
} from './detector';
import { fitScaling, scaledRows, type Scaling } from './scaling';

export const KNN_DEFAULTS = { k: 1, members: 50, sampleSize: 4 };
/** Fitting rows scored to find the typical distance (a seeded sample when more). */
const TYPICAL_ROWS = 4096;

export interface SavedKnn {
  kind: 'knn';
  featureNames: string[];
  k: number;
  members: number;
  sampleSize: number;
  scaling: Scaling;
  /** The samples' rows, scaled, one after another (Float32, base64). */
  reference: string;
  typical: number;
}

interface KnnModel {
  k: number;
  members: number;
  sampleSize: number;
  scaling: Scaling;
  /** members × sampleSize rows of F values. */
  reference: Float32Array;
  F: number;
}

/** Mean over the members of each row's k-th nearest distance in the member's sample. */
function meanDistances(m: KnnModel, Q: Float32Array, rows: number): Float64Array {
  const { k, members, sampleSize, reference: R, F } = m;
  const best = new Float64Array(k + 1);
  const out = new Float64Array(rows);
  for (let q = 0; q < rows; q++) {
    const base = q * F;
    let total = 0;
    for (let e = 0; e < members; e++) {
      best.fill(Infinity);
      for (let s = 0, at = e * sampleSize * F; s < sampleSize; s++, at += F) {
        const worst = best[k];
        let d = 0;
        for (let f = 0; f < F && d < worst; f++) {
          const x = Q[base + f] - R[at + f];
          d += x * x;
        }
        if (d < worst) {
          let j = k;
          while (j > 0 && best[j - 1] > d) {
            best[j] = best[j - 1];
            j--;
          }
          best[j] = d;
        }
      }
      const dk = best[0] === 0 ? best[k] : best[k - 1];
      total += Math.sqrt(Number.isFinite(dk) ? dk : best[0]);
    }
    out[q] = total / members;
  }
  return out;
}

export function fitKnn(
  featureNames: string[],
  columns: Float32Array[],
  p: Partial<typeof KNN_DEFAULTS & { seed: number }> = {},
): Detector {
  const { k, members, sampleSize: wanted, seed } = { ...KNN_DEFAULTS, seed: 42, ...p };
  const n = rowCount(columns);
  const F = columns.length;
  const scaling = fitScaling(columns);
  const X = scaledRows(columns, scaling);
  const rand = seeded(seed);
  // k + 1 rows a sample at least (a row in it passes over itself); at most the fitting rows
  const sampleSize = Math.max(1, Math.min(n, Math.max(wanted, k + 1)));
  const reference = new Float32Array(members * sampleSize * F);
  const pool = Int32Array.from({ length: n }, (_, i) => i);
  for (let e = 0; e < members; e++) {
    for (let i = 0; i < sampleSize; i++) {
      const j = i + Math.floor(rand() * (n - i));
      [pool[i], pool[j]] = [pool[j], pool[i]];
      reference.set(X.subarray(pool[i] * F, pool[i] * F + F), (e * sampleSize + i) * F);
    }
  }
  const model: KnnModel = {
    k: Math.min(k, Math.max(1, sampleSize - 1)),
    members,
    sampleSize,
    scaling,
    reference,
    F,
  };
  // the typical distance: the median over (a seeded sample of) the fitting rows
  const take = Math.min(n, TYPICAL_ROWS);
  for (let i = 0; i < take && take < n; i++) {
    const j = i + Math.floor(rand() * (n - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  const probe = new Float32Array(take * F);
  for (let i = 0; i < take; i++) probe.set(X.subarray(pool[i] * F, pool[i] * F + F), i * F);
  const own = meanDistances(model, probe, take).sort();
  return knnDetector(featureNames, model, own.length ? own[own.length >> 1] : 0);
}

function knnDetector(featureNames: string[], m: KnnModel, typical: number): Detector {
  return {
    kind: 'knn',
    featureNames,
    serialize: () => ({
      kind: 'knn',
      featureNames,
      k: m.k,
      members: m.members,
      sampleSize: m.sampleSize,
      scaling: m.scaling,
      reference: packFloats(m.reference),
      typical,
    }),
    score(cols: Float32Array[]): Float64Array {
      const rows = rowCount(cols);
      const d = meanDistances(m, scaledRows(cols, m.scaling), rows);
      // d / (d + typical); with no spread among the fitting rows, any distance is anomalous
      for (let i = 0; i < rows; i++) d[i] = typical > 0 ? d[i] / (d[i] + typical) : d[i] > 0 ? 1 : 0.5;
      return d;
    },
  };
}

export const knn: DetectorSpec<'knn', SavedKnn> = {
  kind: 'knn',
  params: ({ seed }) => ({ ...KNN_DEFAULTS, seed, scaled: 'robust (median, central 90%)' }),
  fit: (names, columns, { seed }) => fitKnn(names, columns, { seed }),
  restore: (saved) => {
    const F = saved.featureNames.length;
    checkScaling(saved.scaling, F);
    if (!(Number.isInteger(saved.members) && saved.members >= 1 && Number.isInteger(saved.sampleSize)))
      invalid('no samples');
    if (!(Number.isInteger(saved.k) && saved.k >= 1 && saved.k <= saved.sampleSize))
      invalid(`k = ${saved.k} for samples of ${saved.sampleSize}`);
    if (!(Number.isFinite(saved.typical) && saved.typical >= 0))
      invalid('a typical distance that is not one');
    const reference = unpackFloats(
      saved.reference,
      saved.members * saved.sampleSize * F,
      'nearest-neighbour samples',
    );
    return knnDetector(
      saved.featureNames,
      {
        k: saved.k,
        members: saved.members,
        sampleSize: saved.sampleSize,
        scaling: saved.scaling,
        reference,
        F,
      },
      saved.typical,
    );
  },
};
