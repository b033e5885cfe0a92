import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import {
  ATTESTATION_PAYLOAD_KEYS,
  decodeCbor,
  decodeCoseSign1,
  decodeNsmResponse,
  encodeNsmRequest,
  parseAttestationPayload,
  type CborLimits,
} from '@provenant/protocol';
import { MOCK_LEAF_RENEW_BEFORE_MS, MOCK_LEAF_VALIDITY_MS, MockNsmAuthority, MockNsmTransport, NsmClient } from '@provenant/enclave';
import { verifyAttestationDocument } from '@provenant/verifier';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const START_MS = Date.UTC(2026, 0, 15, 12, 0, 0, 123);

function setup(options: { debugMode?: boolean } = {}) {
  const clock = { ms: START_MS };
  const authority = MockNsmAuthority.createEphemeral({ now: () => clock.ms });
  const transport = MockNsmTransport.create({
    authority,
    imageMeasurement: new TextEncoder().encode('attestation-test-image'),
    ...options,
  });
  return { clock, authority, transport, client: new NsmClient(transport) };
}

const failedChecks = (report: ReturnType<typeof verifyAttestationDocument>) =>
  report.checks.filter((check) => !check.ok).map((check) => check.id);

test('a mock document verifies with the mock root passed explicitly, at its own timestamp', async () => {
  const { clock, authority, client } = setup();
  const userData = new TextEncoder().encode('user data');
  const nonce = Uint8Array.of(9, 9, 9);
  const publicKey = new Uint8Array(97).fill(4);
  const document = await client.attestation({ userData, nonce, publicKey });
  const pcr0 = (await client.describePcr(0)).data;
  const report = verifyAttestationDocument(document, {
    root: authority.rootCertificatePem,
    at: new Date(clock.ms),
    expectedPcrs: { 0: pcr0 },
    expectedUserData: userData,
    expectedNonce: nonce,
    expectedPublicKey: publicKey,
  });
  assert.deepEqual(failedChecks(report), []);
  assert.equal(report.ok, true);
  assert.equal(report.document?.timestampMs, START_MS);
  assert.equal(report.document?.certificates.length, 5, 'root, regional, zonal, instance, leaf');
});

test('a mock document fails against the default (AWS Nitro root G1) pin: the mock never passes for hardware', async () => {
  const { clock, client } = setup();
  const document = await client.attestation();
  const report = verifyAttestationDocument(document, { at: new Date(clock.ms) });
  assert.equal(report.ok, false);
  const root = report.checks.find((check) => check.id === 'chain.root');
  assert.equal(root?.ok, false);
  assert.equal(root?.code, 'PRV_ERR_ATT_ROOT_MISMATCH');
});

test('a mock document fails verification far outside its leaf\'s 3-hour validity', async () => {
  const { clock, authority, client } = setup();
  const document = await client.attestation();
  const later = verifyAttestationDocument(document, { root: authority.rootCertificateDer, at: new Date(clock.ms + MOCK_LEAF_VALIDITY_MS + 1000) });
  assert.equal(later.checks.find((check) => check.id === 'chain.validity')?.code, 'PRV_ERR_ATT_CERT_EXPIRED');
  const earlier = verifyAttestationDocument(document, { root: authority.rootCertificateDer, at: new Date(clock.ms - 60_000) });
  assert.equal(earlier.ok, false);
});

test('a debug-mode mock document is refused unless allowDebug is set', async () => {
  const { clock, authority, client } = setup({ debugMode: true });
  const document = await client.attestation();
  const options = { root: authority.rootCertificateDer, at: new Date(clock.ms) };
  assert.deepEqual(failedChecks(verifyAttestationDocument(document, options)), ['pcr0.debug']);
  assert.equal(verifyAttestationDocument(document, { ...options, allowDebug: true }).ok, true);
});

test('the document is an untagged COSE_Sign1 shaped like hardware\'s: {1: -35}, {}, payload keys in order, 96-byte signature', async () => {
  const { authority, client, transport } = setup();
  const document = await client.attestation({ nonce: Uint8Array.of(1) });
  assert.equal(hex(document.subarray(0, 7)), '8444a1013822a0');
  const cose = decodeCoseSign1(document);
  assert.equal(cose.tagged, false);
  assert.equal(hex(cose.protectedBytes), 'a1013822');
  assert.equal(cose.unprotected.size, 0);
  assert.equal(cose.signature.length, 96);
  const limits: CborLimits = { maxBytes: 16384, maxDepth: 4, maxItems: 200, allowedTags: new Set() };
  const raw = decodeCbor(cose.payloadBytes, limits) as Map<string, unknown>;
  assert.deepEqual([...raw.keys()], [...ATTESTATION_PAYLOAD_KEYS]);
  assert.equal(typeof raw.get('timestamp'), 'bigint', 'timestamp above 2^32 is a CBOR uint64, as serde_cbor writes u64');
  assert.equal(raw.get('public_key'), null);
  assert.equal(raw.get('user_data'), null);
  const payload = parseAttestationPayload(cose.payloadBytes);
  assert.equal(payload.moduleId, transport.moduleId);
  assert.equal(payload.digest, 'SHA384');
  assert.deepEqual([...payload.pcrs.keys()], Array.from({ length: 16 }, (_, i) => i), 'the 16 PCRs locked at boot');
  assert.deepEqual(payload.cabundle, authority.cabundle());
  assert.deepEqual(payload.cabundle[0], authority.rootCertificateDer, 'root first');
  assert.deepEqual(payload.nonce, Uint8Array.of(1));
});

test('PCRs the application locks appear in later documents with their extended values', async () => {
  const { client } = setup();
  const value = await client.extendPcr(16, new TextEncoder().encode('model hash'));
  await client.lockPcr(16);
  const payload = parseAttestationPayload(decodeCoseSign1(await client.attestation()).payloadBytes);
  assert.equal(payload.pcrs.size, 17);
  assert.deepEqual(payload.pcrs.get(16), value);
});

test('accepts 1024-byte user_data, nonce and public_key together, as hardware does', async () => {
  const { clock, authority, client } = setup();
  const field = new Uint8Array(1024).fill(1);
  const document = await client.attestation({ userData: field, nonce: field, publicKey: field });
  assert.equal(verifyAttestationDocument(document, { root: authority.rootCertificateDer, at: new Date(clock.ms) }).ok, true);
});

test('answers InputTooLarge for an attestation field over 1024 bytes', async () => {
  const { transport } = setup();
  for (const field of ['userData', 'nonce', 'publicKey'] as const) {
    const request = { type: 'Attestation', userData: null, nonce: null, publicKey: null, [field]: new Uint8Array(1025) } as const;
    const answer = decodeNsmResponse(await transport.request(encodeNsmRequest(request)));
    assert.deepEqual(answer, { type: 'Error', code: 'InputTooLarge' }, field);
  }
});

test('re-issues the leaf before it nears expiry; every document verifies at its own time', async () => {
  const { clock, authority, client } = setup();
  const leafOf = (document: Uint8Array) => new X509Certificate(parseAttestationPayload(decodeCoseSign1(document).payloadBytes).certificate);
  const first = await client.attestation();
  clock.ms += 60_000;
  const second = await client.attestation();
  assert.equal(leafOf(first).serialNumber, leafOf(second).serialNumber, 'the leaf is reused while fresh');
  clock.ms = START_MS + MOCK_LEAF_VALIDITY_MS - MOCK_LEAF_RENEW_BEFORE_MS + 1;
  const third = await client.attestation();
  assert.notEqual(leafOf(third).serialNumber, leafOf(first).serialNumber, 'a new leaf once less than the margin is left');
  assert.equal(Date.parse(leafOf(third).validFrom), Math.floor(clock.ms / 1000) * 1000);
  const timestamps = [START_MS, START_MS + 60_000, clock.ms];
  [first, second, third].forEach((document, i) => {
    const report = verifyAttestationDocument(document, { root: authority.rootCertificateDer, at: new Date(timestamps[i] as number) });
    assert.deepEqual(failedChecks(report), [], `document ${i}`);
  });
});

test('a mock document from one authority fails against another authority\'s root', async () => {
  const { clock, client } = setup();
  const other = MockNsmAuthority.createEphemeral({ now: () => clock.ms });
  const report = verifyAttestationDocument(await client.attestation(), { root: other.rootCertificateDer, at: new Date(clock.ms) });
  assert.equal(report.ok, false);
});
