import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ort from 'onnxruntime-node';
import { fromBase64, parseKserveInferRequest, parseKserveInferResponse, parsePlan, type PlanReceiptJson, type ProofPlan, type Tensor } from '@provenant/protocol';
import { compileOnnx } from '@provenant/prover';
import { verifyReceipt } from '@provenant/verifier';
import { startLocalStack, type LocalStack } from '@provenant/cli/dev';
import { BUNDLED_MODEL_DIR, bundledSample, bundledSha256 } from '../support/local-stack-fixture.js';
import { ZK_TEST_CACHE_DIR } from '../support/zk-test-cache.js';

/**
 * Issue 7 end to end: real enclave (mock NSM) and proxy processes, the bundled iris MLP (Gemm-Relu-Gemm,
 * tensors fc1 and relu1, then the output) under every shape of plan, over HTTP. One zk cache directory
 * serves the whole file, so each circuit's Groth16 setup runs once per run.
 */
const PLANS: Readonly<Record<string, ProofPlan>> = {
  '[tee, zk]': parsePlan([{ until: 'relu1', mode: 'tee' }, { until: '@end', mode: 'zk' }]),
  '[zk, tee]': parsePlan([{ until: 'relu1', mode: 'zk' }, { until: '@end', mode: 'tee' }]),
  '[tee, zk, tee]': parsePlan([{ until: 'fc1', mode: 'tee' }, { until: 'relu1', mode: 'zk' }, { until: '@end', mode: 'tee' }]),
  'all-zk': parsePlan([{ until: '@end', mode: 'zk' }]),
  'all-tee': parsePlan([{ until: '@end', mode: 'tee' }]),
};
/** The enclave's zk section defaults (docs/zk.md: what the bundled iris needs). */
const QUANT = { scaleBits: 8, bitWidth: 20 };
/** First zk requests run the one-off setups (dev ptau, then keys per circuit): minutes on a loaded 2-core machine. */
const REQUEST_TIMEOUT_MS = 280_000;

interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly body: Uint8Array;
}

async function call(url: string, init?: RequestInit): Promise<Answer> {
  const response = await fetch(url, init);
  const body = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, json: JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>, body };
}

function floats(tensor: Tensor): number[] {
  return [...new Float32Array(Uint8Array.from(tensor.data).buffer)];
}

function argmax(values: readonly number[]): number {
  return values.reduce((best, value, i) => (value > (values[best] ?? -Infinity) ? i : best), 0);
}

function failedChecks(report: { checks: readonly { id: string; ok: boolean; code?: string }[] }): string[] {
  return report.checks.filter((check) => !check.ok).map((check) => `${check.id}${check.code === undefined ? '' : ` (${check.code})`}`);
}

describe('proof plans end to end: iris on the local stack with zk enabled (dev ptau, mock NSM)', () => {
  let stack: LocalStack;
  let stateDir: string;
  let cacheDir: string;
  let logs = '';
  let mockRoot: string;
  let bootDocument: Uint8Array;
  let irisBytes: Uint8Array;
  let request: Record<string, unknown>;
  let inputs: readonly Tensor[];
  let direct: number[];
  /** The all-zk circuit's worst-case error for this input (docs/zk.md, Error bound): no plan may exceed it. */
  let bound: number;
  const completed = new Map<string, { receipt: PlanReceiptJson; outputs: readonly Tensor[] }>();

  before(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'provenant-e2e-plan-'));
    // The suite's shared key cache: the enclave makes the iris circuits' keys here once per checkout (the
    // unit tests of the enclave and the verifier then read them), or takes what an earlier run made.
    cacheDir = process.env.PROVENANT_E2E_ZK_CACHE ?? ZK_TEST_CACHE_DIR;
    const log = new PassThrough();
    log.on('data', (chunk: Buffer) => (logs += chunk.toString('utf8')));
    stack = await startLocalStack({
      port: 0,
      stateDir,
      modelDir: BUNDLED_MODEL_DIR,
      zk: { ptau: 'dev', cacheDir },
      proxyArgs: ['--request-timeout-ms', String(REQUEST_TIMEOUT_MS)],
      log,
    });
    mockRoot = await readFile(stack.mockRootPem, 'utf8');
    const attestation = await call(`${stack.url}/v1/attestation`);
    bootDocument = fromBase64(attestation.json.boot_document as string);
    irisBytes = new Uint8Array(await readFile(path.join(BUNDLED_MODEL_DIR, 'iris.onnx')));
    request = await bundledSample('iris');
    inputs = parseKserveInferRequest(Buffer.from(JSON.stringify(request))).inputs;
    const session = await ort.InferenceSession.create(irisBytes);
    const input = inputs[0]!;
    const result = await session.run({ [input.name]: new ort.Tensor('float32', new Float32Array(floats(input)), [...input.shape]) });
    direct = [...(result[session.outputNames[0]!]!.data as Float32Array)];
    bound = compileOnnx(irisBytes, QUANT).witness(new Float32Array(floats(input))).errorBound;
    assert.ok(Number.isFinite(bound) && bound > 0 && bound < 1, `iris error bound ${bound}`);
  });

  after(async () => {
    await stack?.stop();
    if (stateDir !== undefined) await rm(stateDir, { recursive: true, force: true });
  });

  for (const [name, plan] of Object.entries(PLANS)) {
    test(`${name}: outputs within the quantization bound, the receipt completes and verifies`, async () => {
      const body = { ...request, parameters: { plan } };
      const answer = await call(`${stack.url}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      assert.equal(answer.status, 200, `${JSON.stringify(answer.json)}\n${logs.slice(-4000)}`);
      const response = parseKserveInferResponse(answer.body);
      assert.equal(response.modelVersion, await bundledSha256('iris'));
      const served = floats(response.outputs[0]!);
      if (name === 'all-tee') {
        assert.deepEqual(served, direct, 'an all-tee plan is bit-exact');
      } else {
        const gap = Math.max(...served.map((value, i) => Math.abs(value - direct[i]!)));
        assert.ok(gap <= bound, `max |served - onnxruntime| ${gap} exceeds the bound ${bound}`);
        assert.equal(argmax(served), argmax(direct), 'the class agrees with onnxruntime');
      }
      const issued = response.receipt as PlanReceiptJson;
      assert.equal(issued.format, 'provenant.receipt.v2');
      assert.equal(issued.proofs.length, plan.length);
      plan.forEach((segment, i) => assert.equal(issued.proofs[i] === null, segment.mode === 'tee', `proofs[${i}] follows the plan`));

      const fetched = await call(`${stack.url}/v1/receipts/${issued.id}?wait=true`);
      assert.equal(fetched.status, 200, JSON.stringify(fetched.json));
      assert.equal(fetched.json.id, issued.id);
      assert.equal(fetched.json.status, 'complete', JSON.stringify(fetched.json.receipt));
      const receipt = fetched.json.receipt as PlanReceiptJson;
      assert.equal(receipt.claims, issued.claims, 'proofs are attached without changing the signed claims');
      const report = verifyReceipt(receipt, {
        root: mockRoot,
        bootDocument,
        expectedModelSha256: response.modelVersion,
        inputs,
        outputs: response.outputs,
        expectedPlan: plan,
      });
      assert.ok(report.ok, `failed checks: ${failedChecks(report).join(', ')}`);
      completed.set(name, { receipt, outputs: response.outputs });
    });
  }

  test('a model uploaded with ?plan= runs under that default plan when a request names none', async () => {
    const plan = PLANS['all-zk']!;
    const put = await call(`${stack.url}/v1/models/iris-zk?plan=${encodeURIComponent(JSON.stringify(plan))}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: irisBytes,
    });
    assert.equal(put.status, 201, JSON.stringify(put.json));
    assert.equal(put.json.plan, '[{"until":"@end","mode":"zk"}]');
    const listed = (await call(`${stack.url}/v1/models`)).json.models as { name: string; plan: string | null }[];
    assert.equal(listed.find((model) => model.name === 'iris-zk')?.plan, put.json.plan);
    assert.equal(listed.find((model) => model.name === 'iris')?.plan, null);
    const answer = await call(`${stack.url}/v2/models/iris-zk/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ ...request, parameters: { wait: true } }) });
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    const response = parseKserveInferResponse(answer.body);
    const receipt = response.receipt as PlanReceiptJson;
    assert.equal(receipt.format, 'provenant.receipt.v2');
    assert.equal(receipt.proofs[0]?.status, 'proven', 'wait: true answers once the proof is done');
    const report = verifyReceipt(receipt, { root: mockRoot, bootDocument, inputs, outputs: response.outputs, expectedPlan: plan });
    assert.ok(report.ok, `failed checks: ${failedChecks(report).join(', ')}`);
    const bad = await call(`${stack.url}/v1/models/iris-bad?plan=${encodeURIComponent('[{"until":"nope","mode":"zk"}]')}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: irisBytes,
    });
    assert.equal(bad.status, 422, JSON.stringify(bad.json));
    assert.equal(bad.json.code, 'PRV_ERR_PLAN_UNKNOWN_TENSOR');
  });

  test('tampered plan receipts fail verification with a precise reason', () => {
    // Any completed mixed plan will do; its zk segment is where the tampering goes.
    const mixedName = ['[tee, zk]', '[zk, tee]', '[tee, zk, tee]'].find((name) => completed.has(name));
    const zk = completed.get('all-zk');
    assert.ok(mixedName !== undefined && zk !== undefined, 'a mixed plan and the all-zk plan completed first');
    const mixed = completed.get(mixedName)!;
    const plan = PLANS[mixedName]!;
    const at = plan.findIndex((segment) => segment.mode === 'zk');
    const verify = (receipt: unknown, expectedPlan: ProofPlan) =>
      verifyReceipt(receipt, { root: mockRoot, bootDocument, inputs, outputs: mixed.outputs, expectedPlan });
    const copy = (receipt: PlanReceiptJson): PlanReceiptJson => JSON.parse(JSON.stringify(receipt)) as PlanReceiptJson;
    const proven = (receipt: PlanReceiptJson, i: number) => receipt.proofs[i] as unknown as { proof: Record<string, unknown>; public_signals: string[] };

    const swappedSignals = copy(mixed.receipt);
    proven(swappedSignals, at).public_signals.reverse();
    const forgedProof = copy(mixed.receipt);
    // pi_c is a valid curve point too, so this is a well-formed proof that must not verify.
    proven(forgedProof, at).proof.pi_a = (proven(forgedProof, at).proof.pi_c as string[]).slice();
    // A proof from another request (another circuit, other salted commitments).
    const borrowed = copy(mixed.receipt);
    (borrowed as unknown as { proofs: unknown[] }).proofs[at] = copy(zk.receipt).proofs[0];
    const otherPlan = PLANS[mixedName === '[zk, tee]' ? '[tee, zk]' : '[zk, tee]']!;

    const cases: [string, unknown, ProofPlan, string[]][] = [
      ['public signals reordered', swappedSignals, plan, ['PRV_ERR_RECEIPT_COMMITMENT_MISMATCH']],
      ['proof points altered', forgedProof, plan, ['PRV_ERR_RECEIPT_PROOF_INVALID']],
      ["another request's proof", borrowed, plan, ['PRV_ERR_RECEIPT_VK_MISMATCH', 'PRV_ERR_RECEIPT_COMMITMENT_MISMATCH']],
      ['a different plan expected', mixed.receipt, otherPlan, ['PRV_ERR_RECEIPT_PLAN_MISMATCH']],
    ];
    assert.ok(verify(mixed.receipt, plan).ok, 'the untampered receipt verifies');
    for (const [what, receipt, expectedPlan, codes] of cases) {
      const report = verify(receipt, expectedPlan);
      assert.equal(report.ok, false, `${what} must fail`);
      const failures = report.checks.filter((check) => !check.ok);
      assert.ok(failures.some((check) => codes.includes(check.code ?? '')), `${what}: failed with ${failedChecks(report).join(', ')}, expected one of ${codes.join(', ')}`);
    }
  });

  test('GET /v1/receipts/{id} of an unknown id is 404 PRV_ERR_RECEIPT_NOT_FOUND', async () => {
    const answer = await call(`${stack.url}/v1/receipts/${'0'.repeat(32)}`);
    assert.equal(answer.status, 404);
    assert.equal(answer.json.code, 'PRV_ERR_RECEIPT_NOT_FOUND');
  });
});
