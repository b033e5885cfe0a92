import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PLAN_RECEIPT_FORMAT,
  encodeModelInfo,
  encodeReceiptGetResponse,
  parseInferKserveRequest,
  parseKserveInferRequest,
  parseModelPutRequest,
  parseReceiptGetRequest,
  type PlanReceiptJson,
  type SegmentProofJson,
} from '@provenant/protocol';
import { ReceiptRoutes } from '@provenant/proxy';
import { cannedModel, cannedReceipt, echoKserve, type FakeEnclave, type FakeRequest } from '../support/fake-enclave.js';
import { getJson, startHarness, type Harness } from '../support/proxy-harness.js';

const PLAN = [{ until: 'relu1', mode: 'tee' }, { until: '@end', mode: 'zk' }];
const PLAN_JSON = '[{"until":"relu1","mode":"tee"},{"until":"@end","mode":"zk"}]';
const INPUTS = [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }];

/** A protocol-valid [tee, zk] plan receipt (parsePlanReceipt accepts it; nothing verifies it here). */
function planReceipt(id: string, zk: SegmentProofJson): PlanReceiptJson {
  return { ...cannedReceipt(7), format: PLAN_RECEIPT_FORMAT, id, proofs: [null, zk], openings: { input_salt: null, output_salt: '12345' } };
}

/** Shaped like snarkjs' proof.json and verification_key.json: their nesting must cross the wire (MAX_FRAME_DEPTH). */
const PROVEN: SegmentProofJson = {
  status: 'proven',
  proof: { pi_a: ['1', '2', '1'], pi_b: [['1', '2'], ['3', '4'], ['1', '0']], pi_c: ['1', '2', '1'], protocol: 'groth16', curve: 'bn128' },
  public_signals: ['1', '2'],
  verification_key: { protocol: 'groth16', curve: 'bn128', nPublic: 2, vk_alphabeta_12: [[['1', '2'], ['3', '4'], ['5', '6']], [['1', '2'], ['3', '4'], ['5', '6']]] },
};

/**
 * Makes a fake enclave act as the real one does for plans: an infer with a plan answers `issue()`'s receipt and
 * keeps it; receipt.get answers the current state of a receipt this enclave issued (`current`), else NOT_FOUND.
 */
function issueReceipts(fake: FakeEnclave, issue: () => PlanReceiptJson, current: (id: string) => PlanReceiptJson): Set<string> {
  const issued = new Set<string>();
  fake.handler = (request: FakeRequest) => {
    if (request.op === 'infer.kserve') {
      const relayed = parseInferKserveRequest(request.body);
      if (parseKserveInferRequest(relayed.body, relayed.jsonBytes).plan === undefined) return undefined;
      const receipt = issue();
      issued.add(receipt.id);
      return echoKserve(request.body, fake.models, receipt);
    }
    if (request.op === 'receipt.get') {
      const { id } = parseReceiptGetRequest(request.body);
      return issued.has(id) ? { body: encodeReceiptGetResponse(current(id)) } : { code: 'PRV_ERR_RECEIPT_NOT_FOUND', message: `no receipt with this id: ${id}` };
    }
    return undefined;
  };
  return issued;
}

function receiptGets(fake: FakeEnclave): FakeRequest[] {
  return fake.requests.filter((request) => request.op === 'receipt.get');
}

let h: Harness;
before(async () => {
  h = await startHarness({ count: 2, config: { uploadTimeoutMs: 5_000 } });
});
after(() => h.close());

async function infer(parameters: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
  return getJson(`${h.url}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ parameters, inputs: INPUTS }) });
}

test('the infer body reaches the enclave byte for byte, plan and wait included, with the model from the URL', async () => {
  for (const enclave of h.enclaves) enclave.handler = undefined;
  for (const plan of [PLAN, JSON.stringify(PLAN, null, 2)]) {
    for (const enclave of h.enclaves) enclave.requests.length = 0;
    const body = JSON.stringify({ parameters: { plan, wait: true }, inputs: INPUTS });
    const response = await getJson(`${h.url}/v2/models/iris/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const sent = parseInferKserveRequest(h.enclaves.flatMap((fake) => fake.requests.filter((r) => r.op === 'infer.kserve'))[0]!.body);
    assert.equal(sent.model, 'iris');
    assert.equal(Buffer.from(sent.body).toString('utf8'), body, 'the parent relays the body; the enclave reads the plan');
    assert.equal(sent.jsonBytes, undefined);
  }
});

test('a plan code from the enclave reaches the client with its status', async () => {
  for (const enclave of h.enclaves) enclave.handler = undefined;
  const response = await infer({ plan: [] });
  assert.equal(response.status, 400);
  assert.equal(response.body.code, 'PRV_ERR_PLAN_EMPTY');
  const wait = await infer({ wait: 'yes' });
  assert.equal(wait.status, 400);
  assert.equal(wait.body.code, 'PRV_ERR_KSERVE_MALFORMED');
});

test('GET /v1/receipts/{id} asks the enclave that served the infer and reports pending, complete and failed', async () => {
  const id = 'c0ffee'.padEnd(32, '0');
  let state = planReceipt(id, { status: 'pending' });
  const issued = h.enclaves.map((fake) => issueReceipts(fake, () => planReceipt(id, { status: 'pending' }), () => state));
  for (const enclave of h.enclaves) enclave.requests.length = 0;
  const response = await infer({ plan: PLAN });
  assert.equal(response.status, 200);
  assert.equal((response.body.parameters as { receipt: { id: string } }).receipt.id, id);
  const holderIndex = issued.findIndex((set) => set.has(id));
  const holder = h.enclaves[holderIndex]!;
  const bystander = h.enclaves[1 - holderIndex]!;
  // Only one enclave issued the id; the other would answer NOT_FOUND. The route must come from the infer.
  assert.equal(issued.filter((set) => set.has(id)).length, 1);

  const pending = await getJson(`${h.url}/v1/receipts/${id}`);
  assert.equal(pending.status, 200, JSON.stringify(pending.body));
  assert.deepEqual(pending.body, { id, status: 'pending', receipt: state });
  assert.equal(receiptGets(holder).length, 1);
  assert.equal(receiptGets(bystander).length, 0, 'the routed enclave is asked first, and it answered');
  assert.deepEqual(parseReceiptGetRequest(receiptGets(holder)[0]!.body), { id });

  state = planReceipt(id, PROVEN);
  const complete = await getJson(`${h.url}/v1/receipts/${id}?wait=true`);
  assert.equal(complete.body.status, 'complete');
  assert.deepEqual(complete.body.receipt, state);
  assert.deepEqual(parseReceiptGetRequest(receiptGets(holder)[1]!.body), { id, wait: true });

  state = planReceipt(id, { status: 'failed', error: { code: 'PRV_ERR_ZK_PROVE_FAILED', message: 'zero-knowledge proving failed' } });
  const failed = await getJson(`${h.url}/v1/receipts/${id}?wait=false`);
  assert.equal(failed.body.status, 'failed');
  assert.equal(receiptGets(bystander).length, 0);
});

test('an id the proxy never routed is looked up on each enclave in turn until one holds it', async () => {
  const id = 'ab'.repeat(16);
  for (const enclave of h.enclaves) enclave.requests.length = 0;
  // Each fake holds the receipt (as if issued before a proxy restart); only the second will say so.
  const [a, b] = h.enclaves as [FakeEnclave, FakeEnclave];
  issueReceipts(a, () => planReceipt(id, PROVEN), () => planReceipt(id, PROVEN));
  issueReceipts(b, () => planReceipt(id, PROVEN), () => planReceipt(id, PROVEN)).add(id);
  const found = await getJson(`${h.url}/v1/receipts/${id}`);
  assert.equal(found.status, 200, JSON.stringify(found.body));
  assert.equal(found.body.status, 'complete');
  assert.equal(receiptGets(b).length, 1);
  assert.ok(receiptGets(a).length <= 1);
});

test('an unknown receipt id is 404 PRV_ERR_RECEIPT_NOT_FOUND after asking every enclave; a malformed id or query is 400', async () => {
  for (const enclave of h.enclaves) {
    enclave.requests.length = 0;
    issueReceipts(enclave, () => planReceipt('0'.repeat(32), PROVEN), () => planReceipt('0'.repeat(32), PROVEN));
  }
  const unknown = await getJson(`${h.url}/v1/receipts/${'0'.repeat(32)}?wait=true`);
  assert.equal(unknown.status, 404);
  assert.equal(unknown.body.code, 'PRV_ERR_RECEIPT_NOT_FOUND');
  for (const enclave of h.enclaves) assert.equal(receiptGets(enclave).length, 1);
  for (const path of ['ABCDEF'.padEnd(32, '0'), '0'.repeat(31), '0'.repeat(33), 'zz'.repeat(16)]) {
    const bad = await getJson(`${h.url}/v1/receipts/${path}`);
    assert.equal(bad.status, 400, path);
    assert.equal(bad.body.code, 'PRV_ERR_INVALID_ARGUMENT');
  }
  for (const query of ['wait=1', 'wait=true&wait=true', 'nonce=00']) {
    const bad = await getJson(`${h.url}/v1/receipts/${'0'.repeat(32)}?${query}`);
    assert.equal(bad.status, 400, query);
  }
});

test('a receipt.get answer that is not a plan receipt is refused, not passed on', async () => {
  const id = 'cd'.repeat(16);
  for (const enclave of h.enclaves) {
    enclave.handler = (request) => (request.op === 'receipt.get' ? { body: { receipt: cannedReceipt(3) } } : undefined);
  }
  const response = await getJson(`${h.url}/v1/receipts/${id}`);
  assert.equal(response.body.code, 'PRV_ERR_WIRE_MALFORMED');
  assert.ok(response.status >= 500);
});

test('PUT /v1/models/{name}?plan= sends the canonical default plan with model.put; listings show each model plan', async () => {
  for (const enclave of h.enclaves) {
    enclave.requests.length = 0;
    // Answers at once, with the plan it was given as the model's default (chunks are not what this tests).
    enclave.handler = (request) => {
      if (request.op !== 'model.put') return undefined;
      const put = parseModelPutRequest(request.body);
      return { body: encodeModelInfo({ ...cannedModel(put.name, 'upload', put.size), plan: put.plan ?? null }) };
    };
  }
  const body = Buffer.from(Uint8Array.from({ length: 5000 }, (_, i) => i & 0xff));
  const plan = encodeURIComponent(JSON.stringify(PLAN, null, 1));
  const put = await getJson(`${h.url}/v1/models/iris-plan?plan=${plan}`, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(put.status, 201, JSON.stringify(put.body));
  assert.equal(put.body.plan, PLAN_JSON, 'the upload answer names the default plan');
  for (const enclave of h.enclaves) {
    const sent = parseModelPutRequest(enclave.requests.find((r) => r.op === 'model.put')!.body);
    assert.equal(sent.plan, PLAN_JSON);
  }
  const bad = await getJson(`${h.url}/v1/models/iris-bad?plan=${encodeURIComponent('[]')}`, { method: 'PUT', body, headers: { 'content-type': 'application/octet-stream' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.code, 'PRV_ERR_PLAN_EMPTY');
  assert.equal(h.enclaves.reduce((sum, fake) => sum + fake.requests.filter((r) => r.op === 'model.put').length, 0), 2, 'a bad plan never reaches an enclave');

  for (const enclave of h.enclaves) enclave.models = [cannedModel('iris'), { ...cannedModel('iris-zk'), plan: PLAN_JSON }];
  const list = await getJson(`${h.url}/v1/models`);
  const rows = list.body.models as { name: string; plan: string | null }[];
  assert.deepEqual(rows.map((row) => [row.name, row.plan]), [['iris', null], ['iris-zk', PLAN_JSON]]);
  for (const enclave of h.enclaves) enclave.models = [cannedModel('iris')];
});

test('receipt routes are bounded: the oldest id is forgotten first', () => {
  const routes = new ReceiptRoutes(2);
  const ids = ['01', '02', '03'].map((p) => p.padEnd(32, '0'));
  for (const [i, id] of ids.entries()) routes.remember(id, `unix:///${i}`);
  assert.equal(routes.size, 2);
  assert.equal(routes.addressOf(ids[0]!), undefined);
  assert.equal(routes.addressOf(ids[1]!), 'unix:///1');
  assert.equal(routes.addressOf(ids[2]!), 'unix:///2');
});

test('wait=true past the request deadline answers the receipt as it stands (pending) instead of an error', async () => {
  const short = await startHarness({ config: { requestTimeoutMs: 100 } });
  const id = 'ef'.repeat(16);
  const fake = short.enclaves[0]!;
  fake.handler = (request) => {
    if (request.op !== 'receipt.get') return undefined;
    // The proof never settles: a waiting request hangs, a plain one answers the pending receipt.
    return parseReceiptGetRequest(request.body).wait === true ? 'hang' : { body: encodeReceiptGetResponse(planReceipt(id, { status: 'pending' })) };
  };
  try {
    const answer = await getJson(`${short.url}/v1/receipts/${id}?wait=true`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    assert.equal(answer.body.status, 'pending');
    assert.deepEqual(receiptGets(fake).map((request) => parseReceiptGetRequest(request.body).wait), [true, undefined]);
    assert.deepEqual(fake.cancels, [receiptGets(fake)[0]!.id], 'the waiting request was cancelled in the enclave');
  } finally {
    await short.close();
  }
});
