import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import ort from 'onnxruntime-node';
import { fromBase64, parseKserveInferRequest, parseKserveInferResponse, toBase64, type ReceiptMode, type Tensor } from '@provenant/protocol';
import { AWS_NITRO_ROOT_G1_PEM, verifyReceipt } from '@provenant/verifier';
import { BUNDLED_MODEL_DIR, bundledSample, bundledSha256, startStackFixture, type StackFixture } from '../support/local-stack-fixture.js';

const MODES: readonly ReceiptMode[] = ['session', 'attested', 'batched'];

interface Answer {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly body: Uint8Array;
}

async function post(url: string, body: unknown): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const bytes = new Uint8Array(await response.arrayBuffer());
  return { status: response.status, json: JSON.parse(Buffer.from(bytes).toString('utf8')) as Record<string, unknown>, body: bytes };
}

async function bootDocument(url: string): Promise<Uint8Array> {
  const response = await fetch(`${url}/v1/attestation`);
  assert.equal(response.status, 200);
  const json = (await response.json()) as { boot_document: string };
  return fromBase64(json.boot_document);
}

/** What a client that kept its request and the response can check, end to end. */
async function verifyAnswer(fixture: StackFixture, request: Record<string, unknown>, answer: Answer, options: { nonce?: Uint8Array; root?: string } = {}) {
  const response = parseKserveInferResponse(answer.body);
  const inputs = parseKserveInferRequest(Buffer.from(JSON.stringify(request))).inputs;
  return verifyReceipt(response.receipt, {
    root: options.root ?? fixture.mockRoot,
    bootDocument: await bootDocument(fixture.stack.url),
    expectedModelSha256: response.modelVersion,
    inputs,
    outputs: response.outputs,
    ...(options.nonce === undefined ? {} : { expectedNonce: options.nonce }),
  });
}

async function directRun(model: string, inputs: readonly Tensor[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(await readFile(path.join(BUNDLED_MODEL_DIR, `${model}.onnx`)));
  const input = inputs[0]!;
  const data = new Float32Array(Uint8Array.from(input.data).buffer);
  const result = await session.run({ [input.name]: new ort.Tensor('float32', data, [...input.shape]) });
  return result[session.outputNames[0]!]!.data as Float32Array;
}

function failedChecks(report: { checks: readonly { id: string; ok: boolean }[] }): string[] {
  return report.checks.filter((check) => !check.ok).map((check) => check.id);
}

for (const link of ['unix', 'tcp'] as const) {
  describe(`the local stack over ${link}: enclave process on the mock NSM behind the proxy process`, () => {
    let fixture: StackFixture;
    before(async () => {
      fixture = await startStackFixture(link);
    });
    after(async () => {
      await fixture?.close();
    });

    for (const mode of MODES) {
      test(`${mode} receipts verify end to end and the outputs equal a direct onnxruntime run`, async () => {
        for (const model of ['iris', 'mnist-cnn']) {
          const nonce = randomBytes(16);
          const request = { ...(await bundledSample(model)), parameters: { receipt_mode: mode, nonce: nonce.toString('hex') } };
          const answer = await post(`${fixture.stack.url}/v2/models/${model}/infer`, request);
          assert.equal(answer.status, 200, JSON.stringify(answer.json));
          assert.equal(answer.json.model_version, await bundledSha256(model));
          const report = await verifyAnswer(fixture, request, answer, { nonce });
          assert.ok(report.ok, `failed checks: ${failedChecks(report).join(', ')}`);
          const served = parseKserveInferResponse(answer.body).outputs[0]!;
          const direct = await directRun(model, parseKserveInferRequest(Buffer.from(JSON.stringify(request))).inputs);
          assert.deepEqual([...new Float32Array(Uint8Array.from(served.data).buffer)], [...direct]);
        }
      });
    }

    test('a mock receipt never verifies against the pinned AWS root', async () => {
      const request = await bundledSample('iris');
      const answer = await post(`${fixture.stack.url}/v2/models/iris/infer`, request);
      const report = await verifyAnswer(fixture, request, answer, { root: AWS_NITRO_ROOT_G1_PEM });
      assert.equal(report.ok, false);
    });

    if (link === 'tcp') return;

    test('tampering with any part of a receipt, the outputs or the inputs fails verification', async () => {
      const request = { ...(await bundledSample('iris')), parameters: { receipt_mode: 'attested' } };
      const answer = await post(`${fixture.stack.url}/v2/models/iris/infer`, request);
      const receipt = (answer.json.parameters as { receipt: Record<string, string> }).receipt;
      const boot = await bootDocument(fixture.stack.url);
      const response = parseKserveInferResponse(answer.body);
      const inputs = parseKserveInferRequest(Buffer.from(JSON.stringify(request))).inputs;
      const base = { root: fixture.mockRoot, bootDocument: boot, inputs, outputs: response.outputs };
      assert.ok(verifyReceipt(receipt, base).ok);
      for (const field of ['claims', 'attestation', 'session_key']) {
        const bytes = fromBase64(receipt[field]!);
        bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
        const report = verifyReceipt({ ...receipt, [field]: toBase64(bytes) }, base);
        assert.equal(report.ok, false, `flipping a bit of ${field} must fail`);
      }
      const output = response.outputs[0]!;
      const changed = Uint8Array.from(output.data);
      changed[0]! ^= 0x01;
      assert.equal(verifyReceipt(receipt, { ...base, outputs: [{ ...output, data: changed }] }).ok, false);
      const input = inputs[0]!;
      const otherInput = Uint8Array.from(input.data);
      otherInput[0]! ^= 0x01;
      assert.equal(verifyReceipt(receipt, { ...base, inputs: [{ ...input, data: otherInput }] }).ok, false);
    });

    test('concurrent batched requests share NSM documents and every receipt verifies', async () => {
      const request = { ...(await bundledSample('iris')), parameters: { receipt_mode: 'batched' } };
      const answers = await Promise.all(Array.from({ length: 24 }, () => post(`${fixture.stack.url}/v2/models/iris/infer`, request)));
      const documents = new Set<string>();
      for (const answer of answers) {
        assert.equal(answer.status, 200);
        const report = await verifyAnswer(fixture, request, answer);
        assert.ok(report.ok, `failed checks: ${failedChecks(report).join(', ')}`);
        documents.add((answer.json.parameters as { receipt: { attestation: string } }).receipt.attestation);
      }
      assert.ok(documents.size < answers.length, `24 concurrent requests used ${documents.size} documents`);
    });

    test('an uploaded model serves receipts naming the SHA-256 of the uploaded bytes', async () => {
      const bytes = await readFile(path.join(BUNDLED_MODEL_DIR, 'iris.onnx'));
      const put = await fetch(`${fixture.stack.url}/v1/models/iris-copy`, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
      assert.equal(put.status, 201, await put.clone().text());
      const listed = (await (await fetch(`${fixture.stack.url}/v1/models`)).json()) as { models: { name: string; sha256: string }[] };
      assert.equal(listed.models.find((m) => m.name === 'iris-copy')?.sha256, await bundledSha256('iris'));
      const request = await bundledSample('iris');
      const answer = await post(`${fixture.stack.url}/v2/models/iris-copy/infer`, request);
      assert.equal(answer.status, 200);
      assert.ok((await verifyAnswer(fixture, request, answer)).ok);
      assert.equal((await fetch(`${fixture.stack.url}/v1/models/iris-copy`, { method: 'DELETE' })).status < 300, true);
      assert.equal((await post(`${fixture.stack.url}/v2/models/iris-copy/infer`, request)).status, 404);
    });

    test('bad input of every kind gets a coded error and the stack keeps serving', async () => {
      const url = fixture.stack.url;
      const sample = await bundledSample('iris');
      const inputs = sample.inputs as Record<string, unknown>[];
      const cases: [string, () => Promise<Answer>, number][] = [
        ['an unknown model', () => post(`${url}/v2/models/nope/infer`, sample), 404],
        ['a wrong datatype', () => post(`${url}/v2/models/iris/infer`, { inputs: [{ ...inputs[0], datatype: 'INT32', data: [1, 2, 3, 4] }] }), 400],
        ['a wrong shape', () => post(`${url}/v2/models/iris/infer`, { inputs: [{ ...inputs[0], shape: [1, 3], data: [1, 2, 3] }] }), 400],
        ['a wrong input name', () => post(`${url}/v2/models/iris/infer`, { inputs: [{ ...inputs[0], name: 'other' }] }), 400],
        ['an unknown receipt mode', () => post(`${url}/v2/models/iris/infer`, { ...sample, parameters: { receipt_mode: 'none' } }), 400],
      ];
      for (const [what, send, status] of cases) {
        const answer = await send();
        assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.json)}`);
        assert.match(String(answer.json.code), /^PRV_ERR_/, what);
        assert.equal(typeof answer.json.error, 'string', what);
      }
      const malformed = await fetch(`${url}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"inputs": [' });
      assert.equal(malformed.status, 400);
      const junk = await fetch(`${url}/v1/models/junk`, { method: 'PUT', body: randomBytes(4096) });
      assert.equal(junk.status, 422, await junk.clone().text());
      assert.equal(((await junk.json()) as { code: string }).code, 'PRV_ERR_MODEL_INVALID');
      const after = await post(`${url}/v2/models/iris/infer`, sample);
      assert.equal(after.status, 200);
      assert.ok((await verifyAnswer(fixture, sample, after)).ok);
    });
  });
}
