// The ONNX export scored by the real onnxruntime-node equals the trainer's own predictions.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from '../../src-main/engine/models/onnx/export';
import { largestEnsemble, openOnnx, sessionOptions } from '../../src-main/engine/models/onnx/score';
import { attrInts, readOnnxGraph } from '../../src-main/engine/models/onnx/inspect';
import { readModelFile } from '../../src-main/engine/models/score-dataset';
import { predictProba, trainGbdt } from '../../src-main/engine/models/gbdt/train';

const shared = path.resolve(__dirname, '../../../shared/data');

function loadCsv(file: string, label: string) {
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = lines[0].split(',');
  const li = header.indexOf(label);
  const names = header.filter((_, i) => i !== li);
  const rows = lines.slice(1).map((l) => l.split(',').map(Number));
  return {
    names,
    columns: names.map((n) => Float32Array.from(rows, (r) => r[header.indexOf(n)])),
    labels: Uint8Array.from(rows, (r) => (r[li] ? 1 : 0)),
  };
}

describe('ONNX export', () => {
  it('scores through onnxruntime-node exactly as the trainer predicts (to 1e-5), missing values included', async () => {
    const d = loadCsv(path.join(shared, 'adbench/cardio.csv'), 'label');
    // knock out some values so the missing-value branches are exercised
    d.columns[3] = d.columns[3].map((v, i) => (i % 7 === 0 ? NaN : v));
    const model = trainGbdt(d.names, d, {
      trees: 60,
      maxDepth: 5,
      eta: 0.2,
      subsample: 0.9,
      colsample: 0.8,
      seed: 3,
    });
    const bytes = exportOnnx(model, { trained_on: 'adbench cardio' });
    const scorer = await openOnnx(bytes);
    try {
      expect(scorer.featureNames).toEqual(d.names);
      const ours = predictProba(model, d.columns);
      const theirs = await scorer.score(d.columns);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
      expect(worst).toBeLessThan(1e-5);
      expect(new Set(Array.from(theirs.slice(0, 200))).size).toBeGreaterThan(10); // not a constant
    } finally {
      await scorer.release();
    }
  });

  it('writes an ensemble as summed parts of 10 trees (scored by rows in parallel), with the same scores', async () => {
    const d = loadCsv(path.join(shared, 'adbench/cardio.csv'), 'label');
    d.columns[5] = d.columns[5].map((v, i) => (i % 11 === 0 ? NaN : v));
    const model = trainGbdt(d.names, d, { trees: 170, maxDepth: 4, eta: 0.1, seed: 5 });
    expect(model.trees.length).toBe(170);
    const bytes = exportOnnx(model);
    const graph = readOnnxGraph(bytes);
    const parts = graph.nodes.filter((n) => n.op === 'TreeEnsembleRegressor');
    expect(parts.length).toBe(17);
    expect(parts.map((p) => new Set(attrInts(p.attrs.get('nodes_treeids'))).size)).toEqual(
      Array(17).fill(10),
    );
    expect(graph.nodes.some((n) => n.op === 'Sum')).toBe(true);
    // as many threads as an ensemble has trees (onnxruntime then splits a batch by rows)
    expect(largestEnsemble(graph)).toBe(10);
    expect(sessionOptions(10).intraOpNumThreads).toBeGreaterThanOrEqual(10);
    expect(sessionOptions(1000)).toEqual({}); // a huge imported ensemble: onnxruntime's defaults
    const scorer = await openOnnx(bytes);
    try {
      const ours = predictProba(model, d.columns);
      const theirs = await scorer.score(d.columns);
      let worst = 0;
      for (let i = 0; i < ours.length; i++) worst = Math.max(worst, Math.abs(ours[i] - theirs[i]));
      expect(worst).toBeLessThan(1e-5);
      // rows as the case gives them to an ONNX model: the same scores
      const F = d.columns.length;
      const data = new Float32Array(ours.length * F);
      d.columns.forEach((c, f) => c.forEach((v, r) => (data[r * F + f] = v)));
      expect(Array.from(await scorer.score({ data, features: F }))).toEqual(Array.from(theirs));
    } finally {
      await scorer.release();
    }
    // and a file of it is accepted for scoring a case (one model in parts, not several models)
    const dir = mkdtempSync(path.join(os.tmpdir(), 'sentinel-onnx-'));
    const file = path.join(dir, 'parts.onnx');
    writeFileSync(file, bytes);
    expect(readModelFile(file).featureNames).toEqual(d.names);
  });

  it('refuses a corrupt model file clearly', async () => {
    await expect(openOnnx(new Uint8Array([1, 2, 3, 4]), 'broken.onnx')).rejects.toMatchObject({
      appError: {
        code: 'BAD_REQUEST',
        file: 'broken.onnx',
        message: expect.stringMatching(/not a usable ONNX model/),
      },
    });
  });
});
