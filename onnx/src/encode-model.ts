import { createError } from '@provenant/protocol';
import { assertAttributeShape } from './attribute-check.js';
import type { OnnxAttribute, OnnxGraph, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './model-types.js';
import { MAX_ONNX_MODEL_BYTES, MAX_ONNX_NESTING_DEPTH, MAX_ONNX_TENSOR_RANK } from './onnx-limits.js';
import { assertTensorData } from './tensor-data.js';
import { WireType } from './wire-reader.js';
import { WireWriter } from './wire-writer.js';

/**
 * Encodes a model to ModelProto bytes. Deterministic: fields go out in ascending field-number order
 * (as protobuf's reference serializers do), repeated fields in array order, [packed = true] fields
 * of onnx.proto packed and the proto2 default (unpacked) elsewhere, empty packed lists omitted.
 * The same object always gives the same bytes. The model is validated first, so anything this
 * writes, decodeModel reads back.
 */
export function encodeModel(model: OnnxModel): Uint8Array {
  if (typeof model !== 'object' || model === null) fail('model', 'is not an object');
  const out = new WireWriter();
  out.varintField(1, int(model.irVersion, 'irVersion'));
  optionalString(out, 2, model.producerName, 'producerName');
  optionalString(out, 3, model.producerVersion, 'producerVersion');
  optionalString(out, 4, model.domain, 'domain');
  if (model.modelVersion !== undefined) out.varintField(5, int(model.modelVersion, 'modelVersion'));
  if (typeof model.graph !== 'object' || model.graph === null) fail('graph', 'is missing');
  out.messageField(7, encodeGraph(model.graph, 'graph', 1));
  list(model.opsetImport, 'opsetImport').forEach((opset, index) => {
    const sub = new WireWriter();
    optionalString(sub, 1, opset.domain, `opsetImport[${index}].domain`);
    sub.varintField(2, int(opset.version, `opsetImport[${index}].version`));
    out.messageField(8, sub);
  });
  list(model.metadataProps ?? [], 'metadataProps').forEach((entry, index) => {
    const sub = new WireWriter();
    sub.stringField(1, str(entry.key, `metadataProps[${index}].key`));
    sub.stringField(2, str(entry.value, `metadataProps[${index}].value`));
    out.messageField(14, sub);
  });
  if (out.length > MAX_ONNX_MODEL_BYTES) {
    throw createError('PRV_ERR_ONNX_TOO_LARGE', `encoded model is ${out.length} bytes, limit ${MAX_ONNX_MODEL_BYTES}`);
  }
  return out.finish();
}

function encodeGraph(graph: OnnxGraph, path: string, depth: number): WireWriter {
  // Subgraph attributes recurse; the limit also stops a cyclic object graph.
  if (depth > MAX_ONNX_NESTING_DEPTH) throw createError('PRV_ERR_ONNX_TOO_DEEP', `${path} nests subgraphs deeper than ${MAX_ONNX_NESTING_DEPTH}`);
  const out = new WireWriter();
  list(graph.nodes, `${path}.nodes`).forEach((node, index) => out.messageField(1, encodeNode(node, `${path}.nodes[${index}]`, depth)));
  optionalString(out, 2, graph.name, `${path}.name`);
  list(graph.initializers, `${path}.initializers`).forEach((tensor, index) =>
    out.messageField(5, encodeTensor(tensor, `${path}.initializers[${index}]`)),
  );
  list(graph.inputs, `${path}.inputs`).forEach((info, index) => out.messageField(11, encodeValueInfo(info, `${path}.inputs[${index}]`)));
  list(graph.outputs, `${path}.outputs`).forEach((info, index) => out.messageField(12, encodeValueInfo(info, `${path}.outputs[${index}]`)));
  list(graph.valueInfo, `${path}.valueInfo`).forEach((info, index) =>
    out.messageField(13, encodeValueInfo(info, `${path}.valueInfo[${index}]`)),
  );
  return out;
}

function encodeNode(node: OnnxNode, path: string, depth: number): WireWriter {
  const out = new WireWriter();
  list(node.inputs, `${path}.inputs`).forEach((name, index) => out.stringField(1, str(name, `${path}.inputs[${index}]`)));
  list(node.outputs, `${path}.outputs`).forEach((name, index) => out.stringField(2, str(name, `${path}.outputs[${index}]`)));
  optionalString(out, 3, node.name, `${path}.name`);
  out.stringField(4, str(node.opType, `${path}.opType`));
  list(node.attributes, `${path}.attributes`).forEach((attribute, index) =>
    out.messageField(5, encodeAttribute(attribute, `${path}.attributes[${index}]`, depth)),
  );
  optionalString(out, 7, node.domain, `${path}.domain`);
  return out;
}

function encodeAttribute(attribute: OnnxAttribute, path: string, depth: number): WireWriter {
  assertAttributeShape({ ...attribute }, path);
  const out = new WireWriter();
  out.stringField(1, attribute.name);
  if (attribute.f !== undefined) {
    out.tag(2, WireType.I32);
    out.float32(num(attribute.f, `${path}.f`));
  }
  if (attribute.i !== undefined) out.varintField(3, int(attribute.i, `${path}.i`));
  if (attribute.s !== undefined) out.bytesField(4, bytes(attribute.s, `${path}.s`));
  if (attribute.t !== undefined) out.messageField(5, encodeTensor(attribute.t, `${path}.t`));
  if (attribute.g !== undefined) out.messageField(6, encodeGraph(attribute.g, `${path}.g`, depth + 1));
  list(attribute.floats ?? [], `${path}.floats`).forEach((value, index) => {
    out.tag(7, WireType.I32);
    out.float32(num(value, `${path}.floats[${index}]`));
  });
  list(attribute.ints ?? [], `${path}.ints`).forEach((value, index) => out.varintField(8, int(value, `${path}.ints[${index}]`)));
  list(attribute.strings ?? [], `${path}.strings`).forEach((value, index) => out.bytesField(9, bytes(value, `${path}.strings[${index}]`)));
  list(attribute.tensors ?? [], `${path}.tensors`).forEach((tensor, index) =>
    out.messageField(10, encodeTensor(tensor, `${path}.tensors[${index}]`)),
  );
  list(attribute.graphs ?? [], `${path}.graphs`).forEach((graph, index) =>
    out.messageField(11, encodeGraph(graph, `${path}.graphs[${index}]`, depth + 1)),
  );
  out.varintField(20, attribute.type);
  return out;
}

function encodeTensor(tensor: OnnxTensor, path: string): WireWriter {
  const dims = list(tensor.dims, `${path}.dims`);
  if (dims.length > MAX_ONNX_TENSOR_RANK) fail(`${path}.dims`, `has rank ${dims.length}, limit ${MAX_ONNX_TENSOR_RANK}`);
  dims.forEach((dim, index) => int(dim, `${path}.dims[${index}]`));
  assertTensorData(tensor, path);
  const out = new WireWriter();
  for (const dim of dims) out.varintField(1, dim);
  out.varintField(2, int(tensor.dataType, `${path}.dataType`));
  if (tensor.floatData !== undefined && tensor.floatData.length > 0) {
    out.bytesField(4, littleEndian(tensor.floatData, 4, (view, offset, value) => view.setFloat32(offset, value, true)));
  }
  if (tensor.int32Data !== undefined && tensor.int32Data.length > 0) out.messageField(5, packedVarints(tensor.int32Data, (w, v) => w.int64(v)));
  tensor.stringData?.forEach((value, index) => out.bytesField(6, bytes(value, `${path}.stringData[${index}]`)));
  if (tensor.int64Data !== undefined && tensor.int64Data.length > 0) out.messageField(7, packedVarints(tensor.int64Data, (w, v) => w.varintBig(v)));
  optionalString(out, 8, tensor.name, `${path}.name`);
  if (tensor.rawData !== undefined) out.bytesField(9, bytes(tensor.rawData, `${path}.rawData`));
  if (tensor.doubleData !== undefined && tensor.doubleData.length > 0) {
    out.bytesField(10, littleEndian(tensor.doubleData, 8, (view, offset, value) => view.setFloat64(offset, value, true)));
  }
  if (tensor.uint64Data !== undefined && tensor.uint64Data.length > 0) out.messageField(11, packedVarints(tensor.uint64Data, (w, v) => w.varintBig(v)));
  return out;
}

function encodeValueInfo(info: OnnxValueInfo, path: string): WireWriter {
  const out = new WireWriter();
  out.stringField(1, str(info.name, `${path}.name`));
  if (info.type !== undefined) {
    const tensorType = new WireWriter();
    tensorType.varintField(1, int(info.type.elemType, `${path}.type.elemType`));
    if (info.type.shape !== undefined) {
      const shape = new WireWriter();
      const dims = list(info.type.shape, `${path}.type.shape`);
      if (dims.length > MAX_ONNX_TENSOR_RANK) fail(`${path}.type.shape`, `has rank ${dims.length}, limit ${MAX_ONNX_TENSOR_RANK}`);
      dims.forEach((dim, index) => {
        const where = `${path}.type.shape[${index}]`;
        if (dim.dimValue !== undefined && dim.dimParam !== undefined) fail(where, 'sets both dimValue and dimParam');
        const sub = new WireWriter();
        if (dim.dimValue !== undefined) sub.varintField(1, int(dim.dimValue, `${where}.dimValue`));
        if (dim.dimParam !== undefined) sub.stringField(2, str(dim.dimParam, `${where}.dimParam`));
        shape.messageField(1, sub);
      });
      tensorType.messageField(2, shape);
    }
    const type = new WireWriter();
    type.messageField(1, tensorType);
    out.messageField(2, type);
  }
  return out;
}

function littleEndian(values: ArrayLike<number>, size: number, set: (view: DataView, offset: number, value: number) => void): Uint8Array {
  const out = new Uint8Array(values.length * size);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) set(view, i * size, values[i]!);
  return out;
}

function packedVarints<V>(values: ArrayLike<V>, write: (writer: WireWriter, value: V) => void): WireWriter {
  const out = new WireWriter();
  for (let i = 0; i < values.length; i++) write(out, values[i]!);
  return out;
}

function fail(path: string, problem: string): never {
  throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${path} ${problem}`);
}

function list<V>(value: readonly V[] | undefined, path: string): readonly V[] {
  if (!Array.isArray(value)) fail(path, 'is not an array');
  return value;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string') fail(path, 'is not a string');
  return value;
}

function optionalString(out: WireWriter, field: number, value: unknown, path: string): void {
  if (value !== undefined) out.stringField(field, str(value, path));
}

function int(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) fail(path, 'is not a safe integer');
  return value;
}

function num(value: unknown, path: string): number {
  if (typeof value !== 'number') fail(path, 'is not a number');
  return value;
}

function bytes(value: unknown, path: string): Uint8Array {
  if (!(value instanceof Uint8Array)) fail(path, 'is not a Uint8Array');
  return value;
}
