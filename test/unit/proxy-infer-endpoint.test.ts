import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { getJson, startHarness, type Harness } from '../support/proxy-harness.js';

// The inference route is served on node:http in front of fastify (parent-proxy/src/http/infer-endpoint.ts):
// these cases are the ones fastify used to handle for it.
const LIMIT = 16 * 1024;
let h: Harness;
before(async () => {
  h = await startHarness({ config: { maxInferBodyBytes: LIMIT } });
});
after(() => h.close());

const IRIS = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] });

interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** One request on its own connection; `write` sends the body (or part of it) the way the case needs. */
function raw(headers: Record<string, string>, write: (request: http.ClientRequest) => void): Promise<RawAnswer> {
  const url = new URL(`${h.url}/v2/models/iris/infer`);
  return new Promise((resolve, reject) => {
    const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> }));
    });
    // The proxy may close the socket before the whole body left: that is the point of some cases.
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    write(request);
  });
}

async function servesNext(): Promise<void> {
  const answer = await getJson(`${h.url}/v2/models/iris/infer`, { method: 'POST', body: IRIS, headers: { 'content-type': 'application/json' } });
  assert.equal(answer.status, 200);
  assert.ok(answer.body.parameters !== undefined, 'a receipt came back');
}

test('a declared Content-Length over the limit is refused before the body is sent, and the connection closes', async () => {
  const before = h.enclaves[0]!.requests.length;
  // Only the headers go out: the answer must not wait for 10 MB that never come.
  const answer = await raw({ 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) }, (request) => request.flushHeaders());
  assert.equal(answer.status, 413);
  assert.equal(answer.body.code, 'PRV_ERR_PROXY_BODY_TOO_LARGE');
  assert.equal(answer.headers.connection, 'close');
  assert.equal(h.enclaves[0]!.requests.length, before);
  await servesNext();
});

test('a chunked body that grows past the limit is refused as it arrives', async () => {
  const before = h.enclaves[0]!.requests.length;
  const answer = await raw({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, (request) => {
    for (let i = 0; i < 8; i++) request.write('x'.repeat(4096));
    request.end();
  });
  assert.equal(answer.status, 413);
  assert.equal(answer.body.code, 'PRV_ERR_PROXY_BODY_TOO_LARGE');
  assert.equal(h.enclaves[0]!.requests.length, before);
  await servesNext();
});

test('a chunked body under the limit is read whole and answered', async () => {
  const answer = await raw({ 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, (request) => {
    for (let i = 0; i < IRIS.length; i += 7) request.write(IRIS.slice(i, i + 7));
    request.end();
  });
  assert.equal(answer.status, 200);
  assert.equal((answer.body.outputs as unknown[]).length > 0, true);
});

test('a client that leaves mid-body costs nothing: no enclave request, and the proxy keeps serving', async () => {
  const before = h.enclaves[0]!.requests.length;
  const url = new URL(h.url);
  await new Promise<void>((resolve) => {
    const request = http.request({ host: url.hostname, port: url.port, path: '/v2/models/iris/infer', method: 'POST', headers: { 'content-length': '1000' }, agent: false });
    request.on('error', () => resolve());
    request.write(IRIS.slice(0, 10), () => setImmediate(() => request.destroy()));
  });
  await servesNext();
  assert.equal(h.enclaves[0]!.requests.length, before + 1, 'only the next request reached the enclave');
});

test('other methods on the path and malformed names keep fastify\'s answers, with codes', async () => {
  const get = await getJson(`${h.url}/v2/models/iris/infer`);
  assert.equal(get.status, 404);
  assert.equal(get.body.code, 'PRV_ERR_PROXY_NOT_FOUND');
  const badEncoding = await getJson(`${h.url}/v2/models/%E0%A4%A/infer`, { method: 'POST', body: IRIS });
  assert.equal(badEncoding.status, 400);
  assert.equal(badEncoding.body.code, 'PRV_ERR_INVALID_ARGUMENT');
  const withQuery = await getJson(`${h.url}/v2/models/iris/infer?trace=1`, { method: 'POST', body: IRIS });
  assert.equal(withQuery.status, 200);
});

test('refusals are counted in /metrics under the route and their code', async () => {
  await raw({ 'content-length': String(LIMIT + 1) }, (request) => request.flushHeaders());
  const text = await (await fetch(`${h.url}/metrics`)).text();
  assert.match(text, /provenant_proxy_http_requests_total\{method="POST",route="\/v2\/models\/:name\/infer",status="413"\} [1-9]/);
  assert.match(text, /provenant_proxy_errors_total\{code="PRV_ERR_PROXY_BODY_TOO_LARGE"\} [1-9]/);
});
