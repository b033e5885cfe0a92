import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  PLAN_RECEIPT_FORMAT,
  decodeClaims,
  encodeKserveInferRequest,
  fromBase64,
  isProvenantError,
  parseInferKserveResponse,
  parseInferResponse,
  parseKserveInferResponse,
  tensorsDigest,
  type ErrorCode,
  type ReceiptJson,
  type Tensor,
} from '@provenant/protocol';
import { startDaemonFixture, type DaemonFixture } from '../support/enclave-test-client.js';

const irisInput: Tensor = { name: 'input', dtype: 'FP32', shape: [2, 4], data: new Uint8Array(Float32Array.of(5.7, 2.9, 4.2, 1.3, 6.3, 3.3, 6.0, 2.5).buffer) };
const fails = (code: ErrorCode) => (error: unknown) => isProvenantError(error, code);
const text = (value: unknown): Uint8Array => new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

/** infer.kserve carries the HTTP body as the client sent it; the enclave parses it and writes the answer. */
describe('enclave: infer.kserve (mock NSM)', () => {
  let fx: DaemonFixture;
  before(async () => {
    fx = await startDaemonFixture();
  });
  after(() => fx.close());

  const relay = async (body: Uint8Array, extra: Record<string, unknown> = {}) =>
    parseInferKserveResponse(await fx.client.request('infer.kserve', { model: 'iris', body, ...extra }));

  it('answers the same outputs as infer, as an Open Inference Protocol body whose receipt binds them', async () => {
    const { body } = encodeKserveInferRequest([irisInput], { id: 'req-1', receiptMode: 'session', nonce: Uint8Array.of(1, 2, 3) });
    const answer = await relay(body);
    assert.equal(answer.jsonBytes, undefined);
    assert.equal(answer.receiptId, undefined, 'a v1 receipt has no id to route');
    const response = parseKserveInferResponse(answer.body);
    const typed = parseInferResponse(await fx.client.request('infer', { model: 'iris', inputs: [irisInput], receipt: 'session' }));
    assert.equal(response.id, 'req-1');
    assert.equal(response.modelName, 'iris');
    assert.equal(response.modelVersion, typed.model.sha256);
    assert.deepEqual(response.outputs, typed.outputs);
    const receipt = response.receipt as ReceiptJson;
    const claims = decodeClaims(fromBase64(receipt.claims, 'claims'));
    assert.deepEqual(claims.input, tensorsDigest([irisInput]));
    assert.deepEqual(claims.output, tensorsDigest(response.outputs));
    assert.deepEqual([...(claims.nonce ?? [])], [1, 2, 3]);
  });

  it('takes binary tensor data in and gives it back, with the JSON length to send as the header', async () => {
    const { body, jsonBytes } = encodeKserveInferRequest([irisInput], { binaryInputs: true, binaryDataOutput: true });
    const answer = await relay(body, { json_bytes: jsonBytes });
    assert.ok(answer.jsonBytes !== undefined && answer.jsonBytes < answer.body.length);
    const response = parseKserveInferResponse(answer.body, answer.jsonBytes);
    assert.deepEqual(response.outputs.map((t) => [t.name, t.shape]), [['logits', [2, 3]]]);
  });

  it('names a plan receipt so the parent can route receipt lookups', async () => {
    const { body } = encodeKserveInferRequest([{ ...irisInput, shape: [1, 4], data: irisInput.data.slice(0, 16) }], { plan: [{ until: '@end', mode: 'tee' }] });
    const answer = await relay(body);
    const receipt = parseKserveInferResponse(answer.body).receipt as { format: string; id: string };
    assert.equal(receipt.format, PLAN_RECEIPT_FORMAT);
    assert.equal(answer.receiptId, receipt.id);
  });

  it('refuses bad bodies with the codec, plan and inference codes, and keeps serving', async () => {
    const input = { name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] };
    const cases: [Uint8Array, ErrorCode, Record<string, unknown>?][] = [
      [text('{"inputs":'), 'PRV_ERR_KSERVE_MALFORMED'],
      [text(''), 'PRV_ERR_KSERVE_MALFORMED'],
      [Uint8Array.of(0xff, 0xfe), 'PRV_ERR_KSERVE_MALFORMED'],
      [text({ inputs: [{ ...input, datatype: 'BYTES' }] }), 'PRV_ERR_KSERVE_DATATYPE'],
      [text({ inputs: [{ ...input, shape: [1, 5] }] }), 'PRV_ERR_KSERVE_SHAPE_MISMATCH'],
      [text({ inputs: [input], parameters: { plan: [] } }), 'PRV_ERR_PLAN_EMPTY'],
      [text({ inputs: [input], parameters: { wait: 'yes' } }), 'PRV_ERR_KSERVE_MALFORMED'],
      [text({ inputs: [input], parameters: { receipt_mode: 'none' } }), 'PRV_ERR_KSERVE_MALFORMED'],
      [text({ inputs: [{ ...input, name: 'x' }] }), 'PRV_ERR_INFER_INPUT_MISMATCH'],
      [text({ inputs: [input], outputs: [{ name: 'nope' }] }), 'PRV_ERR_INFER_OUTPUT_UNKNOWN'],
      [text({ inputs: [input] }), 'PRV_ERR_MODEL_NOT_FOUND', { model: 'missing' }],
      [Buffer.concat([text({ inputs: [input] }), Buffer.alloc(4)]), 'PRV_ERR_KSERVE_BINARY_INVALID', { json_bytes: text({ inputs: [input] }).length }],
      [text({ inputs: [input] }), 'PRV_ERR_KSERVE_MALFORMED', { json_bytes: 10 }],
      [text({ inputs: [input] }), 'PRV_ERR_WIRE_MALFORMED', { json_bytes: 1_000_000 }],
      [text({ inputs: [input] }), 'PRV_ERR_WIRE_MALFORMED', { extra: true }],
    ];
    for (const [body, code, extra] of cases) {
      await assert.rejects(relay(body, extra), fails(code), code);
    }
    await assert.rejects(fx.client.request('infer.kserve', { model: 'iris', body: 'text' }), fails('PRV_ERR_WIRE_MALFORMED'));
    const ok = await relay(text({ inputs: [input] }));
    assert.equal(parseKserveInferResponse(ok.body).outputs.length, 1, 'still serving');
  });
});
