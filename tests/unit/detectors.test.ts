import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { restoreDetector } from '../../src-main/engine/models/detectors';
import { fitExtendedIsolationForest } from '../../src-main/engine/models/detectors/eif';
import { fitHbos } from '../../src-main/engine/models/detectors/hbos';
import { cFactor, fitIsolationForest } from '../../src-main/engine/models/detectors/iforest';
import { fitKnn } from '../../src-main/engine/models/detectors/knn';
import { rocAuc } from '../../src-main/engine/models/metrics';

function adbench(name: string) {
  const lines = readFileSync(path.resolve(__dirname, `../../../shared/data/adbench/${name}.csv`), 'utf8')
    .trim()
    .split('\n');
  const header = lines[0].split(',');
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const F = header.length - 1;
  return {
    names: header.slice(0, F),
    columns: Array.from({ length: F }, (_, f) => Float32Array.from(rows, (r) => r[f])),
    y: rows.map((r) => r[F]),
  };
}

describe('unsupervised detectors', () => {
  it('Isolation Forest separates the thyroid anomalies (labels unseen)', () => {
    const d = adbench('thyroid');
    const s = fitIsolationForest(d.names, d.columns, { seed: 1 }).score(d.columns);
    expect(rocAuc(s, d.y)).toBeGreaterThan(0.95);
    expect(Math.min(...s)).toBeGreaterThan(0);
    expect(Math.max(...s)).toBeLessThanOrEqual(1);
  });

  it('HBOS separates them too, and handles missing values', () => {
    const d = adbench('thyroid');
    d.columns[0] = d.columns[0].map((v, i) => (i % 10 === 0 ? NaN : v));
    const s = fitHbos(d.names, d.columns).score(d.columns);
    expect(rocAuc(s, d.y)).toBeGreaterThan(0.9);
  });

  it('has the path-length correction of the paper', () => {
    expect(cFactor(1)).toBe(0);
    expect(cFactor(2)).toBe(1);
    expect(cFactor(256)).toBeCloseTo(10.2448, 3);
  });

  it('Extended Isolation Forest and sampled nearest neighbours separate the cardio anomalies', () => {
    const d = adbench('cardio');
    for (const detector of [
      fitExtendedIsolationForest(d.names, d.columns, { seed: 1 }),
      fitKnn(d.names, d.columns, { seed: 1 }),
    ]) {
      const s = detector.score(d.columns);
      expect(rocAuc(s, d.y), detector.kind).toBeGreaterThan(0.88);
      expect(Math.min(...s)).toBeGreaterThan(0);
      expect(Math.max(...s)).toBeLessThan(1);
      // saved as plain JSON and restored, it scores the same
      const again = restoreDetector(JSON.parse(JSON.stringify(detector.serialize())));
      expect(Array.from(again.score(d.columns))).toEqual(Array.from(s));
    }
  });

  it('the geometric detectors take missing values and constant columns without NaN', () => {
    const n = 300;
    const x = Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? NaN : Math.sin(i)));
    const flat = new Float32Array(n).fill(3);
    for (const fit of [fitExtendedIsolationForest, fitKnn]) {
      const s = fit(['x', 'flat'], [x, flat], { seed: 2 }).score([
        Float32Array.of(NaN, 0.5, 40),
        Float32Array.of(3, NaN, 3),
      ]);
      expect(s.every((v) => Number.isFinite(v) && v >= 0 && v <= 1)).toBe(true);
      expect(s[2]).toBeGreaterThan(s[1]); // far outside the fitted range is the anomaly
    }
    // fitted on one row: every row is typical or not, never NaN
    const one = fitKnn(['x'], [Float32Array.of(1)]).score([Float32Array.of(1, 2)]);
    expect(Array.from(one)).toEqual([0.5, 1]);
  });
});

describe('Extended Isolation Forest trees', () => {
  it('splits by hyperplanes over several features, and its leaves count their rows', () => {
    const n = 256;
    const cols = [0, 1, 2].map((f) => Float32Array.from({ length: n }, (_, i) => Math.cos(i * (f + 1))));
    const saved = fitExtendedIsolationForest(['a', 'b', 'c'], cols, {
      trees: 20,
      seed: 4,
      dims: 3,
    }).serialize();
    if (saved.kind !== 'eif') throw new Error('not an eif');
    const w = saved;
    let oblique = 0;
    for (const t of w.trees) {
      const weights = new Float32Array(Buffer.from(t.weights, 'base64').buffer.slice(0));
      const leafRows = t.size.filter((s) => s >= 0).reduce((a, b) => a + b, 0);
      expect(leafRows).toBe(n); // every sampled row ends in exactly one leaf (psi = n)
      for (let node = 0; node < t.size.length; node++) {
        if (t.size[node] >= 0) continue;
        const k = t.slot[node] * w.dims;
        const used = [0, 1, 2].filter((j) => t.features[k + j] >= 0 && weights[k + j] !== 0);
        if (used.length > 1) oblique++;
      }
    }
    expect(oblique).toBeGreaterThan(0);
  });
});

describe('Sampled nearest neighbours', () => {
  it('measures a row of a sample as it measures the others (its own copy is passed over)', () => {
    // 8 rows in one sample of 8: each row's nearest other row is 1 away, on a line
    const x = Float32Array.from({ length: 8 }, (_, i) => i);
    const d = fitKnn(['x'], [x], { members: 1, sampleSize: 8, seed: 1 });
    const s = d.score([Float32Array.of(0, 3, 7, 3.5)]);
    expect(s[0]).toBeCloseTo(s[1], 6); // rows of the sample: distance 1 each
    expect(s[3]).toBeLessThan(s[1]); // a row between two others is nearer to them
  });
});

describe('Isolation Forest trees (as scikit-learn builds them)', () => {
  it('never splits on a feature constant in the node, keeps rows on both sides, counts leaf rows', () => {
    // 200 rows (all of them in every tree's sample): a constant column, a 0/1 column, a
    // column of few repeated values, a continuous one, and 20 identical rows
    const n = 200;
    const col = (f: (i: number) => number) =>
      Float32Array.from({ length: n }, (_, i) => (i < 20 ? f(0) : f(i)));
    const columns = [col(() => 5), col((i) => i % 2), col((i) => i % 7), col((i) => Math.sin(i) * 1e3)];
    const saved = fitIsolationForest(['c', 'b', 'r', 'x'], columns, { trees: 50, seed: 3 }).serialize();
    if (saved.kind !== 'iforest') throw new Error('not an iforest');
    let splits = 0;
    for (const t of saved.trees) {
      const visit = (node: number, rows: number[]) => {
        if (t.feature[node] < 0) {
          expect(t.size[node]).toBe(rows.length); // leaf size = its training rows, duplicates included
          return;
        }
        const f = t.feature[node];
        const vs = rows.map((r) => columns[f][r]);
        expect(f).not.toBe(0); // the constant column is never drawn
        expect(Math.max(...vs)).toBeGreaterThan(Math.min(...vs)); // nor one constant in this node
        const L = rows.filter((r) => columns[f][r] < t.split[node]);
        const R = rows.filter((r) => columns[f][r] >= t.split[node]);
        expect(L.length).toBeGreaterThan(0);
        expect(R.length).toBeGreaterThan(0);
        splits++;
        visit(t.left[node], L);
        visit(t.right[node], R);
      };
      visit(
        0,
        Array.from({ length: n }, (_, i) => i),
      );
    }
    expect(splits).toBeGreaterThan(0);
  });

  it('scores 0.5 when fitted on a single row (no NaN), as scikit-learn does', () => {
    const d = fitIsolationForest(['a', 'b'], [Float32Array.of(1), Float32Array.of(2)]);
    const rows = [Float32Array.of(1, 9), Float32Array.of(2, -9)];
    expect(Array.from(d.score(rows))).toEqual([0.5, 0.5]);
    expect(Array.from(restoreDetector(d.serialize()).score(rows))).toEqual([0.5, 0.5]);
  });
});

describe('HBOS bins', () => {
  it('puts a feature’s top value in its last bin, as when fitting', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => i); // uniform 0..999
    const s = fitHbos(['x'], [x]).score([Float32Array.of(998, 999, 5000)]);
    expect(Math.abs(s[1] - s[0])).toBeLessThan(0.05); // the top value is as ordinary as its neighbour
    expect(s[2]).toBeGreaterThan(s[1]); // a value never seen is the anomaly
  });
});

describe('saved detectors from a case', () => {
  it('are refused when their shape is not one a fit makes (a tree that loops, a feature out of range)', () => {
    const d = adbench('thyroid');
    const fits = {
      iforest: fitIsolationForest(d.names, d.columns, { trees: 3, seed: 1 }).serialize(),
      eif: fitExtendedIsolationForest(d.names, d.columns, { trees: 3, seed: 1 }).serialize(),
      knn: fitKnn(d.names, d.columns, { seed: 1 }).serialize(),
      hbos: fitHbos(d.names, d.columns).serialize(),
    };
    /** The fields the alterations touch, across the saved forms. */
    type Saved = {
      trees: { left: number[]; right: number[]; feature: number[]; features: number[] }[];
      scaling: { scale: number[] };
      k: number;
      reference: string;
      model: unknown[];
    };
    const altered = (saved: unknown, change: (x: Saved) => void) => {
      const copy = JSON.parse(JSON.stringify(saved)) as Saved;
      change(copy);
      return () => restoreDetector(copy as unknown as Parameters<typeof restoreDetector>[0]);
    };
    // a child pointing back at its parent would loop forever when scoring
    expect(altered(fits.iforest, (x) => (x.trees[0].left[0] = 0))).toThrow(
      /malformed: tree 0, node 0 has children/,
    );
    expect(altered(fits.iforest, (x) => (x.trees[1].feature[0] = 99))).toThrow(/feature it does not have/);
    expect(altered(fits.eif, (x) => (x.trees[0].features[0] = 99))).toThrow(/feature it does not have/);
    expect(altered(fits.eif, (x) => (x.trees[0].right[0] = -1))).toThrow(/children out of place/);
    expect(altered(fits.eif, (x) => (x.scaling.scale[0] = 0))).toThrow(/scaling/);
    expect(altered(fits.knn, (x) => (x.k = 0))).toThrow(/k = 0/);
    expect(altered(fits.knn, (x) => (x.reference = 'AAAA'))).toThrow(/values where/);
    expect(altered(fits.hbos, (x) => (x.model = []))).toThrow(/histograms/);
    // untouched, each restores
    for (const saved of Object.values(fits)) expect(() => restoreDetector(saved)).not.toThrow();
  });
});
