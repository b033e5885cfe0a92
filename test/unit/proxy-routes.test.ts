import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ERRORS,
  INFERENCE_HEADER_CONTENT_LENGTH,
  encodeKserveInferRequest,
  fromBase64,
  parseInferKserveRequest,
  parseKserveInferResponse,
  type ErrorCode,
  type Tensor,
} from '@provenant/protocol';
import { cannedReceipt } from '../support/fake-enclave.js';
import { getJson, startHarness, type Harness } from '../support/proxy-harness.js';

let h: Harness;
before(async () => {
  h = await startHarness({ config: { maxInferBodyBytes: 64 * 1024 } });
});
after(() => h.close());

const IRIS_JSON = {
  id: 'req-7',
  parameters: { receipt_mode: 'attested', nonce: '00ff10' },
  inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [[5.1, 3.5, 1.4, 0.2]] }],
};

async function infer(body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }, model = 'iris'): Promise<Response> {
  return fetch(`${h.url}/v2/models/${model}/infer`, { method: 'POST', body, headers });
}

test('health, server metadata, model metadata and model readiness follow the Open Inference Protocol', async () => {
  assert.deepEqual((await getJson(`${h.url}/v2/health/live`)).body, { live: true });
  const ready = await getJson(`${h.url}/v2/health/ready`);
  assert.equal(ready.status, 200);
  const server = await getJson(`${h.url}/v2`);
  assert.equal(server.body.name, 'provenant');
  assert.ok((server.body.extensions as string[]).includes('binary_tensor_data'));
  const model = await getJson(`${h.url}/v2/models/iris`);
  assert.deepEqual(model.body, {
    name: 'iris',
    versions: ['ab'.repeat(32)],
    platform: 'onnx',
    inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
    outputs: [{ name: 'output', datatype: 'FP32', shape: [-1, 4] }],
  });
  assert.deepEqual((await getJson(`${h.url}/v2/models/iris/ready`)).body, { name: 'iris', ready: true });
  const missing = await getJson(`${h.url}/v2/models/nope`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'PRV_ERR_MODEL_NOT_FOUND');
  assert.equal((await getJson(`${h.url}/v2/models/nope/ready`)).status, 404);
});

test('readiness turns 503 when the only enclave reports not ready', async () => {
  const fake = h.enclaves[0]!;
  fake.ready = false;
  try {
    const response = await getJson(`${h.url}/v2/health/ready`);
    assert.equal(response.status, 503);
    assert.equal(response.body.code, 'PRV_ERR_PROXY_NO_ENCLAVE');
  } finally {
    fake.ready = true;
  }
});

test('infer relays the body to the enclave as received and its answer to the client byte for byte', async () => {
  const fake = h.enclaves[0]!;
  const seed = fake.receiptSeed;
  const request = JSON.stringify(IRIS_JSON);
  const response = await infer(request);
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /application\/json/);
  const text = await response.text();
  const sent = parseInferKserveRequest(fake.requests.at(-1)!.body);
  assert.equal(sent.model, 'iris');
  assert.equal(Buffer.from(sent.body).toString('utf8'), request);
  // The receipt object appears in the response exactly as the enclave wrote it.
  assert.ok(text.includes(`"receipt":${JSON.stringify(cannedReceipt(seed))}`));
  const body = JSON.parse(text) as Record<string, unknown>;
  assert.equal(body.model_name, 'iris');
  assert.equal(body.model_version, 'ab'.repeat(32));
  assert.equal(body.id, 'req-7');
  assert.deepEqual(body.outputs, [{ name: 'output', datatype: 'FP32', shape: [1, 4], data: [5.1, 3.5, 1.4, 0.2].map(Math.fround) }]);
});

test('infer with the binary tensor data extension both ways', async () => {
  const input: Tensor = { name: 'input', dtype: 'FP16', shape: [1, 4], data: new Uint8Array([0, 60, 0, 192, 0, 0, 0, 128]) };
  const { body, jsonBytes } = encodeKserveInferRequest([input], { binaryInputs: true, binaryDataOutput: true });
  const response = await infer(Buffer.from(body), { 'content-type': 'application/octet-stream', [INFERENCE_HEADER_CONTENT_LENGTH]: String(jsonBytes) });
  assert.equal(response.status, 200);
  const header = response.headers.get(INFERENCE_HEADER_CONTENT_LENGTH);
  assert.ok(header !== null);
  const parsed = parseKserveInferResponse(new Uint8Array(await response.arrayBuffer()), Number(header));
  assert.deepEqual(parsed.outputs, [{ name: 'output', dtype: 'FP16', shape: [1, 4], data: input.data }]);
  assert.equal(parsed.modelVersion, 'ab'.repeat(32));
});

test('bodies the proxy must refuse itself (size, headers, name) get 4xx JSON errors with codes and never reach the enclave', async () => {
  const fake = h.enclaves[0]!;
  const before = fake.requests.length;
  const iris = JSON.stringify({ inputs: [{ name: 'input', shape: [1], datatype: 'FP32', data: [1] }] });
  const cases: [string, Record<string, string>, number, ErrorCode][] = [
    [iris, { 'content-type': 'application/json', [INFERENCE_HEADER_CONTENT_LENGTH]: 'x' }, 400, 'PRV_ERR_KSERVE_BINARY_INVALID'],
    [iris, { 'content-type': 'application/json', [INFERENCE_HEADER_CONTENT_LENGTH]: String(iris.length + 1) }, 400, 'PRV_ERR_KSERVE_BINARY_INVALID'],
    ['x'.repeat(65 * 1024), { 'content-type': 'application/json' }, 413, 'PRV_ERR_PROXY_BODY_TOO_LARGE'],
  ];
  for (const [body, headers, status, code] of cases) {
    const response = await infer(body, headers);
    const json = (await response.json()) as { error: string; code: string };
    assert.equal(response.status, status, code);
    assert.equal(json.code, code);
    assert.equal(typeof json.error, 'string');
  }
  const badName = await infer(JSON.stringify(IRIS_JSON), { 'content-type': 'application/json' }, 'bad%20name');
  assert.equal(badName.status, 400);
  assert.equal(((await badName.json()) as { code: string }).code, 'PRV_ERR_INVALID_ARGUMENT');
  assert.equal(fake.requests.length, before);
});

test('bodies the enclave refuses come back with the enclave parser codes as 4xx JSON errors', async () => {
  const cases: [string, ErrorCode][] = [
    ['{"inputs":', 'PRV_ERR_KSERVE_MALFORMED'],
    [JSON.stringify({ inputs: [{ name: 'input', shape: [2], datatype: 'INT8', data: [1] }] }), 'PRV_ERR_KSERVE_SHAPE_MISMATCH'],
    [JSON.stringify({ inputs: [{ name: 'input', shape: [1], datatype: 'BYTES', data: ['a'] }] }), 'PRV_ERR_KSERVE_DATATYPE'],
    ['', 'PRV_ERR_KSERVE_MALFORMED'],
  ];
  for (const [body, code] of cases) {
    const response = await infer(body);
    const json = (await response.json()) as { error: string; code: string };
    assert.equal(response.status, 400, code);
    assert.equal(json.code, code);
    assert.ok(json.error.length > 0);
  }
});

test('each enclave error code becomes its table status with the enclave message and code', async () => {
  const fake = h.enclaves[0]!;
  const codes: ErrorCode[] = [
    'PRV_ERR_MODEL_NOT_FOUND',
    'PRV_ERR_INFER_INPUT_MISMATCH',
    'PRV_ERR_INFER_OUTPUT_UNKNOWN',
    'PRV_ERR_BUSY',
    'PRV_ERR_DEADLINE',
    'PRV_ERR_INFER_FAILED',
    'PRV_ERR_TENSOR_INVALID',
    'PRV_ERR_ENCLAVE_STOPPING',
  ];
  try {
    for (const code of codes) {
      const message = `${ERRORS[code].message}: detail for ${code}`;
      fake.handler = (request) => (request.op === 'infer.kserve' ? { code, message } : undefined);
      const response = await infer(JSON.stringify(IRIS_JSON));
      assert.equal(response.status, ERRORS[code].status, code);
      const body = (await response.json()) as { error: string; code: string };
      assert.equal(body.code, code);
      assert.equal(body.error, ERRORS[code].exposable ? message : ERRORS[code].message);
    }
    // A code this proxy does not know surfaces as an internal error, never as success.
    fake.handler = (request) => (request.op === 'infer.kserve' ? { code: 'PRV_ERR_FROM_THE_FUTURE' as ErrorCode, message: 'x' } : undefined);
    const response = await infer(JSON.stringify(IRIS_JSON));
    assert.equal(response.status, 500);
    assert.deepEqual(await response.json(), { error: 'internal error', code: 'PRV_ERR_INTERNAL' });
  } finally {
    fake.handler = undefined;
  }
});

test('an enclave answer that breaks the protocol is a 502, not forwarded', async () => {
  const fake = h.enclaves[0]!;
  const bodies: unknown[] = [
    { body: 'not bytes' },
    { body: new Uint8Array(4), json_bytes: 5 },
    { body: new Uint8Array(4), receipt_id: 'NOT-AN-ID' },
    { body: new Uint8Array(4), extra: 1 },
    {},
  ];
  try {
    for (const body of bodies) {
      fake.handler = (request) => (request.op === 'infer.kserve' ? { body } : undefined);
      const response = await infer(JSON.stringify(IRIS_JSON));
      assert.equal(response.status, 502, JSON.stringify(body));
      assert.equal(((await response.json()) as { code: string }).code, 'PRV_ERR_WIRE_MALFORMED');
    }
  } finally {
    fake.handler = undefined;
  }
});

test('/v1/models, DELETE /v1/models/{name} and /v1/attestation', async () => {
  const fake = h.enclaves[0]!;
  const list = await getJson(`${h.url}/v1/models`);
  assert.deepEqual(list.body, { models: [{ name: 'iris', sha256: 'ab'.repeat(32), size: 1234, loaded_at: 1_700_000_000_000, source: 'boot', plan: null, enclaves: 1 }] });
  const deleted = await getJson(`${h.url}/v1/models/iris`, { method: 'DELETE' });
  assert.deepEqual(deleted.body, { name: 'iris', deleted: true });
  assert.deepEqual(fake.requests.at(-1), { id: fake.requests.at(-1)!.id, op: 'model.delete', body: { name: 'iris' } });
  const attestation = await getJson(`${h.url}/v1/attestation?nonce=0a0B`);
  assert.equal(attestation.status, 200);
  assert.deepEqual([...fromBase64(attestation.body.document as string)], [1, 2, 3]);
  assert.deepEqual([...fromBase64(attestation.body.boot_document as string)], [4, 5, 6]);
  assert.equal(fromBase64(attestation.body.session_key as string).length, 65);
  assert.deepEqual([...fromBase64(attestation.body.config as string)], [0xa0]);
  assert.deepEqual(fake.requests.at(-1)?.body, { nonce: new Uint8Array([0x0a, 0x0b]) });
  for (const query of ['nonce=abc', 'nonce=zz', `nonce=${'00'.repeat(65)}`, 'other=1']) {
    const bad = await getJson(`${h.url}/v1/attestation?${query}`);
    assert.equal(bad.status, 400, query);
    assert.equal(bad.body.code, 'PRV_ERR_INVALID_ARGUMENT');
  }
});

test('unknown routes answer 404 with a code; /metrics counts requests by route, latency and errors by code', async () => {
  const missing = await getJson(`${h.url}/v3/nothing`);
  assert.equal(missing.status, 404);
  assert.equal(missing.body.code, 'PRV_ERR_PROXY_NOT_FOUND');
  await infer(JSON.stringify(IRIS_JSON));
  const response = await fetch(`${h.url}/metrics`);
  assert.match(response.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
  const text = await response.text();
  assert.match(text, /provenant_proxy_http_requests_total\{method="POST",route="\/v2\/models\/:name\/infer",status="200"\} [1-9]/);
  assert.match(text, /provenant_proxy_http_request_duration_seconds_bucket\{route="\/v2\/models\/:name\/infer",le="\+Inf"\} [1-9]/);
  assert.match(text, /provenant_proxy_errors_total\{code="PRV_ERR_PROXY_NOT_FOUND"\} [1-9]/);
  assert.match(text, new RegExp(`provenant_proxy_enclave_connected\\{address="${h.addresses[0]!.replace(/[/.]/g, '\\$&')}"\\} 1`));
  assert.match(text, /provenant_proxy_in_flight\{address="[^"]+"\} 0/);
});
