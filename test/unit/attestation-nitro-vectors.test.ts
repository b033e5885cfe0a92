import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  AWS_NITRO_ROOT_G1_SHA256,
  awsNitroRootDer,
  pemCertificateToDer,
  verifyAttestationDocument,
  verifyAttestationDocumentOrThrow,
  type AttestationReport,
} from '@provenant/verifier';
import { isProvenantError } from '@provenant/protocol';
import { nitroDocument, nitroManifest, nitroRootPem, nitroVector } from '../support/nitro-vectors.js';

const HOUR_MS = 3_600_000;
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const failed = (report: AttestationReport) => report.checks.filter((check) => !check.ok);

test('the embedded AWS Nitro root G1 has the fingerprint AWS publishes and equals the vector PEM', () => {
  assert.equal(sha256(awsNitroRootDer()), '641a0321a3e244efe456463195d606317ed7cdcc3c1756e09893f3c68f79bb5b');
  assert.equal(AWS_NITRO_ROOT_G1_SHA256, sha256(awsNitroRootDer()));
  assert.deepEqual(pemCertificateToDer(nitroRootPem()), awsNitroRootDer());
});

test('every vector file matches the SHA-256 recorded in its manifest', () => {
  for (const vector of nitroManifest().documents) assert.equal(sha256(nitroDocument(vector.file)), vector.sha256, vector.file);
});

for (const vector of nitroManifest().documents) {
  const at = new Date(vector.timestamp_ms);

  if (vector.valid) {
    test(`${vector.file} verifies at its own timestamp with the AWS root, its PCRs and module id`, () => {
      const report = verifyAttestationDocument(nitroDocument(vector.file), {
        at,
        allowDebug: vector.debug,
        expectedPcrs: vector.pcrs,
      });
      assert.deepEqual(failed(report), []);
      assert.equal(report.ok, true);
      assert.equal(report.document?.moduleId, vector.module_id);
      assert.equal(report.document?.timestampMs, vector.timestamp_ms);
      assert.equal(report.document?.digest, 'SHA384');
      for (const [index, value] of Object.entries(vector.pcrs)) assert.equal(report.document?.pcrs[index], value);
      assert.equal(report.document?.nonce === null ? null : report.document!.nonce.length / 2, vector.nonce_len);
      assert.equal(report.document?.publicKey === null ? null : report.document!.publicKey.length / 2, vector.public_key_len);
      assert.deepEqual(
        report.checks.map((check) => check.id),
        ['cose.structure', 'cose.alg', 'payload.fields', 'certificates.parse', 'chain.root', 'chain.path', 'chain.validity', 'cose.signature', 'pcr0.debug', 'pcrs.expected'],
      );
      assert.equal(report.document?.certificates[0]?.subject, 'CN=aws.nitro-enclaves, OU=AWS, O=Amazon, C=US');
    });
  } else {
    test(`${vector.file} (marked invalid) fails on its COSE signature and nothing else`, () => {
      const report = verifyAttestationDocument(nitroDocument(vector.file), { at, allowDebug: vector.debug, expectedPcrs: vector.pcrs });
      assert.equal(report.ok, false);
      assert.deepEqual(
        failed(report).map((check) => [check.id, check.code]),
        [['cose.signature', 'PRV_ERR_ATT_SIGNATURE']],
      );
    });
  }

  test(`${vector.file} fails certificate validity a month after and a month before its timestamp`, () => {
    for (const offset of [30 * 24 * HOUR_MS, -30 * 24 * HOUR_MS]) {
      const report = verifyAttestationDocument(nitroDocument(vector.file), {
        at: new Date(vector.timestamp_ms + offset),
        allowDebug: true,
      });
      assert.equal(report.ok, false);
      const validity = report.checks.find((check) => check.id === 'chain.validity');
      assert.equal(validity?.ok, false);
      assert.equal(validity?.code, 'PRV_ERR_ATT_CERT_EXPIRED');
      assert.match(validity?.reason ?? '', offset > 0 ? /expired at/ : /not valid before/);
    }
  });

  if (vector.debug) {
    test(`${vector.file} comes from a debug-mode enclave: refused by default, accepted with allowDebug`, () => {
      const refused = verifyAttestationDocument(nitroDocument(vector.file), { at });
      assert.equal(refused.ok, false);
      const debug = refused.checks.find((check) => check.id === 'pcr0.debug');
      assert.equal(debug?.code, 'PRV_ERR_ATT_DEBUG_MODE');
      const accepted = verifyAttestationDocument(nitroDocument(vector.file), { at, allowDebug: true });
      assert.equal(accepted.checks.find((check) => check.id === 'pcr0.debug')?.ok, true);
    });
  }
}

test('a leaf verified just after its 3-hour window closes is expired', () => {
  const file = 'nitro-2022-10-evervault.cbor';
  const vector = nitroVector(file);
  const inside = verifyAttestationDocument(nitroDocument(file), { at: new Date(vector.timestamp_ms + 2 * HOUR_MS) });
  assert.equal(inside.ok, true);
  const after = verifyAttestationDocument(nitroDocument(file), { at: new Date(vector.timestamp_ms + 4 * HOUR_MS) });
  assert.equal(after.ok, false);
  assert.match(after.checks.find((check) => check.id === 'chain.validity')?.reason ?? '', /certificate \(leaf\) expired/);
});

test('a PEM root passed explicitly works like the embedded one', () => {
  const vector = nitroVector('nitro-2024-09-blocky.cbor');
  const report = verifyAttestationDocument(nitroDocument(vector.file), { at: new Date(vector.timestamp_ms), root: nitroRootPem() });
  assert.equal(report.ok, true);
});

test('expected PCRs, user_data, nonce and public_key are enforced when given', () => {
  const vector = nitroVector('nitro-2024-09-blocky.cbor');
  const bytes = nitroDocument(vector.file);
  const at = new Date(vector.timestamp_ms);
  const ones = new Uint8Array(1024).fill(1);
  const matching = verifyAttestationDocument(bytes, { at, expectedUserData: ones, expectedNonce: ones, expectedPublicKey: ones });
  assert.equal(matching.ok, true);
  assert.deepEqual(matching.checks.slice(-3).map((check) => check.id), ['user_data.expected', 'nonce.expected', 'public_key.expected']);

  const other = ones.slice(0, 1023);
  const cases = [
    [{ expectedUserData: other }, 'user_data.expected', 'PRV_ERR_ATT_USER_DATA_MISMATCH'],
    [{ expectedNonce: other }, 'nonce.expected', 'PRV_ERR_ATT_NONCE_MISMATCH'],
    [{ expectedPublicKey: other }, 'public_key.expected', 'PRV_ERR_ATT_PUBLIC_KEY_MISMATCH'],
    [{ expectedPcrs: { 0: '00'.repeat(48) } }, 'pcrs.expected', 'PRV_ERR_ATT_PCR_MISMATCH'],
    [{ expectedPcrs: { 20: 'ab'.repeat(48) } }, 'pcrs.expected', 'PRV_ERR_ATT_PCR_MISMATCH'],
  ] as const;
  for (const [options, id, code] of cases) {
    const report = verifyAttestationDocument(bytes, { at, ...options });
    assert.equal(report.ok, false, id);
    assert.deepEqual(failed(report).map((check) => [check.id, check.code]), [[id, code]]);
  }
});

test('a required field the document lacks fails its check', () => {
  const vector = nitroVector('nitro-2022-10-evervault.cbor');
  const report = verifyAttestationDocument(nitroDocument(vector.file), {
    at: new Date(vector.timestamp_ms),
    expectedUserData: new Uint8Array(0),
  });
  assert.equal(report.ok, false);
  assert.deepEqual(failed(report).map((check) => check.reason), ['user_data is absent']);
});

test('verifyAttestationDocumentOrThrow returns the report when valid and throws the failing check code otherwise', () => {
  const good = nitroVector('nitro-2022-10-evervault.cbor');
  assert.equal(verifyAttestationDocumentOrThrow(nitroDocument(good.file), { at: new Date(good.timestamp_ms) }).ok, true);
  const bad = nitroVector('nitro-2024-07-bad-signature.cbor');
  assert.throws(
    () => verifyAttestationDocumentOrThrow(nitroDocument(bad.file), { at: new Date(bad.timestamp_ms), allowDebug: true }),
    (error: unknown) => isProvenantError(error, 'PRV_ERR_ATT_SIGNATURE') && /cose\.signature/.test(error.message),
  );
});

test('bad options throw coded errors before the document is read', () => {
  const bytes = nitroDocument('nitro-2022-10-evervault.cbor');
  const invalid = (options: object) =>
    assert.throws(() => verifyAttestationDocument(bytes, options as never), (error: unknown) => isProvenantError(error, 'PRV_ERR_INVALID_ARGUMENT'));
  invalid({ expectedPcrs: { 0: 'xyz' } });
  invalid({ expectedPcrs: { 0: 'ab'.repeat(47) } });
  invalid({ expectedPcrs: { 32: 'ab'.repeat(48) } });
  invalid({ expectedPcrs: { '-1': 'ab'.repeat(48) } });
  invalid({ at: new Date(Number.NaN) });
  invalid({ root: 'not a pem' });
  invalid({ root: new Uint8Array([0x30, 0x03, 1, 2, 3]) });
  invalid({ allowDebugMode: true });
  invalid({ expectedNonce: 'abcd' });
  assert.throws(() => verifyAttestationDocument('abc' as never), (error: unknown) => isProvenantError(error, 'PRV_ERR_INVALID_ARGUMENT'));
});
