// Writes a trained tree ensemble as an ONNX model: ai.onnx.ml TreeEnsembleRegressor summing
// the trees' leaves into a margin, then Sigmoid for the probability.
//   input  "features"    float[N, F]   (F in the order of the metadata's feature names)
//   output "margin"      float[N, 1]
//   output "probability" float[N, 1]
import type { GbdtModel } from '../gbdt/train';
import { ProtoWriter } from './protobuf';

const IR_VERSION = 8;
const ML_OPSET = 3;
const DEFAULT_OPSET = 13;
const FLOAT = 1;
// AttributeProto.AttributeType
const A_FLOAT = 1;
const A_INT = 2;
const A_STRING = 3;
const A_FLOATS = 6;
const A_INTS = 7;
const A_STRINGS = 8;

type Attr =
  | { name: string; f: number }
  | { name: string; i: number }
  | { name: string; s: string }
  | { name: string; floats: ArrayLike<number> }
  | { name: string; ints: ArrayLike<number> }
  | { name: string; strings: string[] };

function attribute(w: ProtoWriter, a: Attr): void {
  w.string(1, a.name);
  if ('f' in a) w.int(20, A_FLOAT).float(2, a.f);
  else if ('i' in a) w.int(20, A_INT).int(3, a.i);
  else if ('s' in a) w.int(20, A_STRING).string(4, a.s);
  else if ('floats' in a) w.int(20, A_FLOATS).floats(7, a.floats);
  else if ('ints' in a) w.int(20, A_INTS).ints(8, a.ints);
  else {
    w.int(20, A_STRINGS);
    for (const s of a.strings) w.string(9, s);
  }
}

function node(
  w: ProtoWriter,
  n: { op: string; domain: string; inputs: string[]; outputs: string[]; name: string; attrs: Attr[] },
): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name);
  w.string(4, n.op);
  for (const a of n.attrs) w.message(5, (x) => attribute(x, a));
  if (n.domain) w.string(7, n.domain);
}

function valueInfo(w: ProtoWriter, name: string, dims: (number | string)[]): void {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, FLOAT);
      tensor.message(2, (shape) => {
        for (const d of dims)
          shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

/** The tree ensemble's attributes, flattened across trees as ONNX wants them. */
function ensembleAttrs(model: GbdtModel, trees = model.trees, base = model.baseScore): Attr[] {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTrue: number[] = [];
  const targetTree: number[] = [];
  const targetNode: number[] = [];
  const targetIds: number[] = [];
  const targetWeights: number[] = [];
  trees.forEach((t, ti) => {
    for (let k = 0; k < t.feature.length; k++) {
      const leaf = t.feature[k] < 0;
      treeIds.push(ti);
      nodeIds.push(k);
      featureIds.push(leaf ? 0 : t.feature[k]);
      modes.push(leaf ? 'LEAF' : 'BRANCH_LT');
      values.push(leaf ? 0 : t.threshold[k]);
      trueIds.push(leaf ? 0 : t.left[k]);
      falseIds.push(leaf ? 0 : t.right[k]);
      missingTrue.push(!leaf && t.missingLeft[k] ? 1 : 0);
      if (leaf) {
        targetTree.push(ti);
        targetNode.push(k);
        targetIds.push(0);
        targetWeights.push(t.value[k]);
      }
    }
  });
  return [
    { name: 'aggregate_function', s: 'SUM' },
    { name: 'base_values', floats: [base] },
    { name: 'n_targets', i: 1 },
    { name: 'nodes_falsenodeids', ints: falseIds },
    { name: 'nodes_featureids', ints: featureIds },
    { name: 'nodes_missing_value_tracks_true', ints: missingTrue },
    { name: 'nodes_modes', strings: modes },
    { name: 'nodes_nodeids', ints: nodeIds },
    { name: 'nodes_treeids', ints: treeIds },
    { name: 'nodes_truenodeids', ints: trueIds },
    { name: 'nodes_values', floats: values },
    { name: 'post_transform', s: 'NONE' },
    { name: 'target_ids', ints: targetIds },
    { name: 'target_nodeids', ints: targetNode },
    { name: 'target_treeids', ints: targetTree },
    { name: 'target_weights', floats: targetWeights },
  ];
}

export const ONNX_INPUT = 'features';
/**
 * Trees per TreeEnsembleRegressor: an ensemble is written as summed parts of at most this many
 * trees, and scored with as many threads (score.ts), so that onnxruntime splits a batch by rows.
 */
export const PART_TREES = 10;
export const ONNX_MARGIN = 'margin';
export const ONNX_PROBABILITY = 'probability';

export function exportOnnx(
  model: GbdtModel,
  metadata: Record<string, string> = {},
  /** Trees per ensemble part (benchmarks compare layouts). */
  partTrees = PART_TREES,
): Uint8Array {
  const F = model.featureNames.length;
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, 'sentinelrisk');
  w.string(3, '1');
  // onnxruntime splits a batch by rows only when an ensemble has no more trees than it has
  // threads; with more, it splits the trees and all threads meet every 128 rows, which a busy
  // machine punishes. So ensembles are written as parts of at most PART_TREES trees whose
  // margins are summed (the sum is the same model), scored with that many threads.
  const parts = Math.ceil(model.trees.length / Math.max(1, partTrees));
  const per = Math.ceil(model.trees.length / Math.max(1, parts));
  w.message(7, (g) => {
    if (parts <= 1) {
      g.message(1, (n) =>
        node(n, {
          op: 'TreeEnsembleRegressor',
          domain: 'ai.onnx.ml',
          inputs: [ONNX_INPUT],
          outputs: [ONNX_MARGIN],
          name: 'trees',
          attrs: ensembleAttrs(model),
        }),
      );
    } else {
      const outs: string[] = [];
      for (let p = 0; p < parts; p++) {
        const out = `${ONNX_MARGIN}_${p}`;
        outs.push(out);
        g.message(1, (n) =>
          node(n, {
            op: 'TreeEnsembleRegressor',
            domain: 'ai.onnx.ml',
            inputs: [ONNX_INPUT],
            outputs: [out],
            name: `trees_${p}`,
            attrs: ensembleAttrs(
              model,
              model.trees.slice(p * per, (p + 1) * per),
              p === 0 ? model.baseScore : 0,
            ),
          }),
        );
      }
      g.message(1, (n) =>
        node(n, { op: 'Sum', domain: '', inputs: outs, outputs: [ONNX_MARGIN], name: 'margin', attrs: [] }),
      );
    }
    g.message(1, (n) =>
      node(n, {
        op: 'Sigmoid',
        domain: '',
        inputs: [ONNX_MARGIN],
        outputs: [ONNX_PROBABILITY],
        name: 'sigmoid',
        attrs: [],
      }),
    );
    g.string(2, 'sentinelrisk_gbdt');
    g.message(11, (v) => valueInfo(v, ONNX_INPUT, ['N', F]));
    g.message(12, (v) => valueInfo(v, ONNX_MARGIN, ['N', 1]));
    g.message(12, (v) => valueInfo(v, ONNX_PROBABILITY, ['N', 1]));
  });
  w.message(8, (o) => o.string(1, '').int(2, DEFAULT_OPSET));
  w.message(8, (o) => o.string(1, 'ai.onnx.ml').int(2, ML_OPSET));
  for (const [key, value] of Object.entries({
    feature_names: JSON.stringify(model.featureNames),
    ...metadata,
  })) {
    w.message(14, (e) => e.string(1, key).string(2, value));
  }
  return w.finish();
}
