import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInferKserveRequest } from '@provenant/protocol';
import type { FakeRequest } from '../support/fake-enclave.js';
import { getJson, startHarness, waitFor } from '../support/proxy-harness.js';

const BODY = JSON.stringify({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] });

function infer(url: string, signal?: AbortSignal): Promise<Response> {
  return fetch(`${url}/v2/models/iris/infer`, { method: 'POST', body: BODY, headers: { 'content-type': 'application/json' }, ...(signal === undefined ? {} : { signal }) });
}

test('serves inference over TCP as over unix sockets', async () => {
  const h = await startHarness({ transport: 'tcp' });
  try {
    assert.match(h.addresses[0]!, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const response = await infer(h.url);
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as { model_name: string }).model_name, 'iris');
  } finally {
    await h.close();
  }
});

test('spreads concurrent requests over two enclaves by least in flight', async () => {
  const h = await startHarness({ count: 2 });
  const held: (() => void)[] = [];
  for (const fake of h.enclaves) {
    fake.handler = (r) => (r.op === 'infer.kserve' ? new Promise<undefined>((resolve) => held.push(() => resolve(undefined))) : undefined);
  }
  try {
    const responses = [1, 2, 3, 4].map(() => infer(h.url));
    await waitFor(() => held.length === 4, 'four requests reached enclaves');
    assert.deepEqual(h.enclaves.map((fake) => fake.requests.filter((r) => r.op === 'infer.kserve').length), [2, 2]);
    assert.deepEqual(h.service.pool.slots.map((slot) => slot.inFlight), [2, 2]);
    for (const release of held) release();
    for (const response of await Promise.all(responses)) assert.equal(response.status, 200);
    // Idle pool: ties go round robin.
    for (const fake of h.enclaves) fake.handler = undefined;
    for (let i = 0; i < 4; i++) assert.equal((await infer(h.url)).status, 200);
    assert.deepEqual(h.enclaves.map((fake) => fake.requests.filter((r) => r.op === 'infer.kserve').length), [4, 4]);
  } finally {
    for (const release of held) release();
    await h.close();
  }
});

test('a request past its deadline gets 504 and the enclave a cancel frame', async () => {
  const h = await startHarness({ config: { requestTimeoutMs: 100 } });
  const fake = h.enclaves[0]!;
  fake.handler = (r) => (r.op === 'infer.kserve' ? 'hang' : undefined);
  try {
    const response = await infer(h.url);
    assert.equal(response.status, 504);
    assert.equal(((await response.json()) as { code: string }).code, 'PRV_ERR_PROXY_DEADLINE');
    await waitFor(() => fake.cancels.length === 1, 'cancel frame');
    const sent = fake.requests.find((r) => r.op === 'infer.kserve')!;
    assert.equal(fake.cancels[0], sent.id);
    assert.equal(parseInferKserveRequest(sent.body).timeoutMs, 100, 'the enclave is told the same deadline');
    assert.equal(h.service.pool.inFlight, 0);
  } finally {
    await h.close();
  }
});

test('a client that goes away mid-inference makes the proxy cancel the enclave request', async () => {
  const h = await startHarness();
  const fake = h.enclaves[0]!;
  fake.handler = (r) => (r.op === 'infer.kserve' ? 'hang' : undefined);
  try {
    const controller = new AbortController();
    const pending = infer(h.url, controller.signal).catch((error: unknown) => error);
    await waitFor(() => fake.requests.some((r) => r.op === 'infer.kserve'), 'request reached the enclave');
    controller.abort();
    await pending;
    await waitFor(() => fake.cancels.length === 1, 'cancel frame');
  } finally {
    await h.close();
  }
});

test('a dropped connection fails in-flight inference with 503 PRV_ERR_WIRE_CLOSED, then the proxy reconnects', async () => {
  const h = await startHarness();
  const fake = h.enclaves[0]!;
  fake.handler = (r) => (r.op === 'infer.kserve' ? 'hang' : undefined);
  try {
    const pending = infer(h.url);
    await waitFor(() => fake.requests.some((r) => r.op === 'infer.kserve'), 'request reached the enclave');
    await fake.stop();
    const response = await pending;
    assert.equal(response.status, 503);
    assert.equal(((await response.json()) as { code: string }).code, 'PRV_ERR_WIRE_CLOSED');
    const down = await getJson(`${h.url}/v2/health/ready`);
    assert.equal(down.status, 503);
    assert.equal(down.body.code, 'PRV_ERR_PROXY_NO_ENCLAVE');
    const noEnclave = await infer(h.url);
    assert.equal(((await noEnclave.json()) as { code: string }).code, 'PRV_ERR_PROXY_NO_ENCLAVE');
    // The daemon comes back on the same address.
    fake.handler = undefined;
    await fake.start(h.addresses[0]!);
    await waitFor(() => h.service.pool.connectedCount === 1, 'reconnected');
    assert.equal(h.service.pool.slots[0]?.connects, 2);
    assert.equal((await infer(h.url)).status, 200);
    assert.ok(h.logs.some((line) => line.includes('disconnected')));
  } finally {
    await h.close();
  }
});

test('idempotent operations are retried on another enclave after a drop; inference is not', async () => {
  const h = await startHarness({ count: 2 });
  const [a, b] = h.enclaves as [typeof h.enclaves[0], typeof h.enclaves[0]];
  const dropOn = (fake: typeof a, op: string) => async (r: FakeRequest) => {
    if (r.op !== op) return undefined;
    await Promise.all([...fake.connections].map((connection) => connection.close()));
    return 'hang' as const;
  };
  try {
    a.handler = dropOn(a, 'model.list');
    const metadata = await getJson(`${h.url}/v2/models/iris`);
    assert.equal(metadata.status, 200, 'model.list retried on the other enclave');
    assert.ok(a.requests.some((r) => r.op === 'model.list') && b.requests.some((r) => r.op === 'model.list'));
    await waitFor(() => h.service.pool.connectedCount === 2, 'a reconnected');
    a.handler = dropOn(a, 'infer.kserve');
    b.handler = dropOn(b, 'infer.kserve');
    const response = await infer(h.url);
    assert.equal(response.status, 503);
    assert.equal(((await response.json()) as { code: string }).code, 'PRV_ERR_WIRE_CLOSED');
    assert.equal(a.requests.filter((r) => r.op === 'infer.kserve').length + b.requests.filter((r) => r.op === 'infer.kserve').length, 1, 'infer is not retried');
  } finally {
    await h.close();
  }
});
