import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { binColumn, binOf, cutsFor, MAX_BINS } from '../../src-main/engine/models/gbdt/binning';
import { batchPlan, predictProba, trainGbdt } from '../../src-main/engine/models/gbdt/train';
import { bestF1Threshold, metricsAt, prAuc, rocAuc } from '../../src-main/engine/models/metrics';
import { rng } from '../../src-main/engine/random';
import { buildHist, FEATURE_STRIDE } from '../../src-main/engine/models/gbdt/hist';
import { sharedMemory, wasmKernels } from '../../src-main/engine/models/gbdt/wasm-kernels';
import { KERNELS_WASM } from '../../src-main/engine/models/gbdt/kernels-wasm';
import { BYTES_FILE, bytesModule, compileKernels } from '../../scripts/kernels';
import { createSharedState, gradients, partition } from '../../src-main/engine/models/gbdt/parallel';

const shared = path.resolve(__dirname, '../../../shared/data');

/** A CSV of numbers with a header; the label column last. */
function loadCsv(
  file: string,
  label: string,
): { names: string[]; columns: Float32Array[]; y: Uint8Array; time?: Float64Array } {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const li = header.indexOf(label);
  const names = header.filter((_, i) => i !== li);
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  const columns = names.map((n) => Float32Array.from(rows, (r) => r[header.indexOf(n)]));
  return { names, columns, y: Uint8Array.from(rows, (r) => (r[li] ? 1 : 0)) };
}

function split<T extends { columns: Float32Array[]; y: Uint8Array }>(
  d: T,
  order: Uint32Array,
  from: number,
  to: number,
) {
  const idx = order.subarray(from, to);
  return {
    columns: d.columns.map((c) => Float32Array.from(idx, (i) => c[i])),
    labels: Uint8Array.from(idx, (i) => d.y[i]),
  };
}

describe('metrics', () => {
  it('match hand-worked values', () => {
    const s = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4];
    const y = [1, 0, 1, 1, 0, 0];
    expect(rocAuc(s, y)).toBeCloseTo(7 / 9, 12);
    expect(prAuc(s, y)).toBeCloseTo((1 / 3) * 1 + (1 / 3) * (2 / 3) + (1 / 3) * (3 / 4), 12);
    expect(rocAuc([0.5, 0.5], [1, 0])).toBe(0.5); // ties count half
    const m = metricsAt(s, y, bestF1Threshold(s, y));
    expect(m.threshold).toBeCloseTo(0.55, 12); // halfway from 0.6 (best F1) to the next score, 0.5
    expect(m.confusion).toEqual({ tp: 3, fp: 1, tn: 2, fn: 0 });
    expect(m.f1).toBeCloseTo(6 / 7, 12);
  });
});

describe('gradient-boosted trees', () => {
  it('learns the credit-card fraud set, tested on the later 20% by time', () => {
    const d = loadCsv(
      path.join(shared, 'creditcard/creditcard_balanced_473fraud_473normal_scaledTimeAmount.csv'),
      'Class',
    );
    const t = d.columns[d.names.indexOf('Time')];
    const order = new Uint32Array(d.y.length).map((_, i) => i).sort((a, b) => t[a] - t[b]);
    const cut = Math.floor(order.length * 0.8);
    const train = split(d, order, 0, cut);
    const test = split(d, order, cut, order.length);
    const model = trainGbdt(d.names, train, { trees: 100, maxDepth: 4, eta: 0.1 });
    const p = predictProba(model, test.columns);
    expect(rocAuc(p, test.labels)).toBeGreaterThan(0.96);
    expect(model.trees.length).toBe(100);
  });

  it('uses missing values, class weights, subsampling and early stopping', () => {
    const r = rng(5);
    const n = 4000;
    const x0 = new Float32Array(n);
    const x1 = new Float32Array(n);
    const y = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      x0[i] = r() < 0.2 ? NaN : r() * 10;
      x1[i] = r();
      y[i] = (x0[i] !== x0[i] && x1[i] > 0.5) || x0[i] > 9 ? 1 : 0; // missing carries signal
    }
    const train = { columns: [x0.subarray(0, 3000), x1.subarray(0, 3000)], labels: y.subarray(0, 3000) };
    const val = { columns: [x0.subarray(3000), x1.subarray(3000)], labels: y.subarray(3000) };
    const model = trainGbdt(
      ['x0', 'x1'],
      train,
      {
        trees: 300,
        maxDepth: 3,
        eta: 0.3,
        subsample: 0.8,
        colsample: 1,
        scalePosWeight: 'balanced',
        earlyStoppingRounds: 10,
      },
      { validation: val },
    );
    expect(model.trees.length).toBeLessThan(300); // stopped early
    expect(model.trees.length).toBe(model.bestIteration);
    expect(model.trees.some((t) => t.missingLeft.some((m, k) => m && t.feature[k] === 0))).toBe(true);
    expect(rocAuc(predictProba(model, val.columns), val.labels)).toBeGreaterThan(0.99);
    const again = trainGbdt(['x0', 'x1'], train, { trees: 20, subsample: 0.8, seed: 9 });
    const twice = trainGbdt(['x0', 'x1'], train, { trees: 20, subsample: 0.8, seed: 9 });
    expect(twice.trees).toEqual(again.trees); // reproducible with a seed
  });
});

describe('gradient-boosted trees on two threads', () => {
  // Rows enough that the helper thread takes half of the big steps (binning, gradients,
  // histograms, split finding, leaves).
  const r = rng(11);
  const n = 30_000;
  const F = 6;
  const columns = Array.from({ length: F }, () => new Float32Array(n));
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < F; f++)
      columns[f][i] = r() < 0.05 * f ? NaN : f === 2 ? Math.round(r() * 8) : r() * 4 - 2;
    const x0 = columns[0][i];
    const x3 = columns[3][i];
    labels[i] = x0 * x0 + (x3 !== x3 ? 1.5 : x3) + r() > 2.2 ? 1 : 0;
  }
  const names = columns.map((_, f) => `x${f}`);
  const train = { columns: columns.map((c) => c.subarray(0, 24_000)), labels: labels.subarray(0, 24_000) };
  const validation = { columns: columns.map((c) => c.subarray(24_000)), labels: labels.subarray(24_000) };

  it('give exactly the model of one thread, with sampling, class weights and early stopping', () => {
    const params = {
      trees: 25,
      maxDepth: 5,
      subsample: 0.9,
      colsample: 0.8,
      scalePosWeight: 'balanced' as const,
      earlyStoppingRounds: 5,
      seed: 3,
    };
    const one = trainGbdt(names, train, params, { validation, threads: 1 });
    const two = trainGbdt(names, train, params, { validation, threads: 2 });
    expect(two.trees).toEqual(one.trees);
    expect(two.validationLoss).toEqual(one.validationLoss);
    expect(two.baseScore).toBe(one.baseScore);
    const full = { trees: 15, maxDepth: 6 };
    expect(trainGbdt(names, train, full, { threads: 2 }).trees).toEqual(
      trainGbdt(names, train, full, { threads: 1 }).trees,
    );
  });

  it('grow the same trees level by level as node by node', () => {
    const deep = { trees: 6, maxDepth: 9, minChildWeight: 0.5 };
    const levels = trainGbdt(names, train, deep, { threads: 2 });
    // one node per step: the order a depth-first grower splits them in
    expect(trainGbdt(names, train, deep, { threads: 2, batch: 1 }).trees).toEqual(levels.trees);
    expect(trainGbdt(names, train, deep, { threads: 1, batch: 3 }).trees).toEqual(levels.trees);
    expect(levels.trees[0].feature.length).toBeGreaterThan(100);
    // wide levels with many features are grown in narrower batches within the histogram budget
    expect(batchPlan(30, 6)).toEqual({ batch: 32, slots: 64 });
    expect(batchPlan(30, 10).batch).toBeLessThan(32);
    expect(batchPlan(30, 10).slots * 30 * 4096).toBeLessThanOrEqual(64 * 1024 * 1024);
    expect(batchPlan(5000, 8).batch).toBe(1);
  });

  it('report progress per tree and stop on Cancel', () => {
    const seen: number[] = [];
    const model = trainGbdt(
      names,
      train,
      { trees: 40, maxDepth: 4 },
      { threads: 2, onTree: (done) => seen.push(done), cancelled: () => seen.length >= 7 },
    );
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(model.trees.length).toBe(7);
  });
});

describe('binning', () => {
  it('cuts at the same quantiles as a plain sort, negatives, zeros and duplicates included', () => {
    const r = rng(4);
    const col = new Float32Array(50_000);
    for (let i = 0; i < col.length; i++) {
      const u = r();
      col[i] = u < 0.1 ? -0 : u < 0.2 ? 0 : u < 0.25 ? NaN : u < 0.6 ? -Math.exp(r() * 10) : r() * 1e-3;
    }
    const values = col.filter((v) => v === v).sort();
    const reference: number[] = [];
    for (let q = 1; q < MAX_BINS; q++) {
      const v = values[Math.floor((q * values.length) / MAX_BINS)];
      if (v > values[0] && (reference.length === 0 || v > reference[reference.length - 1])) reference.push(v);
    }
    expect(Array.from(cutsFor(col))).toEqual(reference);
    // Quantiles picked from the buckets of their ranks, or from a full sort when the values
    // crowd into few buckets (all in [1, 1.0001)), must be those of a plain sort.
    for (const spread of [
      (u: number) => 1 + u * 1e-4,
      (u: number) => u ** 9 * 1e6 - 3,
      (u: number) => Math.round(u * 300),
      (u: number) => (u < 0.6 ? 0 : (u - 0.8) * 1e3), // most values one (zero), the rest spread
      (u: number) => (u < 0.3 ? -0 : u < 0.5 ? 0 : Math.round(u * 600) - 300), // ±0 among 256 values
      (u: number) => (u < 0.1 ? -0 : u < 0.2 ? 0 : 1 + (Math.floor(u * 1e4) % 254)), // 255 values, ±0 one
    ]) {
      const c = Float32Array.from({ length: 40_000 }, () => spread(r()));
      const sorted = c.slice().sort();
      const want: number[] = [];
      const distinct = new Set(sorted).size;
      if (distinct <= MAX_BINS) want.push(...[...new Set(sorted)].slice(1));
      else
        for (let q = 1; q < MAX_BINS; q++) {
          const v = sorted[Math.floor((q * sorted.length) / MAX_BINS)];
          if (v > sorted[0] && (want.length === 0 || v > want[want.length - 1])) want.push(v);
        }
      expect(Array.from(cutsFor(c))).toEqual(want);
    }
    const few = Float32Array.from([3, -1, 3, 0, -0, 2, NaN, -1]);
    expect(Array.from(cutsFor(few))).toEqual([-0, 2, 3]); // -0 sorts first, as in a typed-array sort
  });
});

describe('binColumn', () => {
  it('bins every value as binOf does: NaN, infinities, zeros of both signs, values on and between cuts', () => {
    const r = rng(8);
    const col = new Float32Array(20_000);
    for (let i = 0; i < col.length; i++) {
      const u = r();
      col[i] =
        u < 0.05
          ? NaN
          : u < 0.1
            ? -0
            : u < 0.15
              ? 0
              : u < 0.17
                ? Infinity
                : u < 0.19
                  ? -Infinity
                  : (r() - 0.5) * 10 ** Math.floor(r() * 8 - 4);
    }
    for (const cuts of [
      cutsFor(col),
      cutsFor(col.subarray(0, 300)),
      new Float32Array(0),
      Float32Array.from([-0, 1]),
    ]) {
      const out = new Uint8Array(col.length);
      binColumn(col, cuts, out);
      expect(Array.from(out)).toEqual(Array.from(col, (x) => binOf(cuts, x)));
      const onCuts = new Uint8Array(cuts.length);
      binColumn(cuts, cuts, onCuts);
      expect(Array.from(onCuts)).toEqual(Array.from(cuts, (x) => binOf(cuts, x)));
    }
  });
});

describe('WebAssembly kernels', () => {
  it('are what kernels.wat compiles to (run `npm run build:kernels` after changing the text)', async () => {
    const compiled = await compileKernels();
    expect(Buffer.from(KERNELS_WASM).equals(Buffer.from(compiled))).toBe(true);
    expect(readFileSync(BYTES_FILE, 'utf8')).toBe(bytesModule(compiled));
    expect(
      WebAssembly.Module.exports(new WebAssembly.Module(Uint8Array.from(compiled))).map((e) => e.name),
    ).toEqual(['hist', 'partition', 'leaves', 'leaf', 'subtract', 'gradients']);
  });

  it('adds exactly what the JavaScript kernel adds, bit for bit, on shared memory', () => {
    const N = 5000;
    const F = 7;
    const ghOff = (N * F + 15) & ~15;
    const idxOff = (ghOff + 16 * N + 15) & ~15;
    const hOff = (idxOff + 4 * N + 15) & ~15;
    const mem = sharedMemory(hOff + 8 * F * FEATURE_STRIDE);
    expect(mem).not.toBeNull();
    const buf = mem!.buffer;
    const bins = new Uint8Array(buf, 0, N * F);
    const gh = new Float64Array(buf, ghOff, 2 * N);
    const idx = new Uint32Array(buf, idxOff, N);
    const hist = new Float64Array(buf, hOff, F * FEATURE_STRIDE);
    for (let i = 0; i < N * F; i++) bins[i] = (i * 7919) % 256; // the missing bin (255) included
    for (let i = 0; i < 2 * N; i++) gh[i] = Math.sin(i) * 3;
    for (let i = 0; i < N; i++) idx[i] = (i * 31) % N;
    const kernel = wasmKernels(mem!)?.hist;
    expect(kernel).toBeDefined();
    for (const [b, e, fLo, fHi] of [
      [100, 4000, 0, F],
      [0, N, 2, 5],
      [7, 7, 0, F],
    ]) {
      hist.fill(0);
      kernel!(hist.byteOffset, 0, F, gh.byteOffset, idx.byteOffset, b, e, fLo, fHi);
      const ref = new Float64Array(F * FEATURE_STRIDE);
      buildHist(ref, bins, F, gh, idx, b, e, fLo, fHi);
      expect(Array.from(hist)).toEqual(Array.from(ref));
    }
  });

  it('partition rows, scale leaf values and subtract histograms exactly as the JavaScript does', () => {
    const N = 3001;
    const colOff = 4 * N;
    const dirOff = (colOff + N + 15) & ~15;
    const rightOff = dirOff + 256;
    const valueOff = (rightOff + 4 * N + 15) & ~15;
    const mem = sharedMemory(valueOff + 8 * N)!;
    const k = wasmKernels(mem)!;
    const idx = new Uint32Array(mem.buffer, 0, N);
    const col = new Uint8Array(mem.buffer, colOff, N);
    const dir = new Uint8Array(mem.buffer, dirOff, 256);
    const value = new Float64Array(mem.buffer, valueOff, N);
    for (let i = 0; i < N; i++) {
      idx[i] = (i * 7919) % N;
      col[i] = (i * 31) % 256;
      value[i] = 1 + Math.sin(i);
    }
    for (let b = 0; b < 256; b++) dir[b] = b <= 90 || b === 255 ? 1 : 0;
    const want = idx.slice();
    const wantLeft = partition(want, 17, N - 5, col, dir, new Uint32Array(N));
    expect(k.partition(idx.byteOffset, colOff, dirOff, rightOff, 17, N - 5)).toBe(wantLeft);
    expect(Array.from(idx)).toEqual(Array.from(want));
    expect(wantLeft).toBeGreaterThan(0);
    expect(k.partition(idx.byteOffset, colOff, dirOff, rightOff, 9, 9)).toBe(0);

    const values = value.slice();
    k.leaves(idx.byteOffset, colOff, dirOff, valueOff, 3, N, 0.9, 1.1);
    k.leaf(idx.byteOffset, valueOff, 0, 3, 0.7);
    for (let i = 3; i < N; i++) values[idx[i]] *= dir[col[idx[i]]] ? 0.9 : 1.1;
    for (let i = 0; i < 3; i++) values[idx[i]] *= 0.7;
    expect(Array.from(value)).toEqual(Array.from(values));

    const a = new Float64Array(mem.buffer, valueOff, 64);
    const b = new Float64Array(mem.buffer, valueOff + 8 * 64, 64);
    const diff = a.map((x, i) => x - b[i]);
    k.subtract(a.byteOffset, b.byteOffset, a.byteOffset + a.byteLength);
    expect(Array.from(a)).toEqual(Array.from(diff));
  });

  it('compute gradients, hessians and their sums exactly as the JavaScript does', () => {
    const N = 2049;
    const s = createSharedState(N, 3, 2, { lambda: 1, gamma: 0, minChildWeight: 1 });
    const k = wasmKernels(s.mem!)!;
    for (let i = 0; i < N; i++) {
      s.idx[i] = (i * 577) % N;
      s.y[i] = i % 7 === 0 ? 1 : 0;
      s.expNegMargin[i] = Math.exp(-Math.sin(i) * 40); // saturated probabilities included
    }
    const want = new Float64Array(4);
    gradients(s, 3.5, 5, N - 1, want, 0);
    const gh = s.gh.slice();
    s.gh.fill(0);
    const sums = new Float64Array(s.mem!.buffer, s.sums[0].byteOffset, 2);
    k.gradients(
      s.idx.byteOffset,
      s.expNegMargin.byteOffset,
      s.y.byteOffset,
      s.gh.byteOffset,
      5,
      N - 1,
      3.5,
      sums.byteOffset,
    );
    expect(Array.from(s.gh)).toEqual(Array.from(gh));
    expect(Array.from(sums)).toEqual([want[0], want[1]]);
    expect(gh[2 * s.idx[5] + 1]).toBeGreaterThan(0);
  });
});
