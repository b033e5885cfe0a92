import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeKserveInferRequest, encodeKserveInferResponse, type PlanReceiptJson, type Tensor } from '@provenant/protocol';
import { REPO_ROOT } from '../support/paths.js';
import { ALL_ZK, INPUTS, INPUT_VALUES, PlanBench, TEE_ZK, fp32Tensor } from './plan-receipt-fixtures.js';

/**
 * provenant verify receipt on plan receipts: --plan, --vk, --allow-pending, and the openings fed from
 * --request and the response. The receipts' proofs are pending (no Groth16 setup here: the proven path
 * is plan-receipt-verify.test.ts's), which is exactly what --allow-pending is for.
 */
const CLI = path.join(REPO_ROOT, 'cli', 'bin', 'provenant.js');
const SALT = 777n;
const OUTPUT_SALT = 888n;
const pb = await PlanBench.boot();
const teeZk = await pb.run(TEE_ZK, { input: SALT, output: OUTPUT_SALT }, 'ab'.repeat(32));
const allZk = await pb.run(ALL_ZK, { input: SALT, output: OUTPUT_SALT }, 'cd'.repeat(32));
const teeZkReceipt = await pb.receipt(teeZk.claims, [null, { status: 'pending' }], { input_salt: null, output_salt: OUTPUT_SALT.toString() });
const allZkReceipt = await pb.receipt(allZk.claims, [{ status: 'pending' }], { input_salt: SALT.toString(), output_salt: OUTPUT_SALT.toString() });

const dir = mkdtempSync(path.join(tmpdir(), 'provenant-plan-receipt-cli-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
function write(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}
const responseBody = (receipt: PlanReceiptJson, outputs: readonly Tensor[]) =>
  encodeKserveInferResponse({ modelName: 'iris', modelVersion: '00'.repeat(32), outputs, receipt }).body;

const files = {
  teeZkResponse: write('tee-zk-response.json', responseBody(teeZkReceipt, teeZk.outputs)),
  allZkResponse: write('all-zk-response.json', responseBody(allZkReceipt, allZk.outputs)),
  receiptsGet: write('receipts-get.json', JSON.stringify({ id: teeZkReceipt.id, status: 'pending', receipt: teeZkReceipt })),
  teeZkBare: write('tee-zk-bare-response.json', responseBody(teeZkReceipt, teeZk.outputs)),
  request: write('request.json', encodeKserveInferRequest(INPUTS).body),
  otherRequest: write('other-request.json', encodeKserveInferRequest([fp32Tensor('input', [1, 4], Float32Array.from(INPUT_VALUES, (x, i) => (i === 0 ? x + 0.5 : x)))]).body),
  boot: write('boot.cbor', pb.bench.bootDocument),
  root: write('root.pem', pb.bench.rootPem),
  otherPlan: write('plan.json', '[{"until":"fc1","mode":"tee"},{"until":"@end","mode":"zk"}]'),
};
const pins = ['--boot', files.boot, '--root', files.root, ...Object.entries(pb.bench.pcrs).flatMap(([i, v]) => ['--pcr', `${i}=${v}`])];

function provenant(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, 'verify', 'receipt', ...args], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
const failedIds = (stdout: string): string[] =>
  (JSON.parse(stdout) as { checks: { id: string; ok: boolean; code?: string }[] }).checks.filter((c) => !c.ok).map((c) => `${c.id}:${c.code ?? 'skipped'}`);
const PENDING_1 = ['proof[1].status:PRV_ERR_RECEIPT_PROOF_PENDING', 'proof[1].verification_key:skipped', 'proof[1].public_signals:skipped', 'proof[1].groth16:skipped'];

test('a pending [tee, zk] receipt passes with --allow-pending and --plan, and says which segment is attested and which pending', () => {
  const out = provenant([files.teeZkResponse, ...pins, '--request', files.request, '--plan', '[{"until":"relu1","mode":"tee"},{"until":"@end","mode":"zk"}]', '--allow-pending']);
  assert.equal(out.status, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /plan receipt, session mode/);
  assert.match(out.stdout, /segment 0 +tee until "relu1": hardware-attested/);
  assert.match(out.stdout, /segment 1 +zk +until "@end": proof PENDING \(not verified yet\)/);
  assert.match(out.stdout, /PEND +proof\[1\]\.status/);
  assert.match(out.stdout, /PASS +expected\.plan/);
  assert.match(out.stdout, /PASS +opening\.output +the given output/);
  assert.match(out.stdout, /result: VALID EXCEPT PENDING \(segment\(s\) 1 not yet proven/);
});

test('without --allow-pending the same receipt fails closed (exit 1)', () => {
  const out = provenant([files.teeZkResponse, ...pins, '--request', files.request, '--json']);
  assert.equal(out.status, 1);
  assert.deepEqual(failedIds(out.stdout), PENDING_1);
});

test('--plan @FILE with another plan fails expected.plan', () => {
  const out = provenant([files.teeZkResponse, ...pins, '--plan', `@${files.otherPlan}`, '--allow-pending', '--json']);
  assert.equal(out.status, 1);
  assert.deepEqual(failedIds(out.stdout), [...PENDING_1, 'expected.plan:PRV_ERR_RECEIPT_PLAN_MISMATCH']);
});

test('GET /v1/receipts/{id} output is accepted as FILE, its outputs opened from --response', () => {
  const out = provenant([files.receiptsGet, ...pins, '--response', files.teeZkBare, '--allow-pending', '--json']);
  assert.equal(out.status, 0, out.stdout + out.stderr);
  const report = JSON.parse(out.stdout) as { checks: { id: string; ok: boolean }[]; plan: { id: string } };
  assert.equal(report.plan.id, teeZkReceipt.id);
  assert.ok(report.checks.some((c) => c.id === 'opening.output' && c.ok));
});

test('an all-zk receipt opens its input commitment from --request; other inputs fail the opening', () => {
  const good = provenant([files.allZkResponse, ...pins, '--request', files.request, '--allow-pending', '--json']);
  assert.equal(good.status, 0, good.stdout + good.stderr);
  assert.ok((JSON.parse(good.stdout) as { checks: { id: string; ok: boolean }[] }).checks.some((c) => c.id === 'opening.input' && c.ok));
  const bad = provenant([files.allZkResponse, ...pins, '--request', files.otherRequest, '--allow-pending', '--json']);
  assert.equal(bad.status, 1);
  assert.deepEqual(failedIds(bad.stdout), [
    'proof[0].status:PRV_ERR_RECEIPT_PROOF_PENDING', 'proof[0].verification_key:skipped', 'proof[0].public_signals:skipped', 'proof[0].groth16:skipped',
    'expected.input:PRV_ERR_RECEIPT_INPUT_MISMATCH', 'opening.input:PRV_ERR_RECEIPT_COMMITMENT_MISMATCH',
  ]);
});

test('--vk pins reach the verifier; malformed or repeated pins are usage errors (exit 2)', () => {
  const onTee = provenant([files.teeZkResponse, ...pins, '--vk', `0=${'ab'.repeat(32)}`, '--allow-pending', '--json']);
  assert.equal(onTee.status, 1);
  assert.deepEqual(failedIds(onTee.stdout).slice(0, 1), ['plan.segments:PRV_ERR_RECEIPT_PLAN_MISMATCH']);
  assert.equal(provenant([files.teeZkResponse, ...pins, '--vk', '1=abc']).status, 2);
  const twice = provenant([files.teeZkResponse, ...pins, '--vk', `1=${'ab'.repeat(32)}`, '--vk', `1=${'cd'.repeat(32)}`]);
  assert.equal(twice.status, 2);
  assert.match(twice.stderr, /--vk 1 given twice/);
  const badPlan = provenant([files.teeZkResponse, ...pins, '--plan', '[]']);
  assert.equal(badPlan.status, 2);
  assert.match(badPlan.stderr, /expectedPlan/);
});
