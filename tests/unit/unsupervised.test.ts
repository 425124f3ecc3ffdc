import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cFactor,
  combineScores,
  fitHbos,
  fitIsolationForest,
  percentileScale,
  restoreDetector,
} from '../../src-main/engine/models/unsupervised';
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

  it('combines models on one 0–100 axis by percentile rank', () => {
    const scale = percentileScale([1, 2, 3, 4]);
    expect([scale(0), scale(2), scale(10)]).toEqual([0, 50, 100]);
    const combined = combineScores([
      { scores: [10, 1], reference: [1, 2, 3, 10], weight: 1 },
      { scores: [0.9, 0.1], reference: [0.1, 0.2, 0.9, 0.95], weight: 3 },
    ]);
    expect(combined[0]).toBeCloseTo((100 + 3 * 75) / 4, 10);
    expect(combined[1]).toBeCloseTo((25 + 3 * 25) / 4, 10);
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
