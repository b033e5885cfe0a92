/**
 * The subset of the ONNX IR this codec understands, as plain data. Field numbers and meanings follow
 * onnx/onnx.proto (github.com/onnx/onnx, onnx/onnx.proto). Optional properties mirror proto2 presence:
 * absent means the field was not on the wire and will not be written.
 *
 * int64 fields that hold shapes, attribute ints and versions are JS numbers (the decoder refuses
 * values that are not safe integers); tensor int64/uint64 payloads keep full range as BigInt arrays.
 */

/** TensorProto.DataType (onnx.proto). */
export const TensorDataType = Object.freeze({
  UNDEFINED: 0,
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  COMPLEX64: 14,
  COMPLEX128: 15,
  BFLOAT16: 16,
} as const);

/** AttributeProto.AttributeType (onnx.proto), restricted to the kinds this codec carries. */
export const AttributeType = Object.freeze({
  FLOAT: 1,
  INT: 2,
  STRING: 3,
  TENSOR: 4,
  GRAPH: 5,
  FLOATS: 6,
  INTS: 7,
  STRINGS: 8,
  TENSORS: 9,
  GRAPHS: 10,
} as const);
export type AttributeTypeValue = (typeof AttributeType)[keyof typeof AttributeType];

export interface OnnxOpsetId {
  /** "" (or absent) is the default ai.onnx domain. */
  domain?: string;
  version: number;
}

export interface OnnxStringEntry {
  key: string;
  value: string;
}

export interface OnnxTensor {
  name?: string;
  dataType: number;
  dims: number[];
  rawData?: Uint8Array;
  floatData?: Float32Array;
  int32Data?: Int32Array;
  stringData?: Uint8Array[];
  int64Data?: BigInt64Array;
  doubleData?: Float64Array;
  uint64Data?: BigUint64Array;
}

/** One field of AttributeProto is used, chosen by `type` (IR version >= 2 requires `type`). */
export interface OnnxAttribute {
  name: string;
  type: AttributeTypeValue;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: OnnxTensor;
  g?: OnnxGraph;
  floats?: number[];
  ints?: number[];
  strings?: Uint8Array[];
  tensors?: OnnxTensor[];
  graphs?: OnnxGraph[];
}

export interface OnnxNode {
  inputs: string[];
  outputs: string[];
  name?: string;
  opType: string;
  domain?: string;
  attributes: OnnxAttribute[];
}

/** TensorShapeProto.Dimension: a fixed size, a symbolic name (dynamic batch "N"), or unknown ({}). */
export interface OnnxDim {
  dimValue?: number;
  dimParam?: string;
}

export interface OnnxTensorTypeProto {
  elemType: number;
  /** Absent means the rank is unknown; [] means a scalar. */
  shape?: OnnxDim[];
}

export interface OnnxValueInfo {
  name: string;
  /** Only TypeProto.tensor_type is carried; other kinds are refused as unsupported. */
  type?: OnnxTensorTypeProto;
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  name?: string;
  initializers: OnnxTensor[];
  inputs: OnnxValueInfo[];
  outputs: OnnxValueInfo[];
  valueInfo: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsetImport: OnnxOpsetId[];
  producerName?: string;
  producerVersion?: string;
  domain?: string;
  modelVersion?: number;
  graph: OnnxGraph;
  metadataProps: OnnxStringEntry[];
}
