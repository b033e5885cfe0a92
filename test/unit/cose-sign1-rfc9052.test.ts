import { test } from 'node:test';
import assert from 'node:assert/strict';
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  COSE_ALG_ES384,
  decodeCoseSign1,
  encodeCbor,
  encodeCoseSign1,
  isProvenantError,
  sigStructure,
} from '@provenant/protocol';
import { nitroDocument } from '../support/nitro-vectors.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

// RFC 9052 Appendix C.2.1 "Single ECDSA Signature" (cose-wg/Examples RFC8152/Appendix_C_2_1.json):
// 18([h'a10126', {4: '11'}, 'This is the content.', signature]) with ES256 and key "11" of §C.7.
const C_2_1 =
  'd28443a10126a10442313154546869732069732074686520636f6e74656e742e58408eb33e4ca31d1c465ab05aac34cc6b23' +
  'd58fef5c083106c4d25a91aef0b0117e2af9a291aa32e14ab834dc56ed2a223444547e01f11d3b0916e5a4c345cacb36';
const C_2_1_TO_BE_SIGNED = '846a5369676e61747572653143a101264054546869732069732074686520636f6e74656e742e';
const KEY_11_PUBLIC =
  '04' +
  'bac5b11cad8f99f9c72b05cf4b9e26d244dc189f745228255a219a86d6a09eff' +
  '20138bf82dc1b6d562be0fa54ab7804a3a64b6d72ccfed6b6fb6ed28bbfc117e';

test('decodes the RFC 9052 C.2.1 tagged COSE_Sign1 into its headers, payload and signature', () => {
  const decoded = decodeCoseSign1(unhex(C_2_1));
  assert.equal(decoded.tagged, true);
  assert.equal(hex(decoded.protectedBytes), 'a10126');
  assert.deepEqual([...decoded.protectedHeader], [[1, -7]]);
  assert.deepEqual([...decoded.unprotected].map(([label, value]) => [label, hex(value as Uint8Array)]), [[4, '3131']]);
  assert.equal(new TextDecoder().decode(decoded.payloadBytes), 'This is the content.');
  assert.equal(decoded.signature.length, 64);
});

test('builds the RFC 9052 C.2.1 Sig_structure byte for byte (§4.4) and its signature verifies over it', () => {
  const decoded = decodeCoseSign1(unhex(C_2_1));
  const toBeSigned = sigStructure(decoded.protectedBytes, decoded.payloadBytes);
  assert.equal(hex(toBeSigned), C_2_1_TO_BE_SIGNED);
  assert.ok(p256.verify(decoded.signature, sha256(toBeSigned), unhex(KEY_11_PUBLIC), { prehash: false, lowS: false }));
  // The same signature must not verify over the payload alone: §4.4 signs the structure, not the content.
  assert.ok(!p256.verify(decoded.signature, sha256(decoded.payloadBytes), unhex(KEY_11_PUBLIC), { prehash: false, lowS: false }));
});

test('encodes the untagged form byte for byte from decoded parts', () => {
  const decoded = decodeCoseSign1(unhex(C_2_1));
  const encoded = encodeCoseSign1({
    protected: decoded.protectedHeader,
    unprotected: decoded.unprotected,
    payload: decoded.payloadBytes,
    signature: decoded.signature,
  });
  assert.equal(hex(encoded), C_2_1.slice(2)); // without the d2 tag byte
  const nitro = nitroDocument('nitro-2024-09-blocky.cbor');
  const real = decodeCoseSign1(nitro);
  assert.equal(real.tagged, false);
  assert.equal(hex(real.protectedBytes), 'a1013822');
  assert.equal(real.protectedHeader.get(1), COSE_ALG_ES384);
  const again = encodeCoseSign1({ protected: real.protectedHeader, unprotected: real.unprotected, payload: real.payloadBytes, signature: real.signature });
  assert.ok(Buffer.from(again).equals(Buffer.from(nitro)), "re-encoded Nitro document differs");
});

test('an empty protected header is the zero-length byte string (RFC 9052 §3)', () => {
  const encoded = encodeCoseSign1({ protected: new Map(), unprotected: new Map(), payload: Uint8Array.of(1), signature: Uint8Array.of(2) });
  assert.equal(hex(encoded), '8440a0410141' + '02');
  const decoded = decodeCoseSign1(encoded);
  assert.equal(decoded.protectedHeader.size, 0);
  assert.equal(decoded.protectedBytes.length, 0);
});

test('rejects structures that are not a COSE_Sign1', () => {
  const good = [unhex('a10126'), new Map(), unhex('00'), unhex('00')];
  const cases: [string, Uint8Array, string][] = [
    ['three items', encodeCbor(good.slice(0, 3)), 'PRV_ERR_COSE_MALFORMED'],
    ['detached (nil) payload', encodeCbor([good[0], good[1], null, good[3]]), 'PRV_ERR_COSE_MALFORMED'],
    ['protected header as a map', encodeCbor([new Map([[1, -7]]), good[1], good[2], good[3]]), 'PRV_ERR_COSE_MALFORMED'],
    ['unprotected header as bytes', encodeCbor([good[0], unhex('a0'), good[2], good[3]]), 'PRV_ERR_COSE_MALFORMED'],
    ['signature as text', encodeCbor([good[0], good[1], good[2], 'sig']), 'PRV_ERR_COSE_MALFORMED'],
    ['protected bytes that are not a map', encodeCbor([unhex('01'), good[1], good[2], good[3]]), 'PRV_ERR_COSE_MALFORMED'],
    ['protected bytes that are not CBOR', encodeCbor([unhex('a101'), good[1], good[2], good[3]]), 'PRV_ERR_COSE_MALFORMED'],
    ['byte-string header label', encodeCbor([good[0], new Map([[unhex('01'), 1]]), good[2], good[3]]), 'PRV_ERR_COSE_MALFORMED'],
    ['COSE_Sign tag 98 instead of 18', Uint8Array.from([0xd8, 0x62, ...encodeCbor(good)]), 'PRV_ERR_CBOR_MALFORMED'],
    ['trailing byte', Uint8Array.from([...encodeCbor(good), 0]), 'PRV_ERR_CBOR_MALFORMED'],
    ['indefinite-length array', unhex('9f43a1012640410041' + '00ff'), 'PRV_ERR_CBOR_MALFORMED'],
  ];
  for (const [name, bytes, code] of cases) {
    assert.throws(() => decodeCoseSign1(bytes), (error: unknown) => isProvenantError(error) && error.code === code, name);
  }
});
