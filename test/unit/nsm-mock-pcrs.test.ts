import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decodeNsmResponse, encodeNsmRequest, isProvenantError, type NsmResponse } from '@provenant/protocol';
import { MockNsmAuthority, MockNsmTransport, deriveBootPcrs, type MockNsmOptions } from '@provenant/enclave';
import { vectorPath } from '../support/paths.js';

/** Real AWS documents shared by the project (see its manifest.json for their origin). */
const NITRO_FIXTURES = vectorPath('nitro');

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const ZERO_PCR = new Uint8Array(48);
const IMAGE = new TextEncoder().encode('pcr-test-image');
const authority = MockNsmAuthority.createEphemeral();

function mock(options: Partial<MockNsmOptions> = {}): MockNsmTransport {
  return MockNsmTransport.create({ authority, imageMeasurement: IMAGE, ...options });
}

async function ask(transport: MockNsmTransport, request: Parameters<typeof encodeNsmRequest>[0]): Promise<NsmResponse> {
  return decodeNsmResponse(await transport.request(encodeNsmRequest(request)));
}

async function pcr(transport: MockNsmTransport, index: number): Promise<{ lock: boolean; data: Uint8Array }> {
  const response = await ask(transport, { type: 'DescribePCR', index });
  assert.equal(response.type, 'DescribePCR');
  return response;
}

test('answers the nsm-api golden DescribeNSM and DescribePCR{16} requests byte for byte', async () => {
  const transport = mock();
  const describe = decodeNsmResponse(await transport.request(unhex('6b44657363726962654e534d')));
  assert.equal(describe.type, 'DescribeNSM');
  const pcr16 = decodeNsmResponse(await transport.request(unhex('a16b4465736372696265504352a165696e64657810')));
  assert.deepEqual(pcr16, { type: 'DescribePCR', lock: false, data: ZERO_PCR });
  const random = decodeNsmResponse(await transport.request(unhex('6947657452616e646f6d')));
  assert.equal(random.type === 'GetRandom' && random.random.length, 256);
});

test('encodes an InvalidIndex answer as the golden {"Error": "InvalidIndex"} bytes', async () => {
  const answer = await mock().request(encodeNsmRequest({ type: 'DescribePCR', index: 32 }));
  assert.equal(hex(answer), 'a1654572726f726c496e76616c6964496e646578');
});

test('boots with PCR0-4 non-zero and locked, PCR5-15 zero and locked, PCR16-31 zero and unlocked', async () => {
  const transport = mock();
  for (let index = 0; index < 32; index += 1) {
    const { lock, data } = await pcr(transport, index);
    assert.equal(lock, index < 16, `PCR${index} lock`);
    assert.equal(data.length, 48);
    if (index <= 4) assert.notDeepEqual(data, ZERO_PCR, `PCR${index} is set`);
    else assert.deepEqual(data, ZERO_PCR, `PCR${index} is zero`);
  }
});

test('derives PCR0/1/2 from the image measurement, so a different image has different PCRs', async () => {
  const a = mock();
  const b = mock({ imageMeasurement: new TextEncoder().encode('another image') });
  for (const index of [0, 1, 2]) assert.notDeepEqual((await pcr(a, index)).data, (await pcr(b, index)).data);
  assert.deepEqual((await pcr(a, 4)).data, (await pcr(b, 4)).data, 'PCR4 depends on the instance only');
  const expectedPcr0 = createHash('sha384').update(ZERO_PCR)
    .update(createHash('sha384').update('provenant-mock/pcr0/image\0').update(IMAGE).digest()).digest();
  assert.equal(hex((await pcr(a, 0)).data), expectedPcr0.toString('hex'));
});

test('computes PCR4 with the real formula SHA384(0^48 || instance id), matching a hardware document', () => {
  const manifest = JSON.parse(readFileSync(path.join(NITRO_FIXTURES, 'manifest.json'), 'utf8')) as {
    documents: { file: string; module_id: string; pcrs: Record<string, string> }[];
  };
  const blocky = manifest.documents.find((doc) => doc.file === 'nitro-2024-09-blocky.cbor');
  assert.ok(blocky);
  const instanceId = blocky.module_id.split('-enc')[0] as string;
  const pcrs = deriveBootPcrs({ imageMeasurement: IMAGE, debugMode: false, instanceId, parentRoleArn: null });
  assert.equal(hex(pcrs.get(4) as Uint8Array), blocky.pcrs['4']);
  assert.equal(pcrs.has(3), false, 'no role: PCR3 stays zero, as in that document');
});

test('debug mode zeroes PCR0, 1, 2 and 8 and keeps PCR3/4 set, like a real debug enclave', async () => {
  const transport = mock({ debugMode: true, pcrOverrides: { 8: new Uint8Array(48).fill(8) } });
  for (const index of [0, 1, 2, 8]) assert.deepEqual((await pcr(transport, index)).data, ZERO_PCR, `PCR${index}`);
  for (const index of [3, 4]) assert.notDeepEqual((await pcr(transport, index)).data, ZERO_PCR, `PCR${index}`);
});

test('pcrOverrides set PCR0/1/2/8 to exact measured values', async () => {
  const pcr0 = new Uint8Array(48).fill(0xab);
  const transport = mock({ pcrOverrides: { 0: pcr0, 8: new Uint8Array(48).fill(1) } });
  assert.deepEqual((await pcr(transport, 0)).data, pcr0);
  assert.deepEqual((await pcr(transport, 8)).data, new Uint8Array(48).fill(1));
  assert.throws(() => mock({ pcrOverrides: { 0: new Uint8Array(32) } }), (e) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT'));
  assert.throws(() => mock({ pcrOverrides: { 5: ZERO_PCR } as never }), (e) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT'));
});

test('extend computes SHA384(old || data) and returns the new value', async () => {
  const transport = mock();
  const data = Uint8Array.of(1, 2, 3);
  const first = await ask(transport, { type: 'ExtendPCR', index: 16, data });
  const expected1 = createHash('sha384').update(ZERO_PCR).update(data).digest();
  assert.deepEqual(first, { type: 'ExtendPCR', data: Uint8Array.from(expected1) });
  const second = await ask(transport, { type: 'ExtendPCR', index: 16, data });
  const expected2 = createHash('sha384').update(expected1).update(data).digest();
  assert.deepEqual(second, { type: 'ExtendPCR', data: Uint8Array.from(expected2) });
  assert.deepEqual((await pcr(transport, 16)).data, Uint8Array.from(expected2));
});

test('extending a locked PCR answers ReadOnlyIndex and leaves it unchanged', async () => {
  const transport = mock();
  const before = await pcr(transport, 0);
  assert.deepEqual(await ask(transport, { type: 'ExtendPCR', index: 0, data: Uint8Array.of(1) }), { type: 'Error', code: 'ReadOnlyIndex' });
  assert.deepEqual(await pcr(transport, 0), before);
  assert.deepEqual(await ask(transport, { type: 'LockPCR', index: 17 }), { type: 'LockPCR' });
  assert.deepEqual(await ask(transport, { type: 'ExtendPCR', index: 17, data: Uint8Array.of(1) }), { type: 'Error', code: 'ReadOnlyIndex' });
});

test('LockPCR on an already-locked PCR answers ReadOnlyIndex, as nsm-check expects of [0, 16)', async () => {
  const transport = mock();
  for (const index of [0, 15]) {
    assert.deepEqual(await ask(transport, { type: 'LockPCR', index }), { type: 'Error', code: 'ReadOnlyIndex' });
  }
});

test('LockPCRs locks [0, range), accepts already-locked PCRs and repeats, and refuses range 33', async () => {
  const transport = mock();
  assert.deepEqual(await ask(transport, { type: 'LockPCRs', range: 18 }), { type: 'LockPCRs' });
  assert.equal((await pcr(transport, 17)).lock, true);
  assert.equal((await pcr(transport, 18)).lock, false);
  assert.deepEqual(await ask(transport, { type: 'LockPCRs', range: 18 }), { type: 'LockPCRs' });
  assert.deepEqual(await ask(transport, { type: 'LockPCRs', range: 32 }), { type: 'LockPCRs' });
  assert.deepEqual(await ask(transport, { type: 'LockPCRs', range: 33 }), { type: 'Error', code: 'InvalidIndex' });
  const describe = await ask(transport, { type: 'DescribeNSM' });
  assert.equal(describe.type === 'DescribeNSM' && describe.lockedPcrs.length, 32);
});

test('an index of 32 or more is InvalidIndex for DescribePCR, ExtendPCR and LockPCR', async () => {
  const transport = mock();
  for (const index of [32, 255, 65535]) {
    for (const request of [
      { type: 'DescribePCR', index },
      { type: 'ExtendPCR', index, data: Uint8Array.of(1) },
      { type: 'LockPCR', index },
    ] as const) {
      assert.deepEqual(await ask(transport, request), { type: 'Error', code: 'InvalidIndex' }, `${request.type} ${index}`);
    }
  }
});

test('bytes that are not an NSM request answer InvalidOperation, as QEMU\'s emulation does', async () => {
  const transport = mock();
  for (const bytes of [Uint8Array.of(0x66, 0x46, 0x6f, 0x6f, 0x42, 0x61, 0x72), Uint8Array.of(0xa1), Uint8Array.of(0xff)]) {
    assert.deepEqual(decodeNsmResponse(await transport.request(bytes)), { type: 'Error', code: 'InvalidOperation' });
  }
});

test('a request over 4096 bytes never reaches the module: PRV_ERR_NSM_INPUT_TOO_LARGE, as EMSGSIZE from the driver', async () => {
  await assert.rejects(mock().request(new Uint8Array(4097)), (e) => isProvenantError(e, 'PRV_ERR_NSM_INPUT_TOO_LARGE'));
  await assert.rejects(mock().request(new Uint8Array(0)), (e) => isProvenantError(e, 'PRV_ERR_NSM_MALFORMED'));
});

test('refuses invalid construction options with PRV_ERR_INVALID_ARGUMENT', () => {
  for (const options of [
    { imageMeasurement: new Uint8Array(0) },
    { imageMeasurement: 'image' as unknown as Uint8Array },
    { enclaveId: 'XYZ' },
    { parentRoleArn: '' },
    { debugMode: 'yes' as unknown as boolean },
  ]) {
    assert.throws(() => mock(options), (e) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT'), JSON.stringify(options));
  }
});
