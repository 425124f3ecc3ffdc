// Scoring with an ONNX model through onnxruntime-node (its CPU build ships in the package).
import * as ort from 'onnxruntime-node';
import { fail } from '../../../../src-shared/result';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { ONNX_INPUT, ONNX_PROBABILITY } from './export';
import {
  attrInts,
  ONNX_DOUBLE,
  ONNX_FLOAT,
  readOnnxGraph,
  TREE_OPS,
  withoutZipMap,
  type OnnxGraph,
} from './inspect';
import { onnxMetadata, parseFeatureNames } from './metadata';
import type { FeatureInput } from '../feature-input';

export interface OnnxScorer {
  inputs: readonly string[];
  outputs: readonly string[];
  /** The output read as the score. */
  output: string;
  /** Feature names from the model's metadata, when it has them. */
  featureNames: string[] | null;
  /** Scores rows given as columns (transposed here) or as rows (fed as they are). */
  score(input: FeatureInput): Promise<Float32Array>;
  release(): Promise<void>;
}

const BATCH = 65_536;

/** More trees in one ensemble than this: onnxruntime's default threads. */
const MAX_THREADS = 128;

/** Trees of the largest tree ensemble in the graph (0 when none can be counted). */
export function largestEnsemble(graph: OnnxGraph): number {
  let most = 0;
  for (const node of graph.nodes) {
    if (!TREE_OPS.includes(node.op)) continue;
    // TreeEnsemble (ai.onnx.ml 5) lists its roots; the others number trees in nodes_treeids
    const roots = attrInts(node.attrs.get('tree_roots'));
    const ids = attrInts(node.attrs.get('nodes_treeids'));
    most = Math.max(most, roots.length || new Set(ids).size);
  }
  return most;
}

/**
 * Session options for a model whose largest ensemble has `trees` trees. onnxruntime splits a
 * batch by rows (handed out as threads come free, one meeting at the end) only when an
 * ensemble has no more trees than it has threads; otherwise it splits the trees and every
 * thread meets the others every 128 rows, which a machine shared with other work punishes
 * (spinning threads wait on a preempted one). So: at least as many threads as trees (our export
 * writes parts of PART_TREES), and no spinning, as threads outnumber cores. On 57K rows of a
 * 100-tree model, 10 parts on 10 threads took 27–36 ms where 2 parts of 50 with the defaults
 * took 35–51 ms, interleaved in one process (tests/bench/onnx-score.mjs).
 */
export function sessionOptions(trees: number): ort.InferenceSession.SessionOptions {
  if (trees < 1 || trees > MAX_THREADS) return {};
  return {
    intraOpNumThreads: Math.max(trees, availableParallelism()),
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
}

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
    session = await ort.InferenceSession.create(bytes, sessionOptions(graph ? largestEnsemble(graph) : 0));
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
    async score(features: FeatureInput): Promise<Float32Array> {
      const rows = Array.isArray(features) ? null : features;
      const columns = Array.isArray(features) ? features : [];
      const F = rows ? rows.features : columns.length;
      const n = !F ? 0 : rows ? Math.floor(rows.data.length / F) : columns[0].length;
      const out = new Float32Array(n);
      for (let start = 0; start < n; start += BATCH) {
        const m = Math.min(BATCH, n - start);
        let data: Float32Array | Float64Array;
        if (rows && !double)
          data = rows.data.subarray(start * F, (start + m) * F); // as it is
        else {
          // The row-major input of a batch: kept between batches (and calls) of the same size,
          // every element is overwritten below; run() has finished with it before the next fill.
          if (!rowMajor || rowMajor.length !== m * F)
            rowMajor = double ? new Float64Array(m * F) : new Float32Array(m * F);
          data = rowMajor;
          if (rows) data.set(rows.data.subarray(start * F, (start + m) * F));
          else
            for (let f = 0; f < F; f++) {
              const col = columns[f];
              for (let r = 0; r < m; r++) data[r * F + f] = col[start + r];
            }
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
