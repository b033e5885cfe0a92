import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodePlanClaims, toBase64, type PlanClaims, type PlanReceiptJson, type SegmentProofJson } from '@provenant/protocol';
import { verifyReceipt, type VerifyReceiptOptions } from '@provenant/verifier';
import { assertCode } from '../support/coded-errors.js';
import { ALL_ZK, INPUTS, MODEL_SHA256, PlanBench, QUANT, TEE_ZK, bigintBytes, fp32Tensor, proofEntry, setupFor } from './plan-receipt-fixtures.js';

/**
 * docs/receipts.md §7.3 on real plan receipts: iris under [tee until relu1, zk], a real Groth16 proof of
 * the zk segment, claims signed by a session key bound to a mock-NSM boot document. Each tampering the
 * issue names must fail with its own check and code.
 */
const SALT = 0x1234_5678_9abc_def0_1122_3344n;
const OUTPUT_SALT = 0x0bad_cafe_f00d_0042n;
const pb = await PlanBench.boot();
const setup = await setupFor((await pb.run(TEE_ZK, { input: SALT, output: OUTPUT_SALT }, '00'.repeat(32))).circuit);
const run = await pb.run(TEE_ZK, { input: SALT, output: OUTPUT_SALT }, setup.vkDigest);
// The same input in another request: the enclave draws other salts, so every commitment differs.
const other = await pb.run(TEE_ZK, { input: SALT + 1n, output: OUTPUT_SALT + 1n }, setup.vkDigest);
const proof = await proofEntry(setup, run.witness);
const otherProof = await proofEntry(setup, other.witness);
const openings = { input_salt: null, output_salt: OUTPUT_SALT.toString() };
const valid = await pb.receipt(run.claims, [null, proof], openings);

const pins: VerifyReceiptOptions = { root: pb.bench.rootPem, expectedPcrs: pb.bench.pcrs, bootDocument: pb.bench.bootDocument };
const bindings: VerifyReceiptOptions = {
  ...pins,
  expectedModelSha256: MODEL_SHA256,
  inputs: INPUTS,
  outputs: run.outputs,
  expectedPlan: '[{"until":"relu1","mode":"tee"},{"until":"@end","mode":"zk"}]',
  verificationKeys: { 1: setup.vkDigest },
};
const clone = (receipt: PlanReceiptJson = valid): Record<string, unknown> & PlanReceiptJson => JSON.parse(JSON.stringify(receipt));
const failed = (receipt: unknown, options: VerifyReceiptOptions = bindings): string[] =>
  verifyReceipt(receipt, options)
    .checks.filter((check) => !check.ok)
    .map((check) => `${check.id}:${check.code ?? 'skipped'}`);
const PROOF_CHECKS_BEHIND_STATUS = ['proof[1].verification_key:skipped', 'proof[1].public_signals:skipped', 'proof[1].groth16:skipped'];
/** Claims the (honest or lying) enclave signs itself: only the proofs can then catch the lie. */
const signed = (change: Partial<PlanClaims>, proofs: (SegmentProofJson | null)[] = [null, proof]) => pb.receipt({ ...run.claims, ...change }, proofs, openings);

test('the enclave commitment at the tee -> zk cut is the zk circuit input commitment', () => {
  assert.equal(run.teeCutCommitment, run.witness.inputCommitment);
  assert.deepEqual(proof.status === 'proven' && proof.public_signals, [run.witness.inputCommitment.toString(), run.witness.outputCommitment.toString()]);
});

test('a valid [tee, zk] receipt verifies every check in §7.3 order and says what backs each segment', () => {
  const report = verifyReceipt(clone(), bindings);
  assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
  assert.equal(report.format, 'provenant.receipt.v2');
  assert.deepEqual(report.checks.map((c) => c.id), [
    'receipt.parse', 'claims.decode', 'claims.mode', 'claims.key',
    'boot.document', 'boot.public_key', 'session.signature', 'claims.ts',
    'plan.segments',
    'proof[1].status', 'proof[1].verification_key', 'proof[1].public_signals', 'proof[1].groth16',
    'expected.model', 'expected.input', 'expected.output', 'expected.plan', 'opening.output',
  ]);
  assert.deepEqual(report.plan?.segments.map((s) => [s.mode, s.until, s.evidence]), [
    ['tee', 'relu1', 'hardware-attested'],
    ['zk', '@end', 'zero-knowledge-proven'],
  ]);
  assert.equal(report.plan?.segments[1]?.verificationKey, setup.vkDigest);
  assert.deepEqual(report.plan?.cuts, [null, run.witness.inputCommitment.toString(), run.witness.outputCommitment.toString()]);
  assert.deepEqual(report.pendingSegments, []);
  assert.deepEqual(report.warnings, []);
});

test('an attested-mode plan receipt verifies, and without a key pin the report warns where k comes from', async () => {
  const attested = await pb.receipt(run.claims, [null, proof], openings, 'attested');
  const { verificationKeys: _, ...unpinned } = bindings;
  const report = verifyReceipt(attested, unpinned);
  assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
  assert.ok(report.checks.some((c) => c.id === 'attestation.user_data' && c.ok));
  assert.match(report.warnings.join('\n'), /zk segment\(s\) 1: the verifying key is the one the enclave-signed claims name/);
});

test('a tampered segment entry breaks the signature over the claims', () => {
  const bytes = encodePlanClaims({ ...run.claims, segments: [{ mode: 'tee', digest: new Uint8Array(32).fill(7) }, run.claims.segments[1]!] });
  assert.deepEqual(failed({ ...clone(), claims: toBase64(bytes) }), ['session.signature:PRV_ERR_RECEIPT_SIGNATURE']);
});

test('a proof from another request fails on its public signals (salted commitments differ)', () => {
  assert.deepEqual(failed({ ...clone(), proofs: [null, otherProof] }), ['proof[1].public_signals:PRV_ERR_RECEIPT_COMMITMENT_MISMATCH', 'proof[1].groth16:skipped']);
});

test("a proof from another request relabelled with this request's commitments fails the pairing", () => {
  const relabelled = { ...otherProof, public_signals: (proof as unknown as { public_signals: string[] }).public_signals };
  assert.deepEqual(failed({ ...clone(), proofs: [null, relabelled] }), ['proof[1].groth16:PRV_ERR_RECEIPT_PROOF_INVALID']);
});

test('reordered segments fail: proof entries out of place, or a plan other than the one sent', () => {
  assert.deepEqual(failed({ ...clone(), proofs: [proof, null] }), [
    'plan.segments:PRV_ERR_RECEIPT_PLAN_MISMATCH',
    'proof[1].status:skipped',
    ...PROOF_CHECKS_BEHIND_STATUS,
  ]);
  assert.deepEqual(failed(clone(), { ...bindings, expectedPlan: [{ until: 'relu1', mode: 'zk' }, { until: '@end', mode: 'tee' }] }), ['expected.plan:PRV_ERR_RECEIPT_PLAN_MISMATCH']);
});

test('a commitment that differs between the claims and the proof fails, whoever changed it', async () => {
  const lyingCut = await signed({ cuts: [null, run.claims.cuts[1]!, bigintBytes(run.witness.outputCommitment + 1n)] });
  assert.deepEqual(failed(lyingCut), [
    'proof[1].public_signals:PRV_ERR_RECEIPT_COMMITMENT_MISMATCH',
    'proof[1].groth16:skipped',
    'opening.output:PRV_ERR_RECEIPT_COMMITMENT_MISMATCH',
  ]);
  const receipt = clone();
  (receipt.proofs[1] as unknown as { public_signals: string[] }).public_signals[0] = '42';
  assert.deepEqual(failed(receipt), ['proof[1].public_signals:PRV_ERR_RECEIPT_COMMITMENT_MISMATCH', 'proof[1].groth16:skipped']);
});

test('a verifying key that is not the claimed or pinned one fails proof[i].verification_key', async () => {
  assert.deepEqual(failed(clone(), { ...bindings, verificationKeys: { 1: 'ab'.repeat(32) } }), ['proof[1].verification_key:PRV_ERR_RECEIPT_VK_MISMATCH', 'proof[1].groth16:skipped']);
  const swapped = clone();
  const vk = (swapped.proofs[1] as { verification_key: Record<string, unknown> }).verification_key;
  vk.vk_delta_2 = vk.vk_gamma_2; // still a valid key, but not this setup's
  assert.deepEqual(failed(swapped), ['proof[1].verification_key:PRV_ERR_RECEIPT_VK_MISMATCH', 'proof[1].groth16:skipped']);
  const otherK = await signed({ segments: [run.claims.segments[0]!, { ...(run.claims.segments[1] as object), vk: new Uint8Array(32).fill(1) } as PlanClaims['segments'][number]] });
  assert.deepEqual(failed(otherK, { ...bindings, verificationKeys: {} }), ['proof[1].verification_key:PRV_ERR_RECEIPT_VK_MISMATCH', 'proof[1].groth16:skipped']);
});

test('a tampered proof fails the pairing, and an unparsable one fails the same check', () => {
  const negated = clone();
  const a = (negated.proofs[1] as unknown as { proof: { pi_a: string[] } }).proof.pi_a;
  const p = 21888242871839275222246405745257275088696311157297823662689037894645226208583n; // BN254 base field
  a[1] = (p - BigInt(a[1]!)).toString(); // -A: on the curve, wrong proof
  assert.deepEqual(failed(negated), ['proof[1].groth16:PRV_ERR_RECEIPT_PROOF_INVALID']);
  const broken = clone();
  (broken.proofs[1] as unknown as { proof: { pi_a: string[] } }).proof.pi_a[0] = '1';
  assert.deepEqual(failed(broken), ['proof[1].groth16:PRV_ERR_RECEIPT_PROOF_INVALID']);
});

test('a pending proof fails the receipt by default and passes as not yet verified with allowPending', () => {
  const pending = { ...clone(), proofs: [null, { status: 'pending' }] };
  assert.deepEqual(failed(pending), ['proof[1].status:PRV_ERR_RECEIPT_PROOF_PENDING', ...PROOF_CHECKS_BEHIND_STATUS]);
  assert.equal(verifyReceipt(pending, bindings).ok, false);
  const allowed = verifyReceipt(pending, { ...bindings, allowPending: true });
  assert.equal(allowed.ok, true);
  assert.deepEqual(allowed.pendingSegments, [1]);
  assert.deepEqual(allowed.plan?.segments.map((s) => s.evidence), ['hardware-attested', 'proof-pending']);
  assert.equal(allowed.checks.find((c) => c.id === 'proof[1].status')?.code, 'PRV_ERR_RECEIPT_PROOF_PENDING');
  assert.match(allowed.warnings.join('\n'), /segment 1: the zero-knowledge proof is still pending and NOT verified/);
});

test('a failed proof fails the receipt even with allowPending, quoting the enclave message with control characters escaped', () => {
  const failedProof = { ...clone(), proofs: [null, { status: 'failed', error: { code: 'PRV_ERR_ZK_PROVER_BUSY', message: 'queue full\u001b[2J' } }] };
  for (const allowPending of [false, true]) {
    const report = verifyReceipt(failedProof, { ...bindings, allowPending });
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.checks.filter((c) => !c.ok).map((c) => `${c.id}:${c.code ?? 'skipped'}`),
      ['proof[1].status:PRV_ERR_RECEIPT_PROOF_FAILED', ...PROOF_CHECKS_BEHIND_STATUS],
    );
    assert.match(report.checks.find((c) => c.id === 'proof[1].status')?.reason ?? '', /PRV_ERR_ZK_PROVER_BUSY: "queue full\\u001b\[2J"/); // escaped, not sent to a terminal raw
    assert.equal(report.plan?.segments[1]?.evidence, 'proof-failed');
  }
});

test('wrong openings fail: another salt, other outputs, or a salt where the cut rule puts none', () => {
  assert.deepEqual(failed({ ...clone(), openings: { input_salt: null, output_salt: '7' } }), ['opening.output:PRV_ERR_RECEIPT_COMMITMENT_MISMATCH']);
  const nudged = Float32Array.from(run.witness.output);
  nudged[0] = nudged[0]! + 1 / 256;
  assert.deepEqual(failed(clone(), { ...bindings, outputs: [fp32Tensor('logits', [1, 3], nudged)] }), [
    'expected.output:PRV_ERR_RECEIPT_OUTPUT_MISMATCH',
    'opening.output:PRV_ERR_RECEIPT_COMMITMENT_MISMATCH',
  ]);
  assert.deepEqual(failed({ ...clone(), openings: { input_salt: '5', output_salt: OUTPUT_SALT.toString() } }), [
    'plan.segments:PRV_ERR_RECEIPT_MALFORMED',
    'proof[1].status:skipped',
    ...PROOF_CHECKS_BEHIND_STATUS,
  ]);
});

test('an all-zk receipt opens its input commitment with the inputs and input salt', async () => {
  const zk = await pb.run(ALL_ZK, { input: SALT, output: OUTPUT_SALT }, 'cd'.repeat(32));
  const receipt = await pb.receipt(zk.claims, [{ status: 'pending' }], { input_salt: SALT.toString(), output_salt: OUTPUT_SALT.toString() });
  const options = { ...pins, inputs: INPUTS, outputs: zk.outputs, allowPending: true };
  const report = verifyReceipt(receipt, options);
  assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
  assert.deepEqual(report.checks.slice(-4).map((c) => `${c.id}:${c.ok}`), ['expected.input:true', 'expected.output:true', 'opening.input:true', 'opening.output:true']);
  const wrongSalt = await pb.receipt(zk.claims, [{ status: 'pending' }], { input_salt: (SALT + 1n).toString(), output_salt: OUTPUT_SALT.toString() });
  assert.deepEqual(failed(wrongSalt, options), ['proof[0].status:PRV_ERR_RECEIPT_PROOF_PENDING', 'proof[0].verification_key:skipped', 'proof[0].public_signals:skipped', 'proof[0].groth16:skipped', 'opening.input:PRV_ERR_RECEIPT_COMMITMENT_MISMATCH']);
  assert.equal(verifyReceipt(wrongSalt, options).ok, false);
  const twoTensors = verifyReceipt(receipt, { ...options, inputs: [...INPUTS, fp32Tensor('extra', [1], Float32Array.of(1))] });
  assert.match(twoTensors.checks.find((c) => c.id === 'opening.input')?.reason ?? '', /2 tensors given/);
  assert.equal(zk.claims.segments[0]?.mode === 'zk' && zk.claims.segments[0].scaleBits, QUANT.scaleBits);
});

test('pins and plans a receipt cannot satisfy fail closed', () => {
  assert.deepEqual(failed(clone(), { ...bindings, verificationKeys: { 0: setup.vkDigest } }), [
    'plan.segments:PRV_ERR_RECEIPT_PLAN_MISMATCH',
    'proof[1].status:skipped',
    ...PROOF_CHECKS_BEHIND_STATUS,
  ]);
  const malformed = { ...clone(), extra: true };
  assert.deepEqual(failed(malformed), ['receipt.parse:PRV_ERR_RECEIPT_MALFORMED']);
});

test('bad plan options are the caller bug: PRV_ERR_INVALID_ARGUMENT before any check', () => {
  assert.throws(() => verifyReceipt(clone(), { ...pins, expectedPlan: '[]' }), assertCode('PRV_ERR_INVALID_ARGUMENT', /expectedPlan/));
  assert.throws(() => verifyReceipt(clone(), { ...pins, verificationKeys: { 8: setup.vkDigest } }), assertCode('PRV_ERR_INVALID_ARGUMENT', /segment index/));
  assert.throws(() => verifyReceipt(clone(), { ...pins, verificationKeys: { 1: 'xyz' } }), assertCode('PRV_ERR_INVALID_ARGUMENT', /64 hex/));
  assert.throws(() => verifyReceipt(clone(), { ...pins, allowPending: 'yes' as unknown as boolean }), assertCode('PRV_ERR_INVALID_ARGUMENT', /allowPending/));
});
