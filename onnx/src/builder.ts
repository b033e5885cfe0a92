import { createError } from '@provenant/protocol';
import {
  AttributeType,
  TensorDataType,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './model-types.js';
import { tensorElementCount } from './tensor-data.js';

/**
 * Small helpers for building graphs in code (the bundled models, tests, segment graphs). They
 * produce plain OnnxModel data; encodeModel validates it again before writing.
 */

/** IR version 8 goes with opsets up to 18 (onnx docs/Versioning.md), which onnxruntime 1.x runs. */
export const DEFAULT_IR_VERSION = 8;
export const DEFAULT_OPSET_VERSION = 17;

/** A FLOAT initializer stored as little-endian raw_data, the layout exporters use. */
export function float32Tensor(name: string, dims: readonly number[], values: ArrayLike<number>): OnnxTensor {
  const count = tensorElementCount(dims, `tensor ${name}`);
  if (values.length !== count) {
    throw createError('PRV_ERR_ONNX_INVALID_MODEL', `tensor ${name}: ${values.length} values for dims [${dims.join(', ')}]`);
  }
  const rawData = new Uint8Array(count * 4);
  const view = new DataView(rawData.buffer);
  for (let i = 0; i < count; i++) view.setFloat32(i * 4, values[i]!, true);
  return { name, dataType: TensorDataType.FLOAT, dims: [...dims], rawData };
}

/** An INT64 initializer (e.g. a Reshape target shape) stored as raw_data. */
export function int64Tensor(name: string, dims: readonly number[], values: readonly (number | bigint)[]): OnnxTensor {
  const count = tensorElementCount(dims, `tensor ${name}`);
  if (values.length !== count) {
    throw createError('PRV_ERR_ONNX_INVALID_MODEL', `tensor ${name}: ${values.length} values for dims [${dims.join(', ')}]`);
  }
  const rawData = new Uint8Array(count * 8);
  const view = new DataView(rawData.buffer);
  values.forEach((value, i) => view.setBigInt64(i * 8, BigInt.asIntN(64, BigInt(value)), true));
  return { name, dataType: TensorDataType.INT64, dims: [...dims], rawData };
}

export const attr = Object.freeze({
  float: (name: string, value: number): OnnxAttribute => ({ name, type: AttributeType.FLOAT, f: value }),
  int: (name: string, value: number): OnnxAttribute => ({ name, type: AttributeType.INT, i: value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, type: AttributeType.STRING, s: new TextEncoder().encode(value) }),
  tensor: (name: string, value: OnnxTensor): OnnxAttribute => ({ name, type: AttributeType.TENSOR, t: value }),
  floats: (name: string, values: readonly number[]): OnnxAttribute => ({ name, type: AttributeType.FLOATS, floats: [...values] }),
  ints: (name: string, values: readonly number[]): OnnxAttribute => ({ name, type: AttributeType.INTS, ints: [...values] }),
});

export interface NodeOptions {
  name?: string;
  domain?: string;
}

export function node(
  opType: string,
  inputs: readonly string[],
  outputs: readonly string[],
  attributes: readonly OnnxAttribute[] = [],
  options: NodeOptions = {},
): OnnxNode {
  const built: OnnxNode = { inputs: [...inputs], outputs: [...outputs], opType, attributes: [...attributes] };
  if (options.name !== undefined) built.name = options.name;
  if (options.domain !== undefined) built.domain = options.domain;
  return built;
}

/** A tensor value info; a string dim is symbolic (dim_param), e.g. "N" for a dynamic batch. */
export function tensorValueInfo(name: string, elemType: number, shape: readonly (number | string)[]): OnnxValueInfo {
  return {
    name,
    type: { elemType, shape: shape.map((dim) => (typeof dim === 'string' ? { dimParam: dim } : { dimValue: dim })) },
  };
}

export interface ModelOptions {
  graph: OnnxGraph;
  producerName?: string;
  producerVersion?: string;
  irVersion?: number;
  opsetVersion?: number;
  metadata?: Readonly<Record<string, string>>;
}

export function buildModel(options: ModelOptions): OnnxModel {
  const model: OnnxModel = {
    irVersion: options.irVersion ?? DEFAULT_IR_VERSION,
    opsetImport: [{ domain: '', version: options.opsetVersion ?? DEFAULT_OPSET_VERSION }],
    graph: options.graph,
    // Sorted so that a metadata object built in any key order encodes to the same bytes.
    metadataProps: Object.keys(options.metadata ?? {})
      .sort()
      .map((key) => ({ key, value: options.metadata![key]! })),
  };
  if (options.producerName !== undefined) model.producerName = options.producerName;
  if (options.producerVersion !== undefined) model.producerVersion = options.producerVersion;
  return model;
}

export function graph(parts: Partial<OnnxGraph> & Pick<OnnxGraph, 'nodes' | 'inputs' | 'outputs'>): OnnxGraph {
  const built: OnnxGraph = {
    nodes: parts.nodes,
    initializers: parts.initializers ?? [],
    inputs: parts.inputs,
    outputs: parts.outputs,
    valueInfo: parts.valueInfo ?? [],
  };
  if (parts.name !== undefined) built.name = parts.name;
  return built;
}
