import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_KSERVE_BODY_BYTES, parseInferenceHeaderLength, parseKserveInferRequest, type ErrorCode } from '@provenant/protocol';

const UTF8 = new TextEncoder();
const input = (fields: Record<string, unknown>): Uint8Array =>
  UTF8.encode(JSON.stringify({ inputs: [{ name: 'x', shape: [2], datatype: 'FP32', data: [1, 2], ...fields }] }));

function rejects(body: Uint8Array, code: ErrorCode, jsonBytes?: number): void {
  assert.throws(() => parseKserveInferRequest(body, jsonBytes), (error: { code?: string }) => {
    assert.equal(error.code, code);
    return true;
  });
}

test('refuses element counts that differ from the shape, either way', () => {
  rejects(input({ data: [1] }), 'PRV_ERR_KSERVE_SHAPE_MISMATCH');
  rejects(input({ data: [1, 2, 3] }), 'PRV_ERR_KSERVE_SHAPE_MISMATCH');
  rejects(input({ shape: [2, 2], data: [[1, 2], [3]] }), 'PRV_ERR_KSERVE_SHAPE_MISMATCH');
});

test('refuses elements that do not fit the datatype: fractions, out of range, unsafe integers, strings, null', () => {
  rejects(input({ datatype: 'INT32', data: [1, 1.5] }), 'PRV_ERR_KSERVE_ELEMENT_INVALID');
  rejects(input({ datatype: 'UINT8', data: [1, 256] }), 'PRV_ERR_KSERVE_ELEMENT_INVALID');
  rejects(input({ datatype: 'INT8', data: [1, -129] }), 'PRV_ERR_KSERVE_ELEMENT_INVALID');
  rejects(input({ datatype: 'UINT64', data: [1, -1] }), 'PRV_ERR_KSERVE_ELEMENT_INVALID');
  // 2^53 + 1 arrives from JSON.parse as 2^53, which is not a safe integer: refused, never silently rounded.
  rejects(UTF8.encode('{"inputs":[{"name":"x","shape":[1],"datatype":"INT64","data":[9007199254740993]}]}'), 'PRV_ERR_KSERVE_ELEMENT_INVALID');
  rejects(input({ datatype: 'INT64', data: [1, '2'] }), 'PRV_ERR_KSERVE_ELEMENT_INVALID');
  rejects(input({ data: [1, null] }), 'PRV_ERR_KSERVE_ELEMENT_INVALID');
  rejects(input({ datatype: 'BOOL', data: [1, 0] }), 'PRV_ERR_KSERVE_ELEMENT_INVALID');
  rejects(input({ data: [1, 1e39] }), 'PRV_ERR_KSERVE_ELEMENT_INVALID'); // overflows FP32
  rejects(input({ datatype: 'FP16', data: [1, 70000] }), 'PRV_ERR_KSERVE_ELEMENT_INVALID');
});

test('refuses NaN written as a bare token: the body is not JSON', () => {
  rejects(UTF8.encode('{"inputs":[{"name":"x","shape":[1],"datatype":"INT32","data":[NaN]}]}'), 'PRV_ERR_KSERVE_MALFORMED');
});

test('refuses huge shapes before allocating, and too deep nesting', () => {
  rejects(input({ shape: [1 << 20, 1 << 20] }), 'PRV_ERR_TENSOR_TOO_LARGE');
  rejects(input({ shape: [1, 1, 1, 1, 1, 1, 1, 1, 1] }), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(input({ shape: [-1] }), 'PRV_ERR_KSERVE_MALFORMED');
  const deep = `{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":${'['.repeat(10_000)}1${']'.repeat(10_000)}}]}`;
  rejects(UTF8.encode(deep), 'PRV_ERR_KSERVE_MALFORMED');
  assert.throws(() => parseKserveInferRequest(new Uint8Array(MAX_KSERVE_BODY_BYTES + 1)), { code: 'PRV_ERR_KSERVE_BODY_TOO_LARGE' });
});

test('refuses missing and unknown fields, unknown datatypes and bad parameters', () => {
  rejects(UTF8.encode('{}'), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(UTF8.encode('{"inputs":[]}'), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(UTF8.encode('[]'), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(UTF8.encode('{"inputs":[{"shape":[1],"datatype":"FP32","data":[1]}]}'), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(input({ data: undefined }), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(input({ extra: 1 }), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(input({ datatype: 'BYTES' }), 'PRV_ERR_KSERVE_DATATYPE');
  rejects(input({ datatype: 'BF16' }), 'PRV_ERR_KSERVE_DATATYPE');
  const withParams = (parameters: unknown): Uint8Array =>
    UTF8.encode(JSON.stringify({ parameters, inputs: [{ name: 'x', shape: [1], datatype: 'FP32', data: [1] }] }));
  rejects(withParams({ receipt_mode: 'fast' }), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(withParams({ nonce: 'abc' }), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(withParams({ nonce: 'zz' }), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(withParams({ nonce: 'ab'.repeat(65) }), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(withParams({ priority: 1 }), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(UTF8.encode('{"inputs":[{"name":"x","shape":[1],"datatype":"FP32","data":[1]},{"name":"x","shape":[1],"datatype":"FP32","data":[1]}]}'), 'PRV_ERR_TENSOR_INVALID');
  rejects(new Uint8Array([0x7b, 0xff, 0x7d]), 'PRV_ERR_KSERVE_MALFORMED');
});

test('binary extension: sizes must match the shape and use up the body exactly', () => {
  const head = (size: number): Uint8Array =>
    UTF8.encode(JSON.stringify({ inputs: [{ name: 'x', shape: [2], datatype: 'INT16', parameters: { binary_data_size: size } }] }));
  const ok = head(4);
  assert.equal(parseKserveInferRequest(new Uint8Array([...ok, 1, 0, 2, 0]), ok.length).inputs.length, 1);
  rejects(new Uint8Array([...head(3), 1, 0, 2]), 'PRV_ERR_KSERVE_BINARY_INVALID', head(3).length);
  rejects(new Uint8Array([...ok, 1, 0, 2]), 'PRV_ERR_KSERVE_BINARY_INVALID', ok.length);
  rejects(new Uint8Array([...ok, 1, 0, 2, 0, 9]), 'PRV_ERR_KSERVE_BINARY_INVALID', ok.length);
  // Without the header the trailing bytes make the body invalid JSON; a JSON-only body may not declare binary sizes.
  rejects(new Uint8Array([...ok, 1, 0, 2, 0]), 'PRV_ERR_KSERVE_MALFORMED');
  rejects(ok, 'PRV_ERR_KSERVE_BINARY_INVALID');
  rejects(ok, 'PRV_ERR_KSERVE_BINARY_INVALID', ok.length + 10);
  const bools = UTF8.encode(JSON.stringify({ inputs: [{ name: 'b', shape: [1], datatype: 'BOOL', parameters: { binary_data_size: 1 } }] }));
  rejects(new Uint8Array([...bools, 2]), 'PRV_ERR_KSERVE_ELEMENT_INVALID', bools.length);
  assert.throws(() => parseInferenceHeaderLength('12a'), { code: 'PRV_ERR_KSERVE_BINARY_INVALID' });
  assert.throws(() => parseInferenceHeaderLength('-1'), { code: 'PRV_ERR_KSERVE_BINARY_INVALID' });
  assert.equal(parseInferenceHeaderLength('0042'), 42);
});
