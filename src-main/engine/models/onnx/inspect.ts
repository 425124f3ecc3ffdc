// Reading an ONNX model's graph without onnxruntime (which a process can load in one thread
// only: see onnx-client.ts): what it takes, what it gives, whether it is a tree ensemble; and
// the rewrite that lets onnxruntime-node run a classifier whose probabilities end in a ZipMap.
import {
  AttributeProto as A,
  DataType,
  Dimension,
  GraphProto as G,
  ModelProto as M,
  NodeProto as N,
  TensorProto,
  TensorShapeProto,
  TypeProto,
  TypeProtoTensor,
  ValueInfoProto as V,
} from './fields';
import { ProtoWriter, readFieldList, type ProtoField } from './protobuf';

export const ONNX_FLOAT = DataType.FLOAT;
export const ONNX_DOUBLE = DataType.DOUBLE;
const TYPE_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(DataType).map(([name, code]) => [code, name.toLowerCase()]),
);
export const typeName = (t: number | null) => (t === null ? 'not a tensor' : (TYPE_NAMES[t] ?? `type ${t}`));

export const TREE_OPS = ['TreeEnsembleClassifier', 'TreeEnsembleRegressor', 'TreeEnsemble'];

export interface OnnxValue {
  name: string;
  /** element type of a tensor; null for sequences and maps (a ZipMap's output) */
  elemType: number | null;
  /** dimensions: a number, a symbolic name, or null when unknown */
  dims: (number | string | null)[];
}

export interface OnnxNode {
  op: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attrs: Map<string, ProtoField[]>;
}

export interface OnnxGraph {
  /** inputs that are not initializers */
  inputs: OnnxValue[];
  outputs: OnnxValue[];
  nodes: OnnxNode[];
}

const text = (v: bigint | Uint8Array | undefined) =>
  v instanceof Uint8Array ? new TextDecoder().decode(v) : '';
const fieldsOf = (bytes: Uint8Array, n: number) =>
  readFieldList(bytes).filter((f) => f.field === n && f.value instanceof Uint8Array);
const first = (list: ProtoField[], n: number) => list.find((f) => f.field === n)?.value;

function valueInfo(bytes: Uint8Array): OnnxValue {
  const f = readFieldList(bytes);
  const name = text(first(f, V.name));
  const type = first(f, V.type);
  if (!(type instanceof Uint8Array)) return { name, elemType: null, dims: [] };
  const tensor = first(readFieldList(type), TypeProto.tensor_type);
  if (!(tensor instanceof Uint8Array)) return { name, elemType: null, dims: [] };
  const t = readFieldList(tensor);
  const elem = first(t, TypeProtoTensor.elem_type);
  const shape = first(t, TypeProtoTensor.shape);
  const dims =
    shape instanceof Uint8Array
      ? fieldsOf(shape, TensorShapeProto.dim).map((d) => {
          const df = readFieldList(d.value as Uint8Array);
          const v = first(df, Dimension.dim_value);
          const p = first(df, Dimension.dim_param);
          return typeof v === 'bigint' ? Number(v) : p instanceof Uint8Array ? text(p) : null;
        })
      : [];
  return { name, elemType: typeof elem === 'bigint' ? Number(elem) : null, dims };
}

/** Integers of an attribute: its `ints`, packed or not. */
export function attrInts(a: ProtoField[] | undefined): number[] {
  const out: number[] = [];
  for (const f of a ?? []) {
    if (f.field !== A.ints) continue;
    if (typeof f.value === 'bigint') out.push(Number(BigInt.asIntN(64, f.value)));
    else {
      let at = 0;
      const b = f.value;
      while (at < b.length) {
        let v = 0n;
        let shift = 0n;
        for (;;) {
          const byte = b[at++];
          v |= BigInt(byte & 0x7f) << shift;
          if (byte < 0x80 || at >= b.length) break;
          shift += 7n;
        }
        out.push(Number(BigInt.asIntN(64, v)));
      }
    }
  }
  return out;
}

/** Floats of an attribute: its `floats`, packed or not. */
export function attrFloats(a: ProtoField[] | undefined): number[] {
  const out: number[] = [];
  for (const f of a ?? []) {
    if (f.field !== A.floats || !(f.value instanceof Uint8Array)) continue;
    const view = new DataView(f.value.buffer, f.value.byteOffset, f.value.byteLength);
    for (let at = 0; at + 4 <= f.value.byteLength; at += 4) out.push(view.getFloat32(at, true));
  }
  return out;
}

export const attrString = (a: ProtoField[] | undefined): string | null => {
  const s = a?.find((f) => f.field === A.s);
  return s ? text(s.value) : null;
};
export const attrInt = (a: ProtoField[] | undefined): number | null => {
  const i = a?.find((f) => f.field === A.i);
  return typeof i?.value === 'bigint' ? Number(BigInt.asIntN(64, i.value)) : null;
};
export const attrStrings = (a: ProtoField[] | undefined): string[] =>
  (a ?? []).filter((f) => f.field === A.strings).map((f) => text(f.value));

function node(bytes: Uint8Array): OnnxNode {
  const f = readFieldList(bytes);
  const attrs = new Map<string, ProtoField[]>();
  for (const a of f.filter((x) => x.field === N.attribute && x.value instanceof Uint8Array)) {
    const af = readFieldList(a.value as Uint8Array);
    attrs.set(text(first(af, A.name)), af);
  }
  return {
    op: text(first(f, N.op_type)),
    domain: text(first(f, N.domain)),
    inputs: f.filter((x) => x.field === N.input).map((x) => text(x.value)),
    outputs: f.filter((x) => x.field === N.output).map((x) => text(x.value)),
    attrs,
  };
}

/** The model's graph; throws an Error saying why when the bytes are not an ONNX model. */
export function readOnnxGraph(bytes: Uint8Array): OnnxGraph {
  const model = readFieldList(bytes);
  const ir = first(model, M.ir_version);
  const graph = first(model, M.graph);
  if (typeof ir !== 'bigint' || !(graph instanceof Uint8Array)) throw new Error('no ONNX model graph in it');
  const g = readFieldList(graph);
  const initializers = new Set(
    g
      .filter((x) => x.field === G.initializer && x.value instanceof Uint8Array)
      .map((x) => text(first(readFieldList(x.value as Uint8Array), TensorProto.name))),
  );
  return {
    nodes: g
      .filter((x) => x.field === G.node && x.value instanceof Uint8Array)
      .map((x) => node(x.value as Uint8Array)),
    inputs: g
      .filter((x) => x.field === G.input && x.value instanceof Uint8Array)
      .map((x) => valueInfo(x.value as Uint8Array))
      .filter((v) => !initializers.has(v.name)),
    outputs: g
      .filter((x) => x.field === G.output && x.value instanceof Uint8Array)
      .map((x) => valueInfo(x.value as Uint8Array)),
  };
}

/**
 * The model without its ZipMap nodes: each ZipMap's input tensor (the class probabilities,
 * float [N, classes]) becomes the graph output in place of the ZipMap's sequence of maps,
 * which onnxruntime-node cannot return. The bytes are returned unchanged when there is none.
 */
export function withoutZipMap(bytes: Uint8Array): Uint8Array {
  const graph = readOnnxGraph(bytes);
  const zipMaps = graph.nodes.filter((n) => n.op === 'ZipMap');
  if (!zipMaps.length) return bytes;
  const replaced = new Map(zipMaps.map((z) => [z.outputs[0], z.inputs[0]]));
  const model = readFieldList(bytes);
  const out = new ProtoWriter();
  for (const f of model) {
    if (f.field !== M.graph) {
      out.raw(f.encoded);
      continue;
    }
    out.message(M.graph, (g) => {
      const outputs = new Set<string>();
      for (const gf of readFieldList(f.value as Uint8Array)) {
        if (gf.field === G.node && node(gf.value as Uint8Array).op === 'ZipMap') continue;
        if (gf.field === G.output) {
          const name = valueInfo(gf.value as Uint8Array).name;
          const tensor = replaced.get(name);
          if (tensor !== undefined) {
            if (!outputs.has(tensor)) {
              outputs.add(tensor);
              g.message(G.output, (v) =>
                v
                  .string(V.name, tensor)
                  .message(V.type, (t) =>
                    t.message(TypeProto.tensor_type, (tt) => tt.int(TypeProtoTensor.elem_type, ONNX_FLOAT)),
                  ),
              );
            }
            continue;
          }
          outputs.add(name);
        }
        g.raw(gf.encoded);
      }
    });
  }
  return out.finish();
}
