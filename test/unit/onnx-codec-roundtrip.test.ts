import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AttributeType,
  TensorDataType,
  attr,
  buildModel,
  decodeModel,
  encodeModel,
  float32Tensor,
  graph,
  int64Tensor,
  node,
  tensorToFloat32,
  tensorToInt64,
  tensorValueInfo,
  type OnnxModel,
} from '@provenant/onnx';
import { isProvenantError } from '@provenant/protocol';

/** A model touching every field the codec models, so a round trip exercises each encoder and decoder path. */
function everythingModel(): OnnxModel {
  const subgraph = graph({
    name: 'then',
    nodes: [node('Identity', ['x'], ['y'])],
    inputs: [],
    outputs: [{ name: 'y' }],
  });
  const model = buildModel({
    producerName: 'test',
    producerVersion: '0',
    metadata: { b: '2', a: '1' },
    graph: graph({
      name: 'everything',
      nodes: [
        node(
          'Custom',
          ['input', 'w', ''],
          ['out'],
          [
            attr.float('alpha', 0.25),
            attr.int('axis', -1),
            attr.string('mode', 'constant'),
            attr.tensor('value', float32Tensor('t', [2], [1.5, -2])),
            { name: 'then_branch', type: AttributeType.GRAPH, g: subgraph },
            attr.floats('scales', [1, 0.5]),
            attr.ints('pads', [0, -1, 2 ** 40, -(2 ** 40)]),
            { name: 'names', type: AttributeType.STRINGS, strings: [new Uint8Array([0xff, 0]), new Uint8Array(0)] },
            { name: 'tensors', type: AttributeType.TENSORS, tensors: [int64Tensor('s', [2], [-1n, 9223372036854775807n])] },
            { name: 'graphs', type: AttributeType.GRAPHS, graphs: [subgraph] },
            { name: 'empty', type: AttributeType.INTS, ints: [] },
          ],
          { name: 'custom0', domain: 'com.example' },
        ),
      ],
      initializers: [
        float32Tensor('w', [2, 2], [1, 2, 3, 4]),
        { name: 'f', dataType: TensorDataType.FLOAT, dims: [3], floatData: Float32Array.from([0.1, -0, Infinity]) },
        { name: 'i32', dataType: TensorDataType.INT8, dims: [2], int32Data: Int32Array.from([-128, 127]) },
        { name: 'i64', dataType: TensorDataType.INT64, dims: [2], int64Data: BigInt64Array.from([-9223372036854775808n, 5n]) },
        { name: 'd', dataType: TensorDataType.DOUBLE, dims: [1], doubleData: Float64Array.from([Math.PI]) },
        { name: 'u64', dataType: TensorDataType.UINT64, dims: [1], uint64Data: BigUint64Array.from([18446744073709551615n]) },
        { name: 'str', dataType: TensorDataType.STRING, dims: [1], stringData: [new TextEncoder().encode('héllo')] },
        { dataType: TensorDataType.FLOAT, dims: [0] },
      ],
      inputs: [tensorValueInfo('input', TensorDataType.FLOAT, ['N', 3])],
      outputs: [{ name: 'out', type: { elemType: TensorDataType.FLOAT, shape: [{}, { dimValue: 0 }] } }, { name: 'scalar', type: { elemType: 1, shape: [] } }],
      valueInfo: [{ name: 'unknown_rank', type: { elemType: TensorDataType.FLOAT } }],
    }),
  });
  model.opsetImport.push({ domain: 'com.example', version: 1 });
  model.domain = 'org.provenant';
  model.modelVersion = 7;
  return model;
}

test('decode(encode(model)) gives back every field the codec models', () => {
  const model = everythingModel();
  const bytes = encodeModel(model);
  assert.deepStrictEqual(decodeModel(bytes), model);
});

test('encoding is deterministic: equal objects give identical bytes, and re-encoding a decode is byte-identical', () => {
  const first = encodeModel(everythingModel());
  assert.deepStrictEqual(encodeModel(everythingModel()), first);
  assert.deepStrictEqual(encodeModel(decodeModel(first)), first);
});

test('metadata given in any key order encodes the same', () => {
  const g = everythingModel().graph;
  const a = encodeModel(buildModel({ graph: g, metadata: { x: '1', y: '2' } }));
  const b = encodeModel(buildModel({ graph: g, metadata: { y: '2', x: '1' } }));
  assert.deepStrictEqual(a, b);
});

test('float32 and int64 tensor helpers round-trip through raw_data little-endian', () => {
  const model = decodeModel(encodeModel(everythingModel()));
  const w = model.graph.initializers.find((t) => t.name === 'w')!;
  assert.deepStrictEqual(tensorToFloat32(w), Float32Array.from([1, 2, 3, 4]));
  assert.deepStrictEqual(Array.from(w.rawData!.subarray(0, 4)), [0x00, 0x00, 0x80, 0x3f]); // 1.0f little-endian
  const f = model.graph.initializers.find((t) => t.name === 'f')!;
  assert.deepStrictEqual(tensorToFloat32(f), Float32Array.from([0.1, -0, Infinity]));
  const s = model.graph.nodes[0]!.attributes.find((a) => a.name === 'tensors')!.tensors![0]!;
  assert.deepStrictEqual(tensorToInt64(s), BigInt64Array.from([-1n, 9223372036854775807n]));
});

test('negative int64 attributes use the 10-byte two\'s complement varint protobuf specifies', () => {
  const model = buildModel({
    graph: graph({ nodes: [node('Flatten', ['x'], ['y'], [attr.int('axis', -1)])], inputs: [], outputs: [] }),
  });
  const bytes = encodeModel(model);
  // AttributeProto.i is field 3, wire type 0: tag 0x18, then -1 as ten bytes 0xff.. 0x01.
  const needle = [0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01];
  const haystack = Array.from(bytes);
  assert.ok(haystack.some((_, i) => needle.every((b, j) => haystack[i + j] === b)), 'encoded -1 not found');
  assert.equal(decodeModel(bytes).graph.nodes[0]!.attributes[0]!.i, -1);
});

/** Hand-written protobuf bytes, to feed the decoder encodings our encoder never produces. */
function varint(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return out;
}
function len(field: number, body: number[]): number[] {
  return [...varint(field * 8 + 2), ...varint(body.length), ...body];
}
function f32(value: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, value, true);
  return Array.from(b);
}

test('accepts packed dims and unpacked float_data, both legal protobuf encodings of repeated fields', () => {
  // TensorProto: dims (1) packed [2], data_type (2) = 1, float_data (4) as two separate I32 fields, name (8) "t".
  const tensor = [...len(1, [2]), 0x10, 0x01, 0x25, ...f32(1.5), 0x25, ...f32(-3), ...len(8, [0x74])];
  const graphBytes = len(5, tensor);
  const bytes = Uint8Array.from([0x08, 0x08, ...len(7, graphBytes)]);
  const model = decodeModel(bytes);
  assert.deepStrictEqual(model.graph.initializers[0], { name: 't', dataType: 1, dims: [2], floatData: Float32Array.from([1.5, -3]) });
});

test('skips unknown fields and documentation-only fields without changing what it decodes', () => {
  const base = encodeModel(everythingModel());
  // Append ModelProto.doc_string (6), an unknown varint field 99 and an unknown fixed64 field 100.
  const extra = [...len(6, [0x68, 0x69]), ...varint(99 * 8), 0x05, ...varint(100 * 8 + 1), 1, 2, 3, 4, 5, 6, 7, 8];
  const withExtra = Uint8Array.from([...base, ...extra]);
  assert.deepStrictEqual(decodeModel(withExtra), decodeModel(base));
});

test('the encoder refuses invalid model objects with PRV_ERR_ONNX_INVALID_MODEL', () => {
  const bad = (mutate: (m: OnnxModel) => void): void => {
    const model = everythingModel();
    mutate(model);
    assert.throws(() => encodeModel(model), (error: unknown) => isProvenantError(error, 'PRV_ERR_ONNX_INVALID_MODEL'));
  };
  bad((m) => (m.graph.initializers[0]!.dims = [2, 2.5]));
  bad((m) => (m.graph.initializers[0]!.dims = [3, 2])); // raw_data no longer matches dims
  bad((m) => (m.graph.nodes[0]!.attributes[0]!.type = AttributeType.INT)); // type says i, value is in f
  bad((m) => (m.graph.nodes[0]!.opType = 5 as unknown as string));
  bad((m) => (m.irVersion = 2 ** 60));
  bad((m) => (m.graph.outputs[0]!.type!.shape![0] = { dimValue: 1, dimParam: 'N' }));
});

test('the encoder stops a cyclic subgraph at the nesting limit', () => {
  const model = everythingModel();
  const cyclic = model.graph.nodes[0]!.attributes.find((a) => a.name === 'then_branch')!;
  cyclic.g = model.graph; // the graph now contains itself
  assert.throws(() => encodeModel(model), (error: unknown) => isProvenantError(error, 'PRV_ERR_ONNX_TOO_DEEP'));
});
