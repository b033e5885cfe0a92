import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeAttestationDocument, verifyAttestationDocument, type AttestationReport } from '@provenant/verifier';
import { MAX_ATTESTATION_DOCUMENT_BYTES } from '@provenant/protocol';
import { flipBit, indexOfBytes, nitroDocument, nitroVector, payloadValueOffset } from '../support/nitro-vectors.js';

// The non-debug vectors: every check passes untouched, so each tampering shows up as its own failure.
const EVERVAULT = nitroVector('nitro-2022-10-evervault.cbor');
const BLOCKY = nitroVector('nitro-2024-09-blocky.cbor');

function verify(bytes: Uint8Array, vector = EVERVAULT, options: object = {}): AttestationReport {
  return verifyAttestationDocument(bytes, { at: new Date(vector.timestamp_ms), ...options });
}

function failures(report: AttestationReport): string[] {
  return report.checks.filter((check) => !check.ok && check.skipped !== true).map((check) => `${check.id} ${check.code}`);
}

test('the untouched documents pass, so every failure below comes from the flipped bit', () => {
  assert.equal(verify(nitroDocument(EVERVAULT.file)).ok, true);
  assert.equal(verify(nitroDocument(BLOCKY.file), BLOCKY).ok, true);
});

test('a flipped bit in the protected header changes alg and fails the alg check', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  // 84 44 a1 01 38 22: byte 5 is the argument of -35.
  assert.deepEqual([...bytes.subarray(0, 6)], [0x84, 0x44, 0xa1, 0x01, 0x38, 0x22]);
  const report = verify(flipBit(bytes, 5));
  assert.equal(report.ok, false);
  assert.deepEqual(failures(report), ['cose.alg PRV_ERR_ATT_ALG']);
  assert.match(report.checks[1]?.reason ?? '', /-36/);
  assert.equal(report.checks.find((check) => check.id === 'cose.signature')?.skipped, true);
});

test('a flipped bit in any signed payload field fails the COSE signature', () => {
  const fields: [typeof EVERVAULT, string][] = [
    [EVERVAULT, 'module_id'],
    [EVERVAULT, 'timestamp'],
    [EVERVAULT, 'nonce'],
    [BLOCKY, 'public_key'],
    [BLOCKY, 'user_data'],
    [BLOCKY, 'nonce'],
  ];
  for (const [vector, key] of fields) {
    const bytes = nitroDocument(vector.file);
    const { offset, length } = payloadValueOffset(bytes, key);
    const tampered = flipBit(bytes, offset + length - 1);
    const report = verify(tampered, vector);
    assert.deepEqual(failures(report), ['cose.signature PRV_ERR_ATT_SIGNATURE'], key);
  }
});

test('a flipped bit in a PCR value fails the signature and the expected-PCR check', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  const pcr0 = Uint8Array.from(Buffer.from(EVERVAULT.pcrs['0'] as string, 'hex'));
  const tampered = flipBit(bytes, indexOfBytes(bytes, pcr0) + 10);
  const report = verify(tampered, EVERVAULT, { expectedPcrs: EVERVAULT.pcrs });
  assert.deepEqual(failures(report), ['cose.signature PRV_ERR_ATT_SIGNATURE', 'pcrs.expected PRV_ERR_ATT_PCR_MISMATCH']);
});

test('a changed digest name is a malformed payload', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  const { offset } = payloadValueOffset(bytes, 'digest');
  const report = verify(flipBit(bytes, offset + 5, 1)); // "SHA384" -> "SHA386"
  assert.deepEqual(failures(report), ['payload.fields PRV_ERR_ATT_MALFORMED']);
  assert.match(report.checks[2]?.reason ?? '', /digest/);
});

test('a flipped bit in the COSE signature fails only the signature check', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  assert.deepEqual(failures(verify(flipBit(bytes, bytes.length - 1))), ['cose.signature PRV_ERR_ATT_SIGNATURE']);
  assert.deepEqual(failures(verify(flipBit(bytes, bytes.length - 60, 7))), ['cose.signature PRV_ERR_ATT_SIGNATURE']);
});

test('a flipped bit in the leaf certificate or in each cabundle certificate fails the right chain check', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  const { payload } = decodeAttestationDocument(bytes);
  // The last byte of each certificate is inside its ECDSA signature: the DER stays parseable. The
  // certificates sit inside the signed payload, so the COSE signature fails as well.
  const leafEnd = indexOfBytes(bytes, payload.certificate) + payload.certificate.length - 1;
  const leaf = verify(flipBit(bytes, leafEnd));
  assert.deepEqual(failures(leaf), ['chain.path PRV_ERR_ATT_CHAIN', 'cose.signature PRV_ERR_ATT_SIGNATURE']);
  assert.match(leaf.checks.find((check) => check.id === 'chain.path')?.reason ?? '', /certificate \(leaf\) signature does not verify/);

  for (const [i, cert] of payload.cabundle.entries()) {
    const end = indexOfBytes(bytes, cert) + cert.length - 1;
    const report = verify(flipBit(bytes, end));
    if (i === 0) {
      // The root's self-signature is not what makes it trusted: its bytes no longer equal the pinned root.
      assert.deepEqual(failures(report), ['chain.root PRV_ERR_ATT_ROOT_MISMATCH', 'cose.signature PRV_ERR_ATT_SIGNATURE'], `cabundle[${i}]`);
    } else {
      assert.deepEqual(failures(report), ['chain.path PRV_ERR_ATT_CHAIN', 'cose.signature PRV_ERR_ATT_SIGNATURE'], `cabundle[${i}]`);
      assert.match(report.checks.find((check) => check.id === 'chain.path')?.reason ?? '', new RegExp(`cabundle\\[${i}\\] signature`));
    }
  }
});

test('a flipped bit inside a certificate public key breaks the chain and the COSE signature', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  const { payload } = decodeAttestationDocument(bytes);
  const leafStart = indexOfBytes(bytes, payload.certificate);
  // P-384 SPKI: ... 03 62 00 04 || x || y; flip a bit of x.
  const spki = indexOfBytes(payload.certificate, Uint8Array.of(0x03, 0x62, 0x00, 0x04));
  const report = verify(flipBit(bytes, leafStart + spki + 10));
  assert.equal(report.ok, false);
  const failed = failures(report);
  assert.ok(failed.includes('chain.path PRV_ERR_ATT_CHAIN'), failed.join());
  assert.ok(failed.includes('cose.signature PRV_ERR_ATT_SIGNATURE') || failed.includes('certificates.parse PRV_ERR_ATT_CERT_MALFORMED'), failed.join());
});

test('a document checked against another root fails the root check', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  const { payload } = decodeAttestationDocument(bytes);
  const report = verify(bytes, EVERVAULT, { root: payload.cabundle[1] });
  assert.deepEqual(failures(report), ['chain.root PRV_ERR_ATT_ROOT_MISMATCH']);
});

test('truncated documents fail cleanly at every cut', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  for (let length = 0; length < bytes.length; length += 37) {
    const report = verify(bytes.subarray(0, length));
    assert.equal(report.ok, false);
    assert.equal(report.checks[0]?.code, 'PRV_ERR_ATT_MALFORMED', `cut at ${length}`);
    assert.ok(report.checks.slice(1).every((check) => check.skipped === true));
    assert.equal(report.document, undefined);
  }
});

test('trailing bytes after the COSE_Sign1 are rejected', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  const report = verify(Uint8Array.from([...bytes, 0x00]));
  assert.deepEqual(failures(report), ['cose.structure PRV_ERR_ATT_MALFORMED']);
  assert.match(report.checks[0]?.reason ?? '', /trailing/);
});

test('nesting bombs and huge declared lengths are refused before any allocation', () => {
  const bombs: [string, Uint8Array][] = [
    ['100k nested arrays', Uint8Array.from([...new Array(100_000).fill(0x81), 0x00])],
    ['nested maps', Uint8Array.from([...new Array(50).fill(0xa1).flatMap((byte) => [byte, 0x00]), 0x00])],
    ['indefinite array', Uint8Array.of(0x9f, 0x01, 0xff)],
    ['byte string of 2^64-1 bytes', Uint8Array.of(0x84, 0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)],
    ['array of 2^32 items', Uint8Array.of(0x9b, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00)],
    ['map of 2^31 entries', Uint8Array.of(0xba, 0x80, 0x00, 0x00, 0x00)],
    ['document over the size limit', new Uint8Array(MAX_ATTESTATION_DOCUMENT_BYTES + 1)],
    ['empty input', new Uint8Array(0)],
    ['wrong tag', Uint8Array.of(0xd3, 0x80)],
  ];
  for (const [name, bytes] of bombs) {
    const report = verify(bytes);
    assert.equal(report.ok, false, name);
    assert.equal(report.checks[0]?.code, 'PRV_ERR_ATT_MALFORMED', name);
  }
});

test('a payload that is itself a nesting bomb fails the payload check', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  const { cose } = decodeAttestationDocument(bytes);
  const bomb = Uint8Array.from([...new Array(1000).fill(0x81), 0x00]);
  // 84 44 a1013822 a0 59 <len16> payload 58 60 signature
  const document = Uint8Array.from([
    0x84, 0x44, 0xa1, 0x01, 0x38, 0x22, 0xa0, 0x59, bomb.length >> 8, bomb.length & 0xff, ...bomb, 0x58, 0x60, ...cose.signature,
  ]);
  const report = verify(document);
  assert.deepEqual(failures(report), ['payload.fields PRV_ERR_ATT_MALFORMED']);
});

test('random bit flips anywhere never throw and never pass', () => {
  const bytes = nitroDocument(EVERVAULT.file);
  // Deterministic LCG (Numerical Recipes constants) so a failure is reproducible.
  let state = 0x2545f491;
  const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < 40; i++) {
    const offset = next() % bytes.length;
    const report = verify(flipBit(bytes, offset, next() % 8));
    assert.equal(report.ok, false, `bit flip at ${offset}`);
  }
});
