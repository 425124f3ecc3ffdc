// TreeSHAP: exact contributions that add up to the margin, checked against Shapley values
// computed by brute force over every subset of features, on random trees (repeated features on a
// path, missing values, every branch mode), on our own exported model scored by onnxruntime-node,
// and on a real XGBoost classifier converted by onnxmltools (tests/fixtures).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { trainGbdt } from '../../src-main/engine/models/gbdt/train';
import { exportOnnx } from '../../src-main/engine/models/onnx/export';
import { openOnnx } from '../../src-main/engine/models/onnx/score';
import { expectedMargin, shapValues } from '../../src-main/engine/models/shap/tree-shap';
import {
  goesYes,
  margin,
  readShapEnsemble,
  withCovers,
  type ShapEnsemble,
  type ShapTree,
} from '../../src-main/engine/models/shap/trees';
import { rng as seeded } from '../../src-main/engine/random';

const fixtures = path.resolve(__dirname, '../fixtures');
const shared = path.resolve(__dirname, '../../../shared/data');

/** E[f(x) | the features in S are x's]: the row's branch on S, the covers' average elsewhere. */
function conditional(e: ShapEnsemble, x: ArrayLike<number>, S: Set<number>): number {
  let sum = e.base;
  for (const t of e.trees) {
    const at = (k: number): number => {
      if (t.feature[k] < 0) return t.value[k];
      if (S.has(t.feature[k])) return at(goesYes(t, k, x[t.feature[k]]) ? t.yes[k] : t.no[k]);
      return (t.cover[t.yes[k]] * at(t.yes[k]) + t.cover[t.no[k]] * at(t.no[k])) / t.cover[k];
    };
    sum += at(0);
  }
  return sum;
}

/** Shapley values by brute force over all 2^F subsets. */
function bruteShapley(e: ShapEnsemble, x: ArrayLike<number>): number[] {
  const F = e.features;
  const fact = (n: number): number => (n <= 1 ? 1 : n * fact(n - 1));
  const phi = new Array<number>(F).fill(0);
  for (let mask = 0; mask < 1 << F; mask++) {
    const S = new Set<number>();
    for (let f = 0; f < F; f++) if (mask & (1 << f)) S.add(f);
    const base = conditional(e, x, S);
    for (let f = 0; f < F; f++) {
      if (S.has(f)) continue;
      const w = (fact(S.size) * fact(F - S.size - 1)) / fact(F);
      phi[f] += w * (conditional(e, x, new Set([...S, f])) - base);
    }
  }
  return phi;
}

/** A random tree of the given depth over F features, with every mode and some missing-left. */
function randomTree(rand: () => number, F: number, depth: number): ShapTree {
  const nodes: { f: number; th: number; mode: number; yes: number; no: number; miss: number; v: number }[] =
    [];
  const grow = (d: number): number => {
    const k = nodes.length;
    nodes.push({ f: -1, th: 0, mode: 0, yes: 0, no: 0, miss: 0, v: 0 });
    if (d === 0 || (d < depth && rand() < 0.2)) {
      nodes[k].v = rand() * 2 - 1;
      return k;
    }
    // features repeat on a path: at most F distinct, often fewer
    nodes[k].f = Math.floor(rand() * F);
    nodes[k].th = Math.round(rand() * 10) / 10;
    nodes[k].mode = Math.floor(rand() * 4);
    nodes[k].miss = rand() < 0.5 ? 1 : 0;
    nodes[k].yes = grow(d - 1);
    nodes[k].no = grow(d - 1);
    return k;
  };
  grow(depth);
  const n = nodes.length;
  return {
    feature: Int32Array.from(nodes, (x) => x.f),
    threshold: Float64Array.from(nodes, (x) => x.th),
    mode: Uint8Array.from(nodes, (x) => x.mode),
    yes: Int32Array.from(nodes, (x) => x.yes),
    no: Int32Array.from(nodes, (x) => x.no),
    missingYes: Uint8Array.from(nodes, (x) => x.miss),
    value: Float64Array.from(nodes, (x) => x.v),
    cover: new Float64Array(n),
  };
}

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

describe('TreeSHAP', () => {
  it('equals Shapley values computed over every subset, on random trees with repeated features and missing values', () => {
    const rand = seeded(11);
    for (let trial = 0; trial < 12; trial++) {
      const F = 2 + (trial % 5);
      const e: ShapEnsemble = {
        trees: Array.from({ length: 1 + (trial % 4) }, () => randomTree(rand, F, 2 + (trial % 4))),
        base: rand() - 0.5,
        features: F,
        scale: 'raw',
      };
      const rows = 300;
      const columns = Array.from({ length: F }, () =>
        Float64Array.from({ length: rows }, () => (rand() < 0.1 ? NaN : rand())),
      );
      withCovers(e, columns, rows);
      for (let r = 0; r < 5; r++) {
        const x = Float64Array.from({ length: F }, () => (rand() < 0.15 ? NaN : rand()));
        const phi = shapValues(e, x);
        const brute = bruteShapley(e, x);
        for (let f = 0; f < F; f++) expect(phi[f]).toBeCloseTo(brute[f], 9);
        expect(sum(phi) + expectedMargin(e)).toBeCloseTo(margin(e, x), 9);
      }
    }
  });

  it("reads our exported model exactly: its margin is onnxruntime-node's, and the contributions add up to it", async () => {
    const rand = seeded(3);
    const N = 3000;
    const F = 6;
    const columns = Array.from({ length: F }, () => Float32Array.from({ length: N }, () => rand()));
    for (let i = 0; i < N; i += 9) columns[2][i] = NaN;
    const labels = Uint8Array.from({ length: N }, (_, i) =>
      columns[0][i] + (Number.isNaN(columns[2][i]) ? 0.5 : columns[2][i]) * columns[1][i] > 0.9 ? 1 : 0,
    );
    const names = Array.from({ length: F }, (_, f) => `x${f}`);
    // 25 trees: exported as three summed parts
    const model = trainGbdt(names, { columns, labels }, { trees: 25, maxDepth: 4, eta: 0.3 });
    const bytes = exportOnnx(model);
    const e = readShapEnsemble(bytes);
    expect(e).not.toBeNull();
    expect(e!.trees.length).toBe(25);
    expect(e!.scale).toBe('log-odds');
    withCovers(e!, columns, N);
    const scorer = await openOnnx(bytes, 'ours.onnx');
    try {
      const probs = await scorer.score(columns);
      for (let i = 0; i < N; i += 97) {
        const x = columns.map((c) => c[i]);
        const m = margin(e!, x);
        expect(1 / (1 + Math.exp(-m))).toBeCloseTo(probs[i], 5);
        expect(sum(shapValues(e!, x)) + expectedMargin(e!)).toBeCloseTo(m, 6);
      }
    } finally {
      await scorer.release();
    }
    // x0 and x1·x2 decide the label; x3..x5 are noise and get little of any row's margin
    const phis = Array.from({ length: 200 }, (_, i) =>
      shapValues(
        e!,
        columns.map((c) => c[i * 11]),
      ),
    );
    const meanAbs = (f: number) => phis.reduce((s, p) => s + Math.abs(p[f]), 0) / phis.length;
    expect(meanAbs(0)).toBeGreaterThan(5 * meanAbs(4));
    expect(meanAbs(1)).toBeGreaterThan(5 * meanAbs(5));
  });

  it('reads an XGBoost classifier converted by onnxmltools: sigmoid of its margin is what XGBoost predicted', () => {
    const expected = JSON.parse(readFileSync(path.join(fixtures, 'xgb-cardio.expected.json'), 'utf8')) as {
      features: string[];
      missing: { column: number; everyNthRow: number };
      probabilities: number[];
    };
    const lines = readFileSync(path.join(shared, 'adbench/cardio.csv'), 'utf8').trim().split('\n').slice(1);
    const rows = lines.map((l, i) =>
      l
        .split(',')
        .slice(0, expected.features.length)
        .map((v, f) =>
          f === expected.missing.column && i % expected.missing.everyNthRow === 0
            ? NaN
            : Math.fround(Number(v)),
        ),
    );
    for (const file of ['xgb-cardio.onnx', 'xgb-cardio-zipmap.onnx']) {
      const e = readShapEnsemble(new Uint8Array(readFileSync(path.join(fixtures, file))));
      expect(e, file).not.toBeNull();
      expect(e!.trees.length).toBe(40);
      expect(e!.features).toBe(21);
      expect(e!.scale).toBe('log-odds');
      const columns = expected.features.map((_, f) => Float64Array.from(rows, (r) => r[f]));
      withCovers(e!, columns, rows.length);
      for (let i = 0; i < rows.length; i += 13) {
        const m = margin(e!, rows[i]);
        expect(1 / (1 + Math.exp(-m))).toBeCloseTo(expected.probabilities[i], 5);
        expect(sum(shapValues(e!, rows[i])) + expectedMargin(e!)).toBeCloseTo(m, 6);
      }
    }
  });

  it('gives no ensemble for a model that is not one it can read exactly', () => {
    expect(
      readShapEnsemble(new Uint8Array(readFileSync(path.join(fixtures, 'linear-not-trees.onnx')))),
    ).toBeNull();
    expect(readShapEnsemble(new Uint8Array([1, 2, 3]))).toBeNull();
  });
});
