// The ONNX protobuf fields and enum values this project reads and writes, named as in
// onnx/onnx's onnx/onnx.proto (read at commit 004aa57f442055b51af980769883b544ac4f87f2, IR version
// 7; protobuf field numbers are never reused, and these are the same in the IR versions 8 and 9
// that converters write today). Only what export.ts, inspect.ts and metadata.ts use is here.

export const ModelProto = {
  ir_version: 1,
  producer_name: 2,
  producer_version: 3,
  graph: 7,
  opset_import: 8,
  metadata_props: 14,
} as const;

export const OperatorSetIdProto = { domain: 1, version: 2 } as const;

export const StringStringEntryProto = { key: 1, value: 2 } as const;

export const GraphProto = { node: 1, name: 2, initializer: 5, input: 11, output: 12 } as const;

export const NodeProto = { input: 1, output: 2, name: 3, op_type: 4, attribute: 5, domain: 7 } as const;

export const AttributeProto = {
  name: 1,
  f: 2,
  i: 3,
  s: 4,
  floats: 7,
  ints: 8,
  strings: 9,
  type: 20,
} as const;

/** AttributeProto.AttributeType */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7, STRINGS: 8 } as const;

export const ValueInfoProto = { name: 1, type: 2 } as const;

/** TypeProto: the tensor member of its `value` oneof. */
export const TypeProto = { tensor_type: 1 } as const;

/** TypeProto.Tensor */
export const TypeProtoTensor = { elem_type: 1, shape: 2 } as const;

export const TensorShapeProto = { dim: 1 } as const;

/** TensorShapeProto.Dimension */
export const Dimension = { dim_value: 1, dim_param: 2 } as const;

export const TensorProto = { name: 8 } as const;

/** TensorProto.DataType */
export const DataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
} as const;
