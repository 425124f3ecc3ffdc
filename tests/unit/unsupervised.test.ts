import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cFactor,
  combineScores,
  fitHbos,
  fitIsolationForest,
  percentileScale,
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

describe('HBOS bins', () => {
  it('puts a feature’s top value in its last bin, as when fitting', () => {
    const x = Float32Array.from({ length: 1000 }, (_, i) => i); // uniform 0..999
    const s = fitHbos(['x'], [x]).score([Float32Array.of(998, 999, 5000)]);
    expect(Math.abs(s[1] - s[0])).toBeLessThan(0.05); // the top value is as ordinary as its neighbour
    expect(s[2]).toBeGreaterThan(s[1]); // a value never seen is the anomaly
  });
});
