import { test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { ERRORS, MODEL_CHUNK_BYTES, parseModelPutRequest } from '@provenant/protocol';
import type { FakeEnclave } from '../support/fake-enclave.js';
import { startHarness, waitFor } from '../support/proxy-harness.js';

interface RawResponse {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** PUT with node:http so the test controls Content-Length and how the body is written. */
function put(url: string, headers: Record<string, string | number>, write: (req: ReturnType<typeof request>) => void): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'PUT', headers }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    write(req);
  });
}

function modelBytes(size: number): Buffer {
  return Buffer.from(Uint8Array.from({ length: size }, (_, i) => (i * 7 + (i >> 11)) & 0xff));
}

function assertChunksCarry(fake: FakeEnclave, body: Buffer): void {
  const put = fake.requests.find((r) => r.op === 'model.put');
  assert.ok(put !== undefined);
  const chunks = fake.chunks.filter((chunk) => chunk.id === put.id);
  assert.deepEqual(chunks.map((chunk) => chunk.seq), chunks.map((_, i) => i), 'seq counts from 0 in order');
  assert.deepEqual(chunks.map((chunk) => chunk.end), chunks.map((_, i) => i === chunks.length - 1), 'only the last chunk ends');
  assert.ok(chunks.every((chunk) => chunk.data.length <= MODEL_CHUNK_BYTES));
  assert.ok(Buffer.concat(chunks.map((chunk) => chunk.data)).equals(body), 'the chunks carry the body exactly');
}

test('a streamed upload reaches every enclave as ordered chunk frames of at most MODEL_CHUNK_BYTES', async () => {
  const h = await startHarness({ count: 2 });
  try {
    const body = modelBytes(3 * MODEL_CHUNK_BYTES + 12_345);
    const response = await put(`${h.url}/v1/models/mnist`, { 'content-length': body.length, 'content-type': 'application/octet-stream' }, (req) => {
      // Written in uneven pieces: the proxy re-chunks them.
      for (let at = 0; at < body.length; at += 100_003) req.write(body.subarray(at, at + 100_003));
      req.end();
    });
    assert.equal(response.status, 201);
    assert.equal(response.body.name, 'mnist');
    assert.equal(response.body.size, body.length);
    assert.equal(response.body.source, 'upload');
    for (const fake of h.enclaves) {
      const putRequest = fake.requests.find((r) => r.op === 'model.put');
      assert.deepEqual(parseModelPutRequest(putRequest?.body), { name: 'mnist', size: body.length });
      assertChunksCarry(fake, body);
    }
  } finally {
    await h.close();
  }
});

test('an upload over the limit is refused with 413 before any byte reaches an enclave', async () => {
  const h = await startHarness({ config: { maxModelBytes: 1000 } });
  try {
    const response = await put(`${h.url}/v1/models/big`, { 'content-length': 1001 }, (req) => req.flushHeaders());
    assert.equal(response.status, 413);
    assert.equal(response.body.code, 'PRV_ERR_PROXY_BODY_TOO_LARGE');
    assert.equal(h.enclaves[0]!.requests.filter((r) => r.op === 'model.put').length, 0);
  } finally {
    await h.close();
  }
});

test('an upload without Content-Length is refused with 411', async () => {
  const h = await startHarness();
  try {
    const response = await put(`${h.url}/v1/models/m`, { 'transfer-encoding': 'chunked' }, (req) => {
      req.write(Buffer.alloc(10));
      req.end();
    });
    assert.equal(response.status, 411);
    assert.equal(response.body.code, 'PRV_ERR_PROXY_LENGTH_REQUIRED');
  } finally {
    await h.close();
  }
});

test('an enclave refusing the upload early answers with its code and gets no further chunks', async () => {
  const h = await startHarness();
  const fake = h.enclaves[0]!;
  fake.handler = (r) => (r.op === 'model.put' ? { code: 'PRV_ERR_MODEL_EXISTS', message: `${ERRORS.PRV_ERR_MODEL_EXISTS.message}: m` } : undefined);
  try {
    const body = modelBytes(4 * MODEL_CHUNK_BYTES);
    const response = await put(`${h.url}/v1/models/m`, { 'content-length': body.length }, (req) => req.end(body));
    assert.equal(response.status, 409);
    assert.deepEqual(response.body, { error: `${ERRORS.PRV_ERR_MODEL_EXISTS.message}: m`, code: 'PRV_ERR_MODEL_EXISTS' });
    assert.ok(fake.chunks.length < 4, `sent ${fake.chunks.length} chunks after the refusal`);
  } finally {
    await h.close();
  }
});

test('a client that disconnects mid-upload makes the proxy cancel the enclave request', async () => {
  const h = await startHarness();
  const fake = h.enclaves[0]!;
  try {
    const req = request(`${h.url}/v1/models/m`, { method: 'PUT', headers: { 'content-length': 3 * MODEL_CHUNK_BYTES } });
    req.on('error', () => undefined);
    req.write(modelBytes(MODEL_CHUNK_BYTES + 10));
    await waitFor(() => fake.chunks.length >= 1, 'first chunk forwarded');
    req.destroy();
    await waitFor(() => fake.cancels.length === 1, 'cancel frame');
    assert.equal(fake.cancels[0], fake.requests.find((r) => r.op === 'model.put')?.id);
    assert.ok(fake.chunks.every((chunk) => !chunk.end));
  } finally {
    await h.close();
  }
});

test('models in --model-dir are loaded into each enclave when it connects', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = mkdtempSync(path.join(tmpdir(), 'prv-models-'));
  const body = modelBytes(MODEL_CHUNK_BYTES + 5);
  writeFileSync(path.join(dir, 'boot-model.onnx'), body);
  writeFileSync(path.join(dir, 'ignored.txt'), 'not a model');
  const h = await startHarness({ config: { modelDir: dir } });
  try {
    const fake = h.enclaves[0]!;
    assert.deepEqual(fake.requests.filter((r) => r.op === 'model.put').map((r) => parseModelPutRequest(r.body).name), ['boot-model']);
    assertChunksCarry(fake, body);
    assert.ok(h.logs.some((line) => line.includes('loaded boot-model')));
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
