// Writes a trained tree ensemble as an ONNX model: ai.onnx.ml TreeEnsembleRegressor summing
// the trees' leaves into a margin, then Sigmoid for the probability.
//   input  "features"    float[N, F]   (F in the order of the metadata's feature names)
//   output "margin"      float[N, 1]
//   output "probability" float[N, 1]
import type { GbdtModel } from '../gbdt/train';
import {
  AttributeProto as A,
  AttributeType,
  DataType,
  Dimension,
  GraphProto as G,
  ModelProto as M,
  NodeProto as N,
  OperatorSetIdProto,
  StringStringEntryProto,
  TensorShapeProto,
  TypeProto,
  TypeProtoTensor,
  ValueInfoProto,
} from './fields';
import { ProtoWriter } from './protobuf';

const IR_VERSION = 8;
const ML_OPSET = 3;
const DEFAULT_OPSET = 13;

type Attr =
  | { name: string; f: number }
  | { name: string; i: number }
  | { name: string; s: string }
  | { name: string; floats: ArrayLike<number> }
  | { name: string; ints: ArrayLike<number> }
  | { name: string; strings: string[] };

function attribute(w: ProtoWriter, a: Attr): void {
  w.string(A.name, a.name);
  if ('f' in a) w.int(A.type, AttributeType.FLOAT).float(A.f, a.f);
  else if ('i' in a) w.int(A.type, AttributeType.INT).int(A.i, a.i);
  else if ('s' in a) w.int(A.type, AttributeType.STRING).string(A.s, a.s);
  else if ('floats' in a) w.int(A.type, AttributeType.FLOATS).floats(A.floats, a.floats);
  else if ('ints' in a) w.int(A.type, AttributeType.INTS).ints(A.ints, a.ints);
  else {
    w.int(A.type, AttributeType.STRINGS);
    for (const s of a.strings) w.string(A.strings, s);
  }
}

function node(
  w: ProtoWriter,
  n: { op: string; domain: string; inputs: string[]; outputs: string[]; name: string; attrs: Attr[] },
): void {
  for (const i of n.inputs) w.string(N.input, i);
  for (const o of n.outputs) w.string(N.output, o);
  w.string(N.name, n.name);
  w.string(N.op_type, n.op);
  for (const a of n.attrs) w.message(N.attribute, (x) => attribute(x, a));
  if (n.domain) w.string(N.domain, n.domain);
}

function valueInfo(w: ProtoWriter, name: string, dims: (number | string)[]): void {
  w.string(ValueInfoProto.name, name);
  w.message(ValueInfoProto.type, (type) =>
    type.message(TypeProto.tensor_type, (tensor) => {
      tensor.int(TypeProtoTensor.elem_type, DataType.FLOAT);
      tensor.message(TypeProtoTensor.shape, (shape) => {
        for (const d of dims)
          shape.message(TensorShapeProto.dim, (dim) =>
            typeof d === 'number' ? dim.int(Dimension.dim_value, d) : dim.string(Dimension.dim_param, d),
          );
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
  w.int(M.ir_version, IR_VERSION);
  w.string(M.producer_name, 'sentinelrisk');
  w.string(M.producer_version, '1');
  // onnxruntime splits a batch by rows only when an ensemble has no more trees than it has
  // threads; with more, it splits the trees and all threads meet every 128 rows, which a busy
  // machine punishes. So ensembles are written as parts of at most PART_TREES trees whose
  // margins are summed (the sum is the same model), scored with that many threads.
  const parts = Math.ceil(model.trees.length / Math.max(1, partTrees));
  const per = Math.ceil(model.trees.length / Math.max(1, parts));
  w.message(M.graph, (g) => {
    if (parts <= 1) {
      g.message(G.node, (n) =>
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
        g.message(G.node, (n) =>
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
      g.message(G.node, (n) =>
        node(n, { op: 'Sum', domain: '', inputs: outs, outputs: [ONNX_MARGIN], name: 'margin', attrs: [] }),
      );
    }
    g.message(G.node, (n) =>
      node(n, {
        op: 'Sigmoid',
        domain: '',
        inputs: [ONNX_MARGIN],
        outputs: [ONNX_PROBABILITY],
        name: 'sigmoid',
        attrs: [],
      }),
    );
    g.string(G.name, 'sentinelrisk_gbdt');
    g.message(G.input, (v) => valueInfo(v, ONNX_INPUT, ['N', F]));
    g.message(G.output, (v) => valueInfo(v, ONNX_MARGIN, ['N', 1]));
    g.message(G.output, (v) => valueInfo(v, ONNX_PROBABILITY, ['N', 1]));
  });
  const opset = (domain: string, version: number) => (o: ProtoWriter) =>
    o.string(OperatorSetIdProto.domain, domain).int(OperatorSetIdProto.version, version);
  w.message(M.opset_import, opset('', DEFAULT_OPSET));
  w.message(M.opset_import, opset('ai.onnx.ml', ML_OPSET));
  for (const [key, value] of Object.entries({
    feature_names: JSON.stringify(model.featureNames),
    ...metadata,
  })) {
    w.message(M.metadata_props, (e) =>
      e.string(StringStringEntryProto.key, key).string(StringStringEntryProto.value, value),
    );
  }
  return w.finish();
}
