import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KeyUsageFlags } from '@peculiar/asn1-x509';
import { verifyAttestationDocument, type AttestationReport } from '@provenant/verifier';
import { synthesizeNitroDocument, type CertificateTweak } from '../support/synthetic-nitro-chain.js';

// Path indexes: 0 root, 1 regional, 2 zonal, 3 instance, 4 leaf (the AWS chain re-keyed by the helper).
function verifyTweaked(tweaks: Record<number, CertificateTweak>): AttestationReport {
  const { document, root, at } = synthesizeNitroDocument(tweaks);
  return verifyAttestationDocument(document, { at, root });
}

function chainFailure(report: AttestationReport): string | undefined {
  assert.equal(report.ok, false);
  const failedIds = report.checks.filter((check) => !check.ok).map((check) => check.id);
  assert.deepEqual(failedIds, ['chain.path']);
  return report.checks.find((check) => check.id === 'chain.path')?.reason;
}

test('the re-keyed AWS chain verifies against its own root and not against the AWS root', () => {
  const { document, root, at } = synthesizeNitroDocument();
  const report = verifyAttestationDocument(document, { at, root });
  assert.deepEqual(report.checks.filter((check) => !check.ok), []);
  const aws = verifyAttestationDocument(document, { at });
  assert.deepEqual(aws.checks.filter((check) => !check.ok).map((check) => check.code), ['PRV_ERR_ATT_ROOT_MISMATCH']);
});

test('rejects a CA whose pathLen is smaller than the CA certificates below it (RFC 5280 §4.2.1.9)', () => {
  assert.match(chainFailure(verifyTweaked({ 1: { pathLen: 1 } })) ?? '', /cabundle\[1\] allows pathLen 1 but 2 CA certificates follow/);
  assert.match(chainFailure(verifyTweaked({ 2: { pathLen: 0 } })) ?? '', /cabundle\[2\] allows pathLen 0 but 1/);
});

test('rejects an issuer that basicConstraints does not mark as a CA', () => {
  assert.match(chainFailure(verifyTweaked({ 2: { ca: false, pathLen: null } })) ?? '', /cabundle\[2\] .*not mark it a CA/);
});

test('rejects an issuer whose keyUsage lacks keyCertSign', () => {
  assert.match(chainFailure(verifyTweaked({ 3: { keyUsage: KeyUsageFlags.digitalSignature } })) ?? '', /cabundle\[3\] .*keyCertSign/);
});

test('rejects a leaf whose keyUsage lacks digitalSignature', () => {
  assert.match(chainFailure(verifyTweaked({ 4: { keyUsage: KeyUsageFlags.keyAgreement } })) ?? '', /leaf\) keyUsage lacks digitalSignature/);
});

test('rejects a certificate with a critical extension the verifier does not understand', () => {
  assert.match(chainFailure(verifyTweaked({ 4: { unknownCriticalExtension: true } })) ?? '', /unknown critical extension 1\.3\.6\.1\.4\.1\.55555\.1/);
  assert.match(chainFailure(verifyTweaked({ 2: { unknownCriticalExtension: true } })) ?? '', /cabundle\[2\] has unknown critical/);
});

test('rejects a certificate whose issuer name is not its parent subject, even when the signature is right', () => {
  assert.match(chainFailure(verifyTweaked({ 4: { issuerFrom: 2 } })) ?? '', /certificate \(leaf\) issuer .* is not cabundle\[3\] subject/);
});

test('accepts a P-256 CA signing with ecdsa-with-SHA256, but an ES384 document needs a P-384 leaf', () => {
  const mixed = verifyTweaked({ 3: { curve: 'P-256' } });
  assert.deepEqual(mixed.checks.filter((check) => !check.ok), []);
  const p256Leaf = verifyTweaked({ 4: { curve: 'P-256' } });
  assert.deepEqual(
    p256Leaf.checks.filter((check) => !check.ok).map((check) => [check.id, check.reason]),
    [['cose.signature', 'leaf key is P-256, ES384 needs P-384']],
  );
});
