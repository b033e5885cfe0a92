import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_INLINE_KSERVE_BODY_BYTES,
  decodeFrameBody,
  encodeFrame,
  encodeInferKserveRequest,
  encodeInferKserveResponse,
  encodeModelInfo,
  encodeStatus,
  isProvenantError,
  parseAttestResponse,
  parseEmptyResponse,
  parseInferKserveRequest,
  parseInferKserveResponse,
  parseInferResponse,
  parseModelInfo,
  parseStatus,
  type ModelInfo,
} from '@provenant/protocol';

/** What the parent sees: the body after a trip through a real frame. */
const wire = (body: unknown): unknown => decodeFrameBody(encodeFrame(body).subarray(4));
const malformed = (e: unknown): boolean => isProvenantError(e, 'PRV_ERR_WIRE_MALFORMED');

const info: ModelInfo = {
  name: 'iris',
  sha256: 'ab'.repeat(32),
  size: 927,
  loadedAt: 1_700_000_000_000,
  source: 'boot',
  inputs: [{ name: 'input', dtype: 'FP32', shape: [-1, 4] }],
  outputs: [{ name: 'logits', dtype: 'FP32', shape: [-1, 3] }],
  plan: null,
};

describe('op response bodies', () => {
  it('round-trips model info and status through a frame', () => {
    assert.deepEqual(parseModelInfo(wire(encodeModelInfo(info))), info);
    const status = { ready: true, models: 3, inFlight: 1, queued: 0, receipts: 12, uptimeMs: 5000 };
    assert.deepEqual(parseStatus(wire(encodeStatus(status))), status);
  });

  it('refuses unknown fields, uppercase hex, bad dimensions and a source outside boot/upload', () => {
    const body = encodeModelInfo(info) as Record<string, unknown>;
    assert.throws(() => parseModelInfo(wire({ ...body, extra: 1 })), malformed);
    assert.throws(() => parseModelInfo(wire({ ...body, sha256: 'AB'.repeat(32) })), malformed);
    assert.throws(() => parseModelInfo(wire({ ...body, source: 'disk' })), malformed);
    assert.throws(() => parseModelInfo(wire({ ...body, inputs: [{ name: 'input', dtype: 'FP32', shape: [-2] }] })), malformed);
    assert.throws(() => parseStatus(wire({ ...(encodeStatus({ ready: true, models: 0, inFlight: 0, queued: 0, receipts: 0, uptimeMs: 0 }) as object), ready: 1 })), malformed);
    assert.throws(() => parseEmptyResponse(wire({ x: 1 }), 'model.delete'), malformed);
  });

  it('refuses an infer response whose receipt lacks the fields its mode needs', () => {
    const receipt = { format: 'provenant.receipt.v1', mode: 'session', claims: 'AA==', session_key: 'BA'.padEnd(88, 'A') };
    const body = { model: { name: 'iris', sha256: 'ab'.repeat(32) }, outputs: [], receipt };
    assert.throws(() => parseInferResponse(wire(body)), malformed);
  });

  it('refuses an attest response with a session key that is not an uncompressed P-256 point', () => {
    const body = { document: Uint8Array.of(1), boot_document: Uint8Array.of(1), session_key: new Uint8Array(65), config: Uint8Array.of(1) };
    assert.throws(() => parseAttestResponse(wire(body)), malformed);
    const key = new Uint8Array(65);
    key[0] = 4;
    assert.equal(parseAttestResponse(wire({ ...body, session_key: key })).sessionKey.length, 65);
  });
});

describe('infer.kserve bodies', () => {
  const body = new TextEncoder().encode('{"inputs":[]}');

  it('round-trip through a frame, with and without the optional fields', () => {
    for (const request of [{ model: 'iris', body }, { model: 'iris', body, jsonBytes: 5, timeoutMs: 1000 }]) {
      assert.deepEqual(parseInferKserveRequest(wire(encodeInferKserveRequest(request))), request);
    }
    for (const response of [{ body }, { body, jsonBytes: body.length, receiptId: 'ab'.repeat(16) }]) {
      assert.deepEqual(parseInferKserveResponse(wire(encodeInferKserveResponse(response))), response);
    }
  });

  it('refuses what the envelope cannot hold: a body past one frame, json_bytes past the body, a bad model name or receipt id', () => {
    const tooLarge = new Uint8Array(MAX_INLINE_KSERVE_BODY_BYTES + 1);
    assert.throws(() => encodeInferKserveResponse({ body: tooLarge }), (e) => isProvenantError(e, 'PRV_ERR_KSERVE_OUTPUT_UNREPRESENTABLE'));
    assert.throws(() => parseInferKserveRequest({ model: 'iris', body: tooLarge }), malformed);
    assert.throws(() => parseInferKserveRequest({ model: 'iris', body, json_bytes: body.length + 1 }), malformed);
    assert.throws(() => parseInferKserveRequest({ model: '../iris', body }), (e) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT'));
    assert.throws(() => parseInferKserveRequest({ model: 'iris', body, timeout_ms: 10 * 60 * 1000 + 1 }), malformed);
    assert.throws(() => parseInferKserveResponse({ body, receipt_id: 'AB'.repeat(16) }), malformed);
    assert.throws(() => parseInferKserveResponse({ body, json_bytes: body.length + 1 }), malformed);
    assert.throws(() => parseInferKserveResponse({ body: 'text' }), malformed);
  });
});
