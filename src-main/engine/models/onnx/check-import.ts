// Whether an ONNX file can score events here: a tree ensemble (ai.onnx.ml TreeEnsembleClassifier,
// TreeEnsembleRegressor or TreeEnsemble) taking one float (or double) tensor [N, F] whose F
// columns are the named features; a classifier must be binary. Read without onnxruntime.
import { fail } from '../../../../src-shared/result';
import { attrInts, attrStrings, readOnnxGraph, ONNX_DOUBLE, ONNX_FLOAT, TREE_OPS, typeName } from './inspect';

export interface TreeModelShape {
  input: string;
  /** the input's width, when the model says it */
  width: number | null;
  op: string;
}

/** Checks a model file's graph; fails (BAD_REQUEST, naming the file) with what is wrong. */
export function checkTreeModel(bytes: Uint8Array, file: string): TreeModelShape {
  const bad = (message: string): never => fail('BAD_REQUEST', message, { file });
  let graph;
  try {
    graph = readOnnxGraph(bytes);
  } catch (e) {
    return bad(`not an ONNX model (${(e as Error).message})`);
  }
  const trees = graph.nodes.filter((n) => TREE_OPS.includes(n.op));
  if (!trees.length) {
    const ops = [...new Set(graph.nodes.map((n) => n.op))].join(', ') || 'no operators';
    return bad(
      `not a tree ensemble: its graph has ${ops}; a model with an ai.onnx.ml TreeEnsembleClassifier or TreeEnsembleRegressor is needed`,
    );
  }
  // Several ensembles are parts of one (ours, in parts of PART_TREES trees, summed): regressors
  // reading the same input.
  const tree = trees[0];
  const parts = trees.every((t) => t.op === 'TreeEnsembleRegressor' && t.inputs[0] === tree.inputs[0]);
  if (trees.length > 1 && !parts)
    return bad(`has ${trees.length} tree ensembles that are not parts of one; one is expected`);
  if (graph.inputs.length !== 1) {
    return bad(
      `takes ${graph.inputs.length} inputs (${graph.inputs.map((i) => i.name).join(', ')}); one float tensor [N, features] is expected`,
    );
  }
  const input = graph.inputs[0];
  if (input.elemType !== ONNX_FLOAT && input.elemType !== ONNX_DOUBLE)
    return bad(`its input "${input.name}" is ${typeName(input.elemType)}, not float or double`);
  if (input.dims.length !== 2) return bad(`its input "${input.name}" is not a table [N, features]`);
  if (tree.op === 'TreeEnsembleClassifier') {
    const classes =
      attrInts(tree.attrs.get('classlabels_int64s')).length ||
      attrStrings(tree.attrs.get('classlabels_strings')).length;
    if (classes > 2)
      return bad(
        `classifies into ${classes} classes; only a binary classifier (its probability of the second class is the score) or a regressor can score events`,
      );
  }
  const width = typeof input.dims[1] === 'number' ? input.dims[1] : null;
  return { input: input.name, width, op: tree.op };
}

/** Checks the model's feature names against its input and its trees. */
export function checkFeatureCount(
  bytes: Uint8Array,
  file: string,
  names: string[],
  shape: TreeModelShape,
): void {
  const bad = (message: string): never => fail('BAD_REQUEST', message, { file });
  if (shape.width !== null && shape.width !== names.length)
    bad(`it names ${names.length} features but its input "${shape.input}" takes ${shape.width} columns`);
  let top = -1;
  for (const tree of readOnnxGraph(bytes).nodes.filter((n) => TREE_OPS.includes(n.op)))
    for (const f of attrInts(tree.attrs.get('nodes_featureids'))) top = Math.max(top, f);
  if (top >= names.length)
    bad(`its trees read input column ${top + 1} but it names only ${names.length} features`);
}
