import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  TENSOR_DTYPE_NAMES,
  encodeKserveInferRequest,
  encodeKserveInferResponse,
  parseKserveInferRequest,
  parseKserveInferResponse,
  tensorsDigest,
  wantsBinaryOutput,
  type Tensor,
  type TensorDType,
} from '@provenant/protocol';

const UTF8 = new TextEncoder();
const json = (value: unknown): Uint8Array => UTF8.encode(JSON.stringify(value));

/** One sample per datatype: JSON values and the little-endian bytes they must become. */
const SAMPLES: Record<TensorDType, { data: unknown[]; bytes: number[] }> = {
  BOOL: { data: [true, false, true], bytes: [1, 0, 1] },
  UINT8: { data: [0, 255, 7], bytes: [0, 255, 7] },
  UINT16: { data: [0, 65535, 258], bytes: [0, 0, 255, 255, 2, 1] },
  UINT32: { data: [1, 4294967295, 0], bytes: [1, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 0] },
  UINT64: { data: [1, 9007199254740991, 0], bytes: [1, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 31, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
  INT8: { data: [-128, 127, -1], bytes: [128, 127, 255] },
  INT16: { data: [-32768, 32767, -2], bytes: [0, 128, 255, 127, 254, 255] },
  INT32: { data: [-1, 2147483647, -2147483648], bytes: [255, 255, 255, 255, 255, 255, 255, 127, 0, 0, 0, 128] },
  INT64: { data: [-1, -9007199254740991, 2], bytes: [255, 255, 255, 255, 255, 255, 255, 255, 1, 0, 0, 0, 0, 0, 224, 255, 2, 0, 0, 0, 0, 0, 0, 0] },
  FP16: { data: [1, -2, 65504], bytes: [0, 60, 0, 192, 255, 123] },
  FP32: { data: [1, -0.5, 0.1], bytes: [0, 0, 128, 63, 0, 0, 0, 191, 205, 204, 204, 61] },
  FP64: { data: [1, -0.5, 0.1], bytes: [0, 0, 0, 0, 0, 0, 240, 63, 0, 0, 0, 0, 0, 0, 224, 191, 154, 153, 153, 153, 153, 153, 185, 63] },
};

test('every datatype parses from JSON data into exact little-endian bytes and writes back to the same values', () => {
  for (const dtype of TENSOR_DTYPE_NAMES) {
    const sample = SAMPLES[dtype];
    const request = parseKserveInferRequest(json({ inputs: [{ name: 'x', shape: [3], datatype: dtype, data: sample.data }] }));
    const tensor = request.inputs[0] as Tensor;
    assert.deepEqual([...tensor.data], sample.bytes, dtype);
    const { body, jsonBytes } = encodeKserveInferResponse({ modelName: 'm', modelVersion: 'ab', outputs: [tensor], receipt: { r: 1 } });
    assert.equal(jsonBytes, undefined);
    const text = JSON.parse(new TextDecoder().decode(body)) as { outputs: { data: unknown[] }[] };
    const expected = dtype === 'FP32' ? [1, -0.5, Math.fround(0.1)] : sample.data;
    assert.deepEqual(text.outputs[0]?.data, expected, dtype);
  }
});

test('nested data is flattened row-major like Triton', () => {
  const request = parseKserveInferRequest(json({ inputs: [{ name: 'x', shape: [2, 2], datatype: 'INT8', data: [[1, 2], [3, [4]]] }] }));
  assert.deepEqual([...(request.inputs[0] as Tensor).data], [1, 2, 3, 4]);
});

test('FP32 uses Math.fround and FP16 rounds correctly from the JSON number', () => {
  const request = parseKserveInferRequest(
    json({ inputs: [
      { name: 'a', shape: [1], datatype: 'FP32', data: [16777217] },
      { name: 'b', shape: [1], datatype: 'FP16', data: [1.0009765625 + 2 ** -30] },
    ] }),
  );
  const [a, b] = request.inputs as [Tensor, Tensor];
  assert.equal(new DataView(a.data.buffer).getFloat32(0, true), 16777216);
  assert.deepEqual([...b.data], [1, 60]); // 0x3c01
});

test('request defaults and parameters: session mode, nonce hex to bytes, id, outputs with binary flags', () => {
  const plain = parseKserveInferRequest(json({ inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }));
  assert.equal(plain.receiptMode, 'session');
  assert.equal(plain.nonce, undefined);
  assert.equal(plain.binaryDataOutput, false);
  const full = parseKserveInferRequest(
    json({
      id: 'req-1',
      parameters: { receipt_mode: 'batched', nonce: 'A0b1', binary_data_output: true },
      inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }],
      outputs: [{ name: 'y', parameters: { binary_data: false } }, { name: 'z' }],
    }),
  );
  assert.equal(full.id, 'req-1');
  assert.equal(full.receiptMode, 'batched');
  assert.deepEqual([...(full.nonce as Uint8Array)], [0xa0, 0xb1]);
  assert.equal(wantsBinaryOutput(full, 'y'), false);
  assert.equal(wantsBinaryOutput(full, 'z'), true);
});

test('binary tensor data extension: inputs take their bytes in order after the JSON', () => {
  const tensors: Tensor[] = [
    { name: 'a', dtype: 'FP16', shape: [2], data: new Uint8Array([0, 60, 0, 192]) },
    { name: 'b', dtype: 'INT64', shape: [1], data: new Uint8Array([255, 255, 255, 255, 255, 255, 255, 127]) }, // 2^63-1: no exact JSON form
    { name: 'c', dtype: 'BOOL', shape: [1, 2], data: new Uint8Array([1, 0]) },
  ];
  const { body, jsonBytes } = encodeKserveInferRequest(tensors, { binaryInputs: true, receiptMode: 'attested' });
  assert.ok(jsonBytes !== undefined && jsonBytes < body.length);
  const parsed = parseKserveInferRequest(body, jsonBytes);
  assert.deepEqual(parsed.inputs, tensors);
  assert.equal(parsed.receiptMode, 'attested');
  // Mixed: one input in JSON, one binary.
  const head = UTF8.encode(JSON.stringify({ inputs: [
    { name: 'j', shape: [1], datatype: 'UINT8', data: [9] },
    { name: 'k', shape: [2], datatype: 'UINT8', parameters: { binary_data_size: 2 } },
  ] }));
  const mixed = new Uint8Array([...head, 4, 5]);
  const got = parseKserveInferRequest(mixed, head.length);
  assert.deepEqual(got.inputs.map((t) => [...t.data]), [[9], [4, 5]]);
});

test('binary outputs go after the JSON with binary_data_size and parse back to identical tensors and digest', () => {
  const outputs: Tensor[] = [
    { name: 'probabilities', dtype: 'FP32', shape: [1, 3], data: new Uint8Array(new Float32Array([0.25, -0, 0.75]).buffer) },
    { name: 'label', dtype: 'INT64', shape: [1], data: new Uint8Array(8).fill(0xff) },
  ];
  const receipt = { format: 'provenant.receipt.v1', mode: 'session', claims: 'AA==', session_key: 'BB==', signature: 'CC==' };
  for (const binary of [false, true]) {
    const { body, jsonBytes } = encodeKserveInferResponse(
      { modelName: 'iris', modelVersion: 'ff'.repeat(32), id: 'r', outputs, receipt },
      (name) => binary && name === 'label',
    );
    assert.equal(jsonBytes !== undefined, binary);
    const parsed = parseKserveInferResponse(body, jsonBytes);
    assert.deepEqual(parsed.receipt, receipt);
    assert.equal(parsed.modelVersion, 'ff'.repeat(32));
    assert.deepEqual(tensorsDigest(parsed.outputs), tensorsDigest(outputs), 'the receipt output hash can be recomputed, -0 and all');
  }
});

test('JSON output keeps -0 and prints 64-bit integers exactly', () => {
  const outputs: Tensor[] = [
    { name: 'f', dtype: 'FP32', shape: [1], data: new Uint8Array([0, 0, 0, 0x80]) },
    { name: 'i', dtype: 'UINT64', shape: [1], data: new Uint8Array(8).fill(0xff) },
  ];
  const { body } = encodeKserveInferResponse({ modelName: 'm', modelVersion: 'v', outputs, receipt: {} });
  const text = new TextDecoder().decode(body);
  assert.match(text, /"data":\[-0\]/);
  assert.match(text, /"data":\[18446744073709551615\]/);
});

test('NaN outputs cannot go as JSON and say to ask for binary data', () => {
  const outputs: Tensor[] = [{ name: 'f', dtype: 'FP64', shape: [1], data: new Uint8Array(new Float64Array([NaN]).buffer) }];
  assert.throws(() => encodeKserveInferResponse({ modelName: 'm', modelVersion: 'v', outputs, receipt: {} }), { code: 'PRV_ERR_KSERVE_OUTPUT_UNREPRESENTABLE' });
  const { jsonBytes } = encodeKserveInferResponse({ modelName: 'm', modelVersion: 'v', outputs, receipt: {} }, () => true);
  assert.ok(jsonBytes !== undefined);
});
