import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAX_PLAN_JSON_BYTES,
  decodeFrameBody,
  encodeFrame,
  encodeInferRequest,
  encodeInferResponse,
  encodeModelInfo,
  encodeModelPutRequest,
  encodeReceiptGetRequest,
  encodeReceiptGetResponse,
  isOp,
  isProvenantError,
  parseInferRequest,
  parseInferResponse,
  parseModelInfo,
  parseModelPutRequest,
  parseReceiptGetRequest,
  parseReceiptGetResponse,
  toBase64,
  type InferRequest,
  type ModelInfo,
  type PlanReceiptJson,
  type ReceiptJson,
} from '@provenant/protocol';

/** What the other side sees: the body after a trip through a real frame. */
const wire = (body: unknown): unknown => decodeFrameBody(encodeFrame(body).subarray(4));
const malformed = (e: unknown): boolean => isProvenantError(e, 'PRV_ERR_WIRE_MALFORMED');
const bytes = (length: number, first: number): string => toBase64(Uint8Array.from({ length }, (_, i) => (i === 0 ? first : i & 0xff)));

const plan = '[{"until":"relu1","mode":"tee"},{"until":"@end","mode":"zk"}]';
const planReceipt: PlanReceiptJson = {
  format: 'provenant.receipt.v2',
  mode: 'session',
  claims: bytes(300, 0xa0),
  session_key: bytes(65, 0x04),
  signature: bytes(64, 1),
  id: '0123456789abcdef0123456789abcdef',
  proofs: [null, { status: 'failed', error: { code: 'PRV_ERR_ZK_PROVE_FAILED', message: 'proving failed' } }],
  openings: { input_salt: null, output_salt: '12345678901234567890' },
};
const v1Receipt: ReceiptJson = { format: 'provenant.receipt.v1', mode: 'session', claims: bytes(120, 0xa9), session_key: bytes(65, 0x04), signature: bytes(64, 2) };
const model = { name: 'iris', sha256: 'ab'.repeat(32) };

describe('wire: proof plans (infer plan/wait, model.put plan, ModelInfo plan, receipt.get)', () => {
  it('round-trips infer requests with plan and wait, and leaves them out when absent', () => {
    const request: InferRequest = { model: 'iris', inputs: [], receipt: 'session', plan, wait: true };
    assert.deepEqual(parseInferRequest(wire(encodeInferRequest(request))), request);
    const bare = parseInferRequest(wire(encodeInferRequest({ model: 'iris', inputs: [], receipt: 'attested' })));
    assert.equal('plan' in bare, false);
    assert.equal('wait' in bare, false);
  });

  it('refuses an infer plan that is empty, not a string, or longer than MAX_PLAN_JSON_BYTES, and a wait that is not a boolean', () => {
    const base = { model: 'iris', inputs: [], receipt: 'session' };
    assert.throws(() => parseInferRequest(wire({ ...base, plan: '' })), malformed);
    assert.throws(() => parseInferRequest(wire({ ...base, plan: ['tee'] })), malformed);
    assert.throws(() => parseInferRequest(wire({ ...base, plan: ' '.repeat(MAX_PLAN_JSON_BYTES + 1) })), malformed);
    assert.throws(() => parseInferRequest(wire({ ...base, wait: 1 })), malformed);
  });

  it('round-trips model.put with a default plan and ModelInfo with plan set or nil', () => {
    const put = { name: 'iris2', size: 927, plan };
    assert.deepEqual(parseModelPutRequest(wire(encodeModelPutRequest(put))), put);
    const info: ModelInfo = { ...model, size: 927, loadedAt: 1, source: 'upload', inputs: [], outputs: [], plan };
    assert.deepEqual(parseModelInfo(wire(encodeModelInfo(info))), info);
    assert.deepEqual(parseModelInfo(wire(encodeModelInfo({ ...info, plan: null }))), { ...info, plan: null });
  });

  it('refuses ModelInfo without its plan field (nil is how an enclave says "none")', () => {
    const body = encodeModelInfo({ ...model, size: 927, loadedAt: 1, source: 'boot', inputs: [], outputs: [], plan: null }) as Record<string, unknown>;
    const { plan: _omitted, ...withoutPlan } = body;
    assert.throws(() => parseModelInfo(wire(withoutPlan)), malformed);
    assert.throws(() => parseModelInfo(wire({ ...body, plan: 7 })), malformed);
  });

  it('receipt.get is an op; its request takes exactly 32 lowercase hex digits and an optional wait', () => {
    assert.equal(isOp('receipt.get'), true);
    assert.deepEqual(parseReceiptGetRequest(wire(encodeReceiptGetRequest({ id: planReceipt.id, wait: true }))), { id: planReceipt.id, wait: true });
    assert.deepEqual(parseReceiptGetRequest(wire({ id: planReceipt.id })), { id: planReceipt.id });
    assert.throws(() => parseReceiptGetRequest(wire({ id: planReceipt.id.toUpperCase() })), malformed);
    assert.throws(() => parseReceiptGetRequest(wire({ id: planReceipt.id.slice(1) })), malformed);
    assert.throws(() => parseReceiptGetRequest(wire({ id: planReceipt.id, extra: true })), malformed);
  });

  it('infer responses carry either a v1 receipt or a plan receipt, each passed through unchanged', () => {
    for (const receipt of [v1Receipt, planReceipt]) {
      const parsed = parseInferResponse(wire(encodeInferResponse({ model, outputs: [], receipt })));
      assert.deepEqual(parsed.receipt, receipt);
    }
  });

  it('receipt.get responses round-trip a plan receipt and refuse a v1 one or a broken proof entry', () => {
    assert.deepEqual(parseReceiptGetResponse(wire(encodeReceiptGetResponse(planReceipt))), planReceipt);
    assert.throws(() => parseReceiptGetResponse(wire({ receipt: v1Receipt })), malformed);
    const broken = { ...planReceipt, proofs: [null, { status: 'done' }] };
    assert.throws(() => parseReceiptGetResponse(wire({ receipt: broken })), malformed);
    assert.throws(() => parseInferResponse(wire({ model, outputs: [], receipt: { ...planReceipt, id: 'x' } })), malformed);
  });
});
