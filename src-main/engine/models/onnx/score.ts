// Scoring with an ONNX model through onnxruntime-node (its CPU build ships in the package).
import * as ort from 'onnxruntime-node';
import { fail } from '../../../../src-shared/result';
import { readFileSync } from 'node:fs';
import { ONNX_INPUT, ONNX_PROBABILITY } from './export';
import { onnxMetadata } from './metadata';

export interface OnnxScorer {
  inputs: readonly string[];
  outputs: readonly string[];
  /** Feature names from the model's metadata, when it has them. */
  featureNames: string[] | null;
  score(columns: Float32Array[]): Promise<Float32Array>;
  release(): Promise<void>;
}

const BATCH = 65_536;

export async function openOnnx(model: Uint8Array | string, file = 'model.onnx'): Promise<OnnxScorer> {
  let session: ort.InferenceSession;
  try {
    session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model)
        : await ort.InferenceSession.create(model);
  } catch (e) {
    return fail('BAD_REQUEST', `not a usable ONNX model (${(e as Error).message.split('\n')[0]})`, { file });
  }
  const bytes = typeof model === 'string' ? new Uint8Array(readFileSync(model)) : model;
  const raw = onnxMetadata(bytes).feature_names;
  let featureNames: string[] | null = null;
  try {
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (Array.isArray(parsed) && parsed.every((x) => typeof x === 'string')) featureNames = parsed;
  } catch {
    featureNames = null;
  }
  const input = session.inputNames.includes(ONNX_INPUT) ? ONNX_INPUT : session.inputNames[0];
  const output = session.outputNames.includes(ONNX_PROBABILITY)
    ? ONNX_PROBABILITY
    : session.outputNames[session.outputNames.length - 1];
  return {
    inputs: session.inputNames,
    outputs: session.outputNames,
    featureNames,
    async score(columns: Float32Array[]): Promise<Float32Array> {
      const F = columns.length;
      const n = F ? columns[0].length : 0;
      const out = new Float32Array(n);
      for (let start = 0; start < n; start += BATCH) {
        const m = Math.min(BATCH, n - start);
        const data = new Float32Array(m * F);
        for (let f = 0; f < F; f++) {
          const col = columns[f];
          for (let r = 0; r < m; r++) data[r * F + f] = col[start + r];
        }
        const result = await session.run({ [input]: new ort.Tensor('float32', data, [m, F]) });
        const probs = result[output].data as Float32Array;
        // [m, 1] probabilities, or [m, 2] class probabilities (take the positive class)
        const width = probs.length / m;
        for (let r = 0; r < m; r++) out[start + r] = probs[r * width + width - 1];
      }
      return out;
    },
    release: () => session.release(),
  };
}
