import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  commitmentToDecimal,
  cutNeedsCommitment,
  decodePlanClaims,
  encodePlanJson,
  fromBase64,
  isProvenantError,
  parseInferResponse,
  parseModelInfo,
  parseModelList,
  parsePlanJson,
  parseReceiptGetResponse,
  tensorsDigest,
  toHex,
  type ErrorCode,
  type PlanReceiptJson,
  type Tensor,
} from '@provenant/protocol';
import { poseidonCommitment } from '@provenant/prover';
import { groth16VerificationKeyDigest, parseGroth16VerificationKey, verifyGroth16 } from '@provenant/verifier';
import { BUNDLED_MODEL_DIR, startDaemonFixture, type DaemonFixture } from '../support/enclave-test-client.js';
import { ZK_TEST_CACHE_DIR } from '../support/zk-test-cache.js';

/**
 * The suite's shared key cache (test/support/zk-test-cache.ts): the dev ptau and the four iris circuits'
 * setups cost minutes the first time and are then read from the cache, which exercises the enclave's
 * "keys already in cacheDir" path.
 */
const CACHE_DIR = ZK_TEST_CACHE_DIR;
const SCALE_BITS = 8;
const BIT_WIDTH = 20;
const sample = Float32Array.of(5.7, 2.9, 4.2, 1.3);
const irisInput: Tensor = { name: 'input', dtype: 'FP32', shape: [1, 4], data: new Uint8Array(sample.buffer) };
const sha256 = (bytes: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(bytes).digest());
const floats = (t: Tensor): Float32Array => new Float32Array(t.data.slice().buffer);
const hasCode = (code: ErrorCode) => (e: unknown) => isProvenantError(e, code);

/** Iris is Gemm(fc1) → Relu(relu1) → Gemm(logits): every plan of the issue on it. */
const PLANS = {
  'tee,zk': '[{"until":"relu1","mode":"tee"},{"until":"@end","mode":"zk"}]',
  'zk,tee': '[{"until":"relu1","mode":"zk"},{"until":"@end","mode":"tee"}]',
  'tee,zk,tee': '[{"until":"fc1","mode":"tee"},{"until":"relu1","mode":"zk"},{"until":"@end","mode":"tee"}]',
  'all-zk': '[{"until":"@end","mode":"zk"}]',
  'all-tee': '[{"until":"@end","mode":"tee"}]',
} as const;

/** docs/zk.md §1: round(x · 2^s), half away from zero. */
const quantize = (x: number): bigint => {
  const scaled = x * 2 ** SCALE_BITS;
  return BigInt(Math.sign(scaled) * Math.round(Math.abs(scaled)));
};

function sessionSignatureValid(receipt: PlanReceiptJson): boolean {
  const point = fromBase64(receipt.session_key, 'session_key');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: Buffer.from(point.subarray(1, 33)).toString('base64url'), y: Buffer.from(point.subarray(33)).toString('base64url') },
    format: 'jwk',
  });
  return verify('sha256', fromBase64(receipt.claims, 'claims'), { key, dsaEncoding: 'ieee-p1363' }, fromBase64(receipt.signature as string, 'signature'));
}

describe('enclave: inference under proof plans (mock NSM, dev ptau)', () => {
  let fx: DaemonFixture;
  let plain: Float32Array;

  before(async () => {
    fx = await startDaemonFixture({ zk: { ptau: 'dev', cacheDir: CACHE_DIR, scaleBits: SCALE_BITS, bitWidth: BIT_WIDTH }, limits: { requestTimeoutMs: 600_000 } });
    const v1 = parseInferResponse(await fx.client.request('infer', { model: 'iris', inputs: [irisInput], receipt: 'session' }));
    plain = floats(v1.outputs[0] as Tensor);
  });
  after(() => fx.close());

  const inferPlan = async (plan: string, extra: Record<string, unknown> = {}) =>
    parseInferResponse(await fx.client.request('infer', { model: 'iris', inputs: [irisInput], receipt: 'session', plan, ...extra }));

  for (const [label, plan] of Object.entries(PLANS)) {
    it(`plan ${label}: outputs near plain onnxruntime, cuts follow the rule, claims decode, every proof verifies`, async () => {
      const response = await inferPlan(plan, { wait: true });
      const receipt = response.receipt as PlanReceiptJson;
      assert.equal(receipt.format, 'provenant.receipt.v2');
      assert.match(receipt.id, /^[0-9a-f]{32}$/);
      assert.equal(sessionSignatureValid(receipt), true, 'the session signature covers the plan claims bytes');

      const out = floats(response.outputs[0] as Tensor);
      assert.equal(out.length, plain.length);
      const modes = parsePlanJson(plan).map((s) => s.mode);
      // 8 fractional bits through two Gemms: the measured gap is far below this (docs/zk.md, Error bound).
      const tolerance = modes.includes('zk') ? 0.05 : 0;
      out.forEach((v, i) => assert.ok(Math.abs(v - (plain[i] as number)) <= tolerance, `logit ${i}: ${v} vs ${plain[i]}`));
      const argmax = (a: Float32Array): number => a.indexOf(Math.max(...a));
      assert.equal(argmax(out), argmax(plain), 'same class as onnxruntime');

      const claims = decodePlanClaims(fromBase64(receipt.claims, 'claims'));
      assert.equal(claims.plan, encodePlanJson(parsePlanJson(plan)));
      assert.deepEqual(claims.segments.map((s) => s.mode), modes);
      assert.deepEqual(claims.input, tensorsDigest([irisInput]));
      assert.deepEqual(claims.output, tensorsDigest(response.outputs));
      assert.equal(toHex(claims.model), response.model.sha256);
      claims.cuts.forEach((cut, i) => assert.equal(cut !== null, cutNeedsCommitment(modes, i), `cut ${i}`));

      assert.equal(receipt.proofs.length, modes.length);
      claims.segments.forEach((segment, i) => {
        const entry = receipt.proofs[i];
        if (segment.mode === 'tee') return assert.equal(entry, null);
        assert.ok(entry !== null && entry !== undefined && entry.status === 'proven', JSON.stringify(entry));
        assert.equal(segment.scaleBits, SCALE_BITS);
        assert.equal(segment.bitWidth, BIT_WIDTH);
        assert.equal(groth16VerificationKeyDigest(parseGroth16VerificationKey(entry.verification_key)), toHex(segment.vk));
        assert.deepEqual(entry.public_signals, [commitmentToDecimal(claims.cuts[i] as Uint8Array), commitmentToDecimal(claims.cuts[i + 1] as Uint8Array)]);
        const report = verifyGroth16(entry.verification_key, entry.proof, entry.public_signals);
        assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
      });

      // Openings: whoever holds the input (output) and the salt recomputes cuts[0] (cuts[n]).
      const n = modes.length;
      assert.equal(receipt.openings.input_salt === null, claims.cuts[0] === null);
      assert.equal(receipt.openings.output_salt === null, claims.cuts[n] === null);
      if (receipt.openings.input_salt !== null) {
        const commitment = poseidonCommitment(Array.from(sample, quantize), BigInt(receipt.openings.input_salt), BIT_WIDTH);
        assert.equal(commitment.toString(), commitmentToDecimal(claims.cuts[0] as Uint8Array));
      }
      if (receipt.openings.output_salt !== null) {
        const commitment = poseidonCommitment(Array.from(out, quantize), BigInt(receipt.openings.output_salt), BIT_WIDTH);
        assert.equal(commitment.toString(), commitmentToDecimal(claims.cuts[n] as Uint8Array));
      }
    });
  }

  it('receipt.get returns the receipt as it stands, and with wait once every proof is settled', async () => {
    const response = await inferPlan(PLANS['tee,zk']);
    const first = response.receipt as PlanReceiptJson;
    const now = parseReceiptGetResponse(await fx.client.request('receipt.get', { id: first.id }));
    assert.equal(now.claims, first.claims);
    assert.ok(now.proofs[1] !== null && ['pending', 'proven'].includes((now.proofs[1] as { status: string }).status));
    const settled = parseReceiptGetResponse(await fx.client.request('receipt.get', { id: first.id, wait: true }));
    assert.equal(settled.claims, first.claims);
    assert.equal(settled.proofs[0], null);
    assert.equal((settled.proofs[1] as { status: string }).status, 'proven');
  });

  it('receipt.get of an id the enclave never issued is PRV_ERR_RECEIPT_NOT_FOUND', async () => {
    await assert.rejects(fx.client.request('receipt.get', { id: 'f'.repeat(32) }), hasCode('PRV_ERR_RECEIPT_NOT_FOUND'));
  });

  it('a batch of 2 under a zk plan is PRV_ERR_PLAN_ZK_UNSUPPORTED, and the daemon keeps serving', async () => {
    const batch: Tensor = { name: 'input', dtype: 'FP32', shape: [2, 4], data: new Uint8Array(Float32Array.of(...sample, ...sample).buffer) };
    await assert.rejects(
      fx.client.request('infer', { model: 'iris', inputs: [batch], receipt: 'session', plan: PLANS['all-zk'] }),
      hasCode('PRV_ERR_PLAN_ZK_UNSUPPORTED'),
    );
    const again = await inferPlan(PLANS['all-tee']);
    assert.equal(again.receipt.format, 'provenant.receipt.v2');
  });

  it('a malformed or ill-fitting plan is refused with its plan code', async () => {
    await assert.rejects(inferPlan('[]'), hasCode('PRV_ERR_PLAN_EMPTY'));
    await assert.rejects(inferPlan('[{"until":"nope","mode":"zk"}]'), hasCode('PRV_ERR_PLAN_UNKNOWN_TENSOR'));
  });

  it('model.put with a default plan: ModelInfo carries it canonically and plan-less requests use it; a plan that does not fit fails the upload', async () => {
    const bytes = new Uint8Array(await readFile(path.join(BUNDLED_MODEL_DIR, 'iris.onnx')));
    const plan = '[ {"mode":"zk", "until":"relu1"}, {"until":"@end","mode":"tee"} ]';
    const info = parseModelInfo(await fx.client.putModel('iris-planned', bytes, { plan }));
    assert.equal(info.plan, PLANS['zk,tee']);
    const response = parseInferResponse(await fx.client.request('infer', { model: 'iris-planned', inputs: [irisInput], receipt: 'session', wait: true }));
    const receipt = response.receipt as PlanReceiptJson;
    assert.equal(receipt.format, 'provenant.receipt.v2');
    assert.equal(decodePlanClaims(fromBase64(receipt.claims, 'claims')).plan, PLANS['zk,tee']);
    assert.deepEqual(decodePlanClaims(fromBase64(receipt.claims, 'claims')).model, sha256(bytes));

    await assert.rejects(fx.client.putModel('iris-badplan', bytes, { plan: '[{"until":"nope","mode":"tee"}]' }), hasCode('PRV_ERR_PLAN_UNKNOWN_TENSOR'));
    await assert.rejects(fx.client.putModel('iris-badjson', bytes, { plan: '{' }), hasCode('PRV_ERR_PLAN_MALFORMED'));
    const names = parseModelList(await fx.client.request('model.list', {})).map((m) => m.name);
    assert.ok(names.includes('iris-planned'));
    assert.ok(!names.includes('iris-badplan') && !names.includes('iris-badjson'));
  });

  it('a request without a plan to a model without one still gets a v1 receipt', async () => {
    const response = parseInferResponse(await fx.client.request('infer', { model: 'iris', inputs: [irisInput], receipt: 'session', wait: true }));
    assert.equal(response.receipt.format, 'provenant.receipt.v1');
  });
});

describe('enclave: proof plans with zk off (config zk.ptau "none", the default)', () => {
  let fx: DaemonFixture;
  before(async () => {
    fx = await startDaemonFixture();
  });
  after(() => fx.close());

  it('refuses a plan with a zk segment with PRV_ERR_PLAN_ZK_UNAVAILABLE, and runs an all-tee plan', async () => {
    const request = (plan: string) => fx.client.request('infer', { model: 'iris', inputs: [irisInput], receipt: 'session', plan });
    await assert.rejects(request(PLANS['tee,zk']), hasCode('PRV_ERR_PLAN_ZK_UNAVAILABLE'));
    const tee = parseInferResponse(await request(PLANS['all-tee']));
    const receipt = tee.receipt as PlanReceiptJson;
    assert.deepEqual(receipt.proofs, [null]);
    assert.deepEqual(receipt.openings, { input_salt: null, output_salt: null });
    const bytes = new Uint8Array(await readFile(path.join(BUNDLED_MODEL_DIR, 'iris.onnx')));
    await assert.rejects(fx.client.putModel('iris-zk', bytes, { plan: PLANS['all-zk'] }), hasCode('PRV_ERR_PLAN_ZK_UNAVAILABLE'));
  });
});
