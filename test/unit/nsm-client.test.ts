import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCbor, encodeNsmResponse, isProvenantError, type NsmResponse } from '@provenant/protocol';
import {
  MockNsmAuthority,
  MockNsmTransport,
  NsmClient,
  getNsmErrorCode,
  type NsmTransport,
} from '@provenant/enclave';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** A transport that records what it was sent and answers with scripted bytes. */
class ScriptedTransport implements NsmTransport {
  readonly sent: Uint8Array[] = [];
  constructor(private readonly answer: Uint8Array) {}
  async request(encoded: Uint8Array): Promise<Uint8Array> {
    this.sent.push(encoded);
    return this.answer;
  }
  async close(): Promise<void> {}
}

const authority = MockNsmAuthority.createEphemeral();
function mockClient(): { client: NsmClient; transport: MockNsmTransport } {
  const transport = MockNsmTransport.create({ authority, imageMeasurement: new TextEncoder().encode('client-test-image') });
  return { client: new NsmClient(transport), transport };
}

test('describeNsm round-trips through the mock: 32 SHA-384 PCRs, [0, 16) locked, a Nitro-shaped module id', async () => {
  const { client, transport } = mockClient();
  const description = await client.describeNsm();
  assert.equal(description.maxPcrs, 32);
  assert.equal(description.digest, 'SHA384');
  assert.deepEqual(description.lockedPcrs, Array.from({ length: 16 }, (_, i) => i));
  assert.match(description.moduleId, /^i-[0-9a-f]{17}-enc[0-9a-f]{16}$/);
  assert.equal(description.moduleId, transport.moduleId);
  assert.deepEqual([description.versionMajor, description.versionMinor, description.versionPatch], [1, 0, 0]);
});

test('extendPcr, describePcr, lockPcr and lockPcrs round-trip through the mock', async () => {
  const { client } = mockClient();
  const extended = await client.extendPcr(16, Uint8Array.of(1, 2, 3));
  assert.equal(extended.length, 48);
  assert.deepEqual(await client.describePcr(16), { locked: false, data: extended });
  await client.lockPcr(16);
  assert.equal((await client.describePcr(16)).locked, true);
  await client.lockPcrs(20);
  assert.deepEqual((await client.describeNsm()).lockedPcrs, Array.from({ length: 20 }, (_, i) => i));
});

test('getRandom returns 256 fresh bytes per call, as real modules do', async () => {
  const { client } = mockClient();
  const [a, b] = [await client.getRandom(), await client.getRandom()];
  assert.equal(a.length, 256);
  assert.equal(b.length, 256);
  assert.notDeepEqual(a, b);
});

test('attestation returns the document bytes for user_data, nonce and public_key', async () => {
  const { client } = mockClient();
  const document = await client.attestation({ userData: Uint8Array.of(1), nonce: Uint8Array.of(2), publicKey: Uint8Array.of(3) });
  // Untagged COSE_Sign1 opening exactly as hardware's: array(4), bstr(4) {1: -35}, {}.
  assert.equal(hex(document.subarray(0, 7)), '8444a10138 22a0'.replace(/ /g, ''));
});

test('the client sends the nsm-api golden encodings', async () => {
  const transport = new ScriptedTransport(encodeNsmResponse({ type: 'GetRandom', random: new Uint8Array(256) }));
  const client = new NsmClient(transport);
  await client.getRandom();
  await assert.rejects(client.attestation());
  await assert.rejects(client.describePcr(16));
  await assert.rejects(client.describeNsm());
  assert.deepEqual(transport.sent.map(hex), [
    '6947657452616e646f6d',
    'a16b4174746573746174696f6ea369757365725f64617461f6656e6f6e6365f66a7075626c69635f6b6579f6',
    'a16b4465736372696265504352a165696e64657810',
    '6b44657363726962654e534d',
  ]);
});

test('an {"Error": code} answer becomes PRV_ERR_NSM_ERROR_RESPONSE carrying the NSM code', async () => {
  const { client } = mockClient();
  await assert.rejects(client.extendPcr(0, Uint8Array.of(1)), (error) => {
    assert.ok(isProvenantError(error, 'PRV_ERR_NSM_ERROR_RESPONSE'));
    assert.equal(getNsmErrorCode(error), 'ReadOnlyIndex');
    assert.match(error.message, /ReadOnlyIndex \(ExtendPCR\)/);
    return true;
  });
  await assert.rejects(client.describePcr(32), (error) => getNsmErrorCode(error) === 'InvalidIndex');
  await assert.rejects(client.lockPcrs(33), (error) => getNsmErrorCode(error) === 'InvalidIndex');
});

test('getNsmErrorCode is undefined for errors that are not NSM error answers', () => {
  assert.equal(getNsmErrorCode(new Error('x')), undefined);
  assert.equal(getNsmErrorCode(undefined), undefined);
});

test('an answer of the wrong variant is PRV_ERR_NSM_MALFORMED', async () => {
  const answers: NsmResponse[] = [{ type: 'LockPCR' }, { type: 'ExtendPCR', data: new Uint8Array(48) }];
  for (const answer of answers) {
    const client = new NsmClient(new ScriptedTransport(encodeNsmResponse(answer)));
    await assert.rejects(client.getRandom(), (error) => isProvenantError(error, 'PRV_ERR_NSM_MALFORMED'));
  }
});

test('bytes that are not NSM CBOR are PRV_ERR_NSM_MALFORMED, whatever the CBOR layer found', async () => {
  const answers = [Uint8Array.of(0xa1), Uint8Array.of(0xff), encodeCbor(['GetRandom']), Uint8Array.of(0x61, 0x41, 0x00)];
  for (const answer of answers) {
    const client = new NsmClient(new ScriptedTransport(answer));
    await assert.rejects(client.getRandom(), (error) => isProvenantError(error, 'PRV_ERR_NSM_MALFORMED'), hex(answer));
  }
});

test('rejects bad arguments before anything is sent', async () => {
  const transport = new ScriptedTransport(Uint8Array.of(0));
  const client = new NsmClient(transport);
  await assert.rejects(client.describePcr(-1), (error) => isProvenantError(error, 'PRV_ERR_OUT_OF_RANGE'));
  await assert.rejects(client.lockPcrs(1.5), (error) => isProvenantError(error, 'PRV_ERR_OUT_OF_RANGE'));
  await assert.rejects(client.extendPcr(16, 'abc' as unknown as Uint8Array), (error) => isProvenantError(error, 'PRV_ERR_INVALID_ARGUMENT'));
  await assert.rejects(client.attestation({ nonce: new Uint8Array(1025) }), (error) => isProvenantError(error, 'PRV_ERR_OUT_OF_RANGE'));
  await assert.rejects(client.extendPcr(16, new Uint8Array(4096)), (error) => isProvenantError(error, 'PRV_ERR_NSM_INPUT_TOO_LARGE'));
  assert.equal(transport.sent.length, 0);
  assert.throws(() => new NsmClient({} as NsmTransport), (error) => isProvenantError(error, 'PRV_ERR_INVALID_ARGUMENT'));
});

test('an aborted caller signal reaches the transport and fails the mock call with PRV_ERR_NSM_TIMEOUT', async () => {
  const { client } = mockClient();
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(client.getRandom({ signal: controller.signal }), (error) => isProvenantError(error, 'PRV_ERR_NSM_TIMEOUT'));
});

test('close closes the transport: the mock then refuses requests', async () => {
  const { client } = mockClient();
  await client.close();
  await assert.rejects(client.getRandom(), (error) => isProvenantError(error, 'PRV_ERR_NSM_IO'));
});
