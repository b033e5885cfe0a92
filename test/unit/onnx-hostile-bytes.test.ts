import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeModel, MAX_ONNX_NESTING_DEPTH, type OnnxDecodeOptions } from '@provenant/onnx';
import { isProvenantError, type ErrorCode } from '@provenant/protocol';
import { REPO_ROOT } from '../support/paths.js';

/** Hand-built protobuf pieces (protobuf.dev encoding guide); field numbers from onnx/onnx.proto. */
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
const IR_VERSION_8 = [0x08, 0x08];
function modelWithGraph(graphBody: number[]): Uint8Array {
  return Uint8Array.from([...IR_VERSION_8, ...len(7, graphBody)]);
}

function rejects(bytes: Uint8Array, code: ErrorCode, options?: OnnxDecodeOptions): void {
  assert.throws(
    () => decodeModel(bytes, options),
    (error: unknown) => isProvenantError(error, code),
    `expected ${code}`,
  );
}

test('rejects a varint cut off by the end of the input as PRV_ERR_ONNX_TRUNCATED', () => {
  rejects(Uint8Array.from([0x08, 0x80, 0x80]), 'PRV_ERR_ONNX_TRUNCATED');
});

test('rejects a varint longer than 10 bytes and a 10th byte that overflows 64 bits', () => {
  rejects(Uint8Array.from([0x08, ...new Array<number>(10).fill(0xff), 0x01]), 'PRV_ERR_ONNX_MALFORMED');
  rejects(Uint8Array.from([0x08, ...new Array<number>(9).fill(0xff), 0x02]), 'PRV_ERR_ONNX_MALFORMED');
});

test('rejects a length prefix larger than the bytes left before allocating anything', () => {
  // ModelProto.graph declaring 2^31 bytes, followed by 3 bytes.
  rejects(Uint8Array.from([...IR_VERSION_8, 0x3a, ...varint(2 ** 31), 1, 2, 3]), 'PRV_ERR_ONNX_TRUNCATED');
  // A nested length that exceeds its enclosing message, though not the whole buffer.
  const graph = [...len(2, [0x61]), 0x0a, 0x10]; // node (1) claims 16 bytes inside a graph that has 0 left
  rejects(Uint8Array.from([...IR_VERSION_8, ...len(7, graph), ...new Array<number>(32).fill(0)]), 'PRV_ERR_ONNX_TRUNCATED');
});

test('rejects a known field sent with the wrong wire type', () => {
  rejects(Uint8Array.from([0x0a, 0x01, 0x08]), 'PRV_ERR_ONNX_MALFORMED'); // ir_version as LEN
  rejects(modelWithGraph([0x10, 0x01]), 'PRV_ERR_ONNX_MALFORMED'); // GraphProto.name as VARINT
});

test('rejects group wire types, reserved wire types and field number 0', () => {
  rejects(Uint8Array.from([...IR_VERSION_8, 0x4b, 0x4c]), 'PRV_ERR_ONNX_MALFORMED'); // field 9 SGROUP/EGROUP
  rejects(Uint8Array.from([...IR_VERSION_8, 0x4e]), 'PRV_ERR_ONNX_MALFORMED'); // wire type 6
  rejects(Uint8Array.from([0x00, 0x01]), 'PRV_ERR_ONNX_MALFORMED');
});

test('rejects a singular field given twice instead of merging it as protobuf would', () => {
  rejects(Uint8Array.from([...IR_VERSION_8, ...len(7, []), ...len(7, [])]), 'PRV_ERR_ONNX_MALFORMED');
  rejects(Uint8Array.from([...IR_VERSION_8, ...IR_VERSION_8, ...len(7, [])]), 'PRV_ERR_ONNX_MALFORMED');
});

test('rejects subgraphs nested past the depth limit without exhausting the stack', () => {
  // Node > attribute g > graph > node > attribute g > ... 200 levels deep.
  let graph: number[] = [];
  for (let i = 0; i < 200; i++) {
    const attribute = [...len(1, [0x67]), ...len(6, graph), 0xa0, 0x01, 0x05]; // name "g", g, type = GRAPH (5)
    graph = len(1, [...len(4, [0x49, 0x66]), ...len(5, attribute)]); // node op_type "If"
  }
  rejects(modelWithGraph(graph), 'PRV_ERR_ONNX_TOO_DEEP');
  assert.ok(MAX_ONNX_NESTING_DEPTH < 200);
});

test('a caller may lower the depth, message, size and string limits', () => {
  const graph = len(1, [...len(4, [0x52, 0x65, 0x6c, 0x75])]); // one Relu node
  const bytes = modelWithGraph([...graph, ...graph, ...graph]);
  assert.equal(decodeModel(bytes).graph.nodes.length, 3);
  rejects(bytes, 'PRV_ERR_ONNX_LIMIT_EXCEEDED', { maxMessages: 3 });
  rejects(bytes, 'PRV_ERR_ONNX_TOO_DEEP', { maxDepth: 1 });
  rejects(bytes, 'PRV_ERR_ONNX_TOO_LARGE', { maxBytes: bytes.length - 1 });
  rejects(bytes, 'PRV_ERR_ONNX_LIMIT_EXCEEDED', { maxStringBytes: 3 });
});

test('refuses decode options that are unknown or above the built-in ceilings', () => {
  assert.throws(() => decodeModel(new Uint8Array(0), { maxBytez: 1 } as OnnxDecodeOptions), (e: unknown) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT'));
  assert.throws(() => decodeModel(new Uint8Array(0), { maxDepth: 10_000 }), (e: unknown) => isProvenantError(e, 'PRV_ERR_OUT_OF_RANGE'));
  assert.throws(() => decodeModel('bytes' as unknown as Uint8Array), (e: unknown) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT'));
});

test('bounds unpacked repeated scalars by a decode-wide budget', () => {
  // 1000 dims on one tensor: over the rank limit long before memory matters.
  const dims = new Array<number>(1000).fill(0).flatMap(() => [0x08, 0x01]);
  rejects(modelWithGraph(len(5, [...dims, 0x10, 0x01])), 'PRV_ERR_ONNX_LIMIT_EXCEEDED');
  const ints = new Array<number>(100).fill(0).flatMap(() => [0x40, 0x01]); // AttributeProto.ints (8), unpacked
  const node = len(1, [...len(4, [0x41]), ...len(5, [...len(1, [0x6b]), ...ints, 0xa0, 0x01, 0x07])]);
  rejects(modelWithGraph(node), 'PRV_ERR_ONNX_LIMIT_EXCEEDED', { maxRepeatedScalars: 50 });
});

test('rejects invalid UTF-8 in names', () => {
  rejects(modelWithGraph(len(2, [0xc3, 0x28])), 'PRV_ERR_ONNX_MALFORMED');
});

test('refuses features that would change the computation if skipped', () => {
  const tensorHeader = [0x08, 0x01, 0x10, 0x01]; // dims [1], FLOAT
  rejects(modelWithGraph(len(5, [...tensorHeader, ...len(13, [])])), 'PRV_ERR_ONNX_UNSUPPORTED'); // external_data
  rejects(modelWithGraph(len(5, [...tensorHeader, 0x70, 0x01])), 'PRV_ERR_ONNX_UNSUPPORTED'); // data_location EXTERNAL
  rejects(modelWithGraph(len(15, [])), 'PRV_ERR_ONNX_UNSUPPORTED'); // sparse_initializer
  rejects(Uint8Array.from([...IR_VERSION_8, ...len(7, []), ...len(25, [])]), 'PRV_ERR_ONNX_UNSUPPORTED'); // functions
  const sequenceType = len(2, len(4, [])); // ValueInfoProto.type = TypeProto.sequence_type
  rejects(modelWithGraph(len(11, [...len(1, [0x78]), ...sequenceType])), 'PRV_ERR_ONNX_UNSUPPORTED');
});

test('rejects tensors whose data does not match their dims or type', () => {
  rejects(modelWithGraph(len(5, [0x08, 0x02, 0x10, 0x01, ...len(9, [0, 0, 0x80, 0x3f])])), 'PRV_ERR_ONNX_INVALID_MODEL'); // 2 floats, 4 bytes
  rejects(modelWithGraph(len(5, [0x08, 0x01, 0x10, 0x01, ...len(5, [0x01])])), 'PRV_ERR_ONNX_INVALID_MODEL'); // FLOAT in int32_data
  rejects(modelWithGraph(len(5, [0x08, 0x01, 0x10, 0x01, ...len(4, [0, 0, 0])])), 'PRV_ERR_ONNX_MALFORMED'); // packed floats, 3 bytes
});

test('requires ir_version, a graph and attribute types (IR >= 2)', () => {
  rejects(Uint8Array.from(len(7, [])), 'PRV_ERR_ONNX_INVALID_MODEL');
  rejects(Uint8Array.from(IR_VERSION_8), 'PRV_ERR_ONNX_INVALID_MODEL');
  const untyped = len(1, [...len(4, [0x41]), ...len(5, [...len(1, [0x6b]), 0x18, 0x01])]); // attribute i=1 without type
  rejects(modelWithGraph(untyped), 'PRV_ERR_ONNX_INVALID_MODEL');
});

test('every truncation and seeded byte corruption of a real model fails with a coded error, never a crash', () => {
  const bytes = new Uint8Array(readFileSync(path.join(REPO_ROOT, 'models', 'out', 'iris.onnx')));
  // protobuf has no end marker: a cut exactly between two top-level fields is a valid shorter model
  // (here: before opset_import or metadata_props). Every other cut must fail with a code.
  let decodedPrefixes = 0;
  for (let cut = 0; cut < bytes.length; cut++) {
    try {
      decodeModel(bytes.subarray(0, cut));
      decodedPrefixes += 1;
    } catch (error) {
      assert.ok(isProvenantError(error), `prefix of ${cut} bytes: ${String(error)}`);
    }
  }
  assert.ok(decodedPrefixes <= 4, `${decodedPrefixes} prefixes decoded`);
  let state = 0x2545f491; // xorshift32: a fixed corruption schedule, so failures reproduce
  const next = (): number => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  for (let round = 0; round < 2000; round++) {
    const mutated = Uint8Array.from(bytes);
    for (let flips = 1 + (next() % 4); flips > 0; flips--) mutated[next() % mutated.length] = next() & 0xff;
    try {
      decodeModel(mutated);
    } catch (error) {
      assert.ok(isProvenantError(error), `round ${round}: ${String(error)}`);
    }
  }
});
