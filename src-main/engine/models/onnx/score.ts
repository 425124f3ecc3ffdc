// Scoring with an ONNX model through onnxruntime-node (its CPU build ships in the package).
import * as ort from 'onnxruntime-node';
import { fail } from '../../../../src-shared/result';
import { readFileSync } from 'node:fs';
import { ONNX_INPUT, ONNX_PROBABILITY } from './export';
import { ONNX_DOUBLE, ONNX_FLOAT, readOnnxGraph, withoutZipMap } from './inspect';
import { onnxMetadata, parseFeatureNames } from './metadata';

export interface OnnxScorer {
  inputs: readonly string[];
  outputs: readonly string[];
  /** The output read as the score. */
  output: string;
  /** Feature names from the model's metadata, when it has them. */
  featureNames: string[] | null;
  score(columns: Float32Array[]): Promise<Float32Array>;
  release(): Promise<void>;
}

const BATCH = 65_536;

/**
 * Session options: onnxruntime's defaults. Its tree ensembles of 80 trees or more split a batch
 * by trees and meet at a barrier every 128 rows, where spinning threads cost a busy machine
 * dearly; our export writes ensembles in parts of under 80 trees (export.ts), which it splits by
 * rows instead, with no barriers. On a quiet machine spinning then measured faster than blocking
 * (32 vs 50 ms for 57K rows; tests/bench/onnx-score.mjs).
 */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = {};

export async function openOnnx(model: Uint8Array | string, file = 'model.onnx'): Promise<OnnxScorer> {
  const original = typeof model === 'string' ? new Uint8Array(readFileSync(model)) : model;
  let bytes = original;
  let graph: ReturnType<typeof readOnnxGraph> | null = null;
  try {
    // a classifier's ZipMap (probabilities as a sequence of maps) cannot be returned to Node:
    // read the probability tensor that feeds it instead
    bytes = withoutZipMap(original);
    graph = readOnnxGraph(bytes);
  } catch {
    // not protobuf: the session refuses it below
  }
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch (e) {
    return fail('BAD_REQUEST', `not a usable ONNX model (${(e as Error).message.split('\n')[0]})`, { file });
  }
  let featureNames: string[] | null = null;
  const raw = onnxMetadata(original).feature_names;
  try {
    featureNames = raw === undefined ? null : parseFeatureNames(raw);
  } catch {
    featureNames = null;
  }
  const input = session.inputNames.includes(ONNX_INPUT) ? ONNX_INPUT : session.inputNames[0];
  const inputInfo = graph?.inputs.find((i) => i.name === input);
  const double = inputInfo?.elemType === ONNX_DOUBLE;
  // the probability: ours, else a float tensor named for probabilities (a converted
  // classifier's "probabilities" / "output_probability"), else the last float output
  const floats = (graph?.outputs ?? [])
    .filter((o) => o.elemType === ONNX_FLOAT || o.elemType === ONNX_DOUBLE)
    .map((o) => o.name);
  const output = session.outputNames.includes(ONNX_PROBABILITY)
    ? ONNX_PROBABILITY
    : (floats.find((n) => /prob/i.test(n)) ??
      floats[floats.length - 1] ??
      session.outputNames[session.outputNames.length - 1]);
  let rowMajor: Float32Array | Float64Array | null = null;
  return {
    inputs: session.inputNames,
    outputs: session.outputNames,
    output,
    featureNames,
    async score(columns: Float32Array[]): Promise<Float32Array> {
      const F = columns.length;
      const n = F ? columns[0].length : 0;
      const out = new Float32Array(n);
      for (let start = 0; start < n; start += BATCH) {
        const m = Math.min(BATCH, n - start);
        // The row-major input of a batch: kept between batches (and calls) of the same size,
        // every element is overwritten below; run() has finished with it before the next fill.
        if (!rowMajor || rowMajor.length !== m * F)
          rowMajor = double ? new Float64Array(m * F) : new Float32Array(m * F);
        const data = rowMajor;
        for (let f = 0; f < F; f++) {
          const col = columns[f];
          for (let r = 0; r < m; r++) data[r * F + f] = col[start + r];
        }
        const tensor = double
          ? new ort.Tensor('float64', data as Float64Array, [m, F])
          : new ort.Tensor('float32', data as Float32Array, [m, F]);
        // only the score is fetched (a classifier's label is not computed nor copied);
        // onnxruntime-node 1.23 keys a fetched output by the name of the session's output at
        // the same index, so it is read as the one value returned, whatever its key
        const result = await session.run({ [input]: tensor }, [output]);
        const probs = Object.values(result)[0].data as Float32Array | Float64Array;
        // [m, 1] probabilities or scores, or [m, 2] class probabilities (take the second class)
        const width = probs.length / m;
        for (let r = 0; r < m; r++) out[start + r] = probs[r * width + width - 1];
      }
      return out;
    },
    release: () => session.release(),
  };
}
