import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeNsmRequest,
  decodeNsmResponse,
  encodeNsmRequest,
  encodeNsmResponse,
  isProvenantError,
  type NsmRequest,
  type NsmResponse,
} from '@provenant/protocol';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

// Golden vectors: serde_cbor encodings of aws-nitro-enclaves-nsm-api's Request/Response enums
// (REFERENCE.md "Nitro Secure Module"), as the real driver receives them.
const GOLDEN_REQUESTS: [string, NsmRequest, string][] = [
  ['DescribeNSM', { type: 'DescribeNSM' }, '6b44657363726962654e534d'],
  ['GetRandom', { type: 'GetRandom' }, '6947657452616e646f6d'],
  ['DescribePCR{16}', { type: 'DescribePCR', index: 16 }, 'a16b4465736372696265504352a165696e64657810'],
  [
    'Attestation{None, None, None}',
    { type: 'Attestation', userData: null, nonce: null, publicKey: null },
    'a16b4174746573746174696f6ea369757365725f64617461f6656e6f6e6365f66a7075626c69635f6b6579f6',
  ],
];

for (const [name, request, expected] of GOLDEN_REQUESTS) {
  test(`encodes ${name} byte for byte as the nsm-api crate does`, () => {
    assert.equal(hex(encodeNsmRequest(request)), expected);
    assert.deepEqual(decodeNsmRequest(unhex(expected)), request);
  });
}

test('decodes {"Error": "InvalidIndex"} as an error response, and encodes it back identically', () => {
  const bytes = unhex('a1654572726f726c496e76616c6964496e646578');
  assert.deepEqual(decodeNsmResponse(bytes), { type: 'Error', code: 'InvalidIndex' });
  assert.equal(hex(encodeNsmResponse({ type: 'Error', code: 'InvalidIndex' })), hex(bytes));
});

test('every request variant round-trips through its CBOR encoding', () => {
  const requests: NsmRequest[] = [
    { type: 'ExtendPCR', index: 17, data: new Uint8Array([1, 2, 3]) },
    { type: 'LockPCR', index: 16 },
    { type: 'LockPCRs', range: 16 },
    { type: 'Attestation', userData: new Uint8Array(1024).fill(7), nonce: new Uint8Array([9]), publicKey: null },
  ];
  for (const request of requests) assert.deepEqual(decodeNsmRequest(encodeNsmRequest(request)), request);
});

test('every response variant round-trips through its CBOR encoding', () => {
  const responses: NsmResponse[] = [
    { type: 'DescribePCR', lock: true, data: new Uint8Array(48).fill(1) },
    { type: 'ExtendPCR', data: new Uint8Array(48).fill(2) },
    { type: 'LockPCR' },
    { type: 'LockPCRs' },
    {
      type: 'DescribeNSM',
      versionMajor: 1,
      versionMinor: 0,
      versionPatch: 0,
      moduleId: 'i-0123456789abcdef0-enc0123456789abcdef',
      maxPcrs: 32,
      lockedPcrs: [0, 1, 2, 3, 4, 8],
      digest: 'SHA384',
    },
    { type: 'Attestation', document: new Uint8Array(5000).fill(3) },
    { type: 'GetRandom', random: new Uint8Array(256).fill(4) },
  ];
  for (const response of responses) assert.deepEqual(decodeNsmResponse(encodeNsmResponse(response)), response);
});

test('refuses to encode a request above the 4096-byte driver limit', () => {
  assert.throws(
    () => encodeNsmRequest({ type: 'ExtendPCR', index: 16, data: new Uint8Array(4096) }),
    (error) => isProvenantError(error, 'PRV_ERR_NSM_INPUT_TOO_LARGE'),
  );
});

test('rejects PCR indexes that are not u16 before encoding', () => {
  assert.throws(() => encodeNsmRequest({ type: 'DescribePCR', index: 65536 }), (e) => isProvenantError(e, 'PRV_ERR_OUT_OF_RANGE'));
  assert.throws(() => encodeNsmRequest({ type: 'LockPCR', index: -1 }), (e) => isProvenantError(e, 'PRV_ERR_OUT_OF_RANGE'));
});

const MALFORMED_REQUESTS: [string, string][] = [
  ['an unknown unit variant', '6444726f70'], // "Drop"
  ['a struct variant with an extra field', 'a16b4465736372696265504352a265696e646578106178f6'],
  ['a struct variant missing its field', 'a16b4465736372696265504352a0'],
  ['an index that is text', 'a16b4465736372696265504352a165696e6465786131'],
  ['a unit variant given as a map', 'a16b44657363726962654e534da0'],
  ['a two-entry top-level map', 'a2614101614202'],
  ['an integer at the top level', '10'],
];

for (const [what, encoded] of MALFORMED_REQUESTS) {
  test(`rejects a request that is ${what} with PRV_ERR_NSM_MALFORMED`, () => {
    assert.throws(() => decodeNsmRequest(unhex(encoded)), (e) => isProvenantError(e, 'PRV_ERR_NSM_MALFORMED'));
  });
}

test('rejects responses whose PCR data is not a digest length or whose error code is unknown', () => {
  const shortPcr = encodeNsmResponse({ type: 'ExtendPCR', data: new Uint8Array(48) });
  const patched = Uint8Array.from(shortPcr);
  // Turn the 48-byte string header (0x58 0x30) into a 47-byte one and drop the last byte.
  const at = hex(patched).indexOf('5830') / 2;
  patched[at + 1] = 47;
  assert.throws(() => decodeNsmResponse(patched.subarray(0, patched.length - 1)), (e) => isProvenantError(e, 'PRV_ERR_NSM_MALFORMED'));
  const unknownCode = unhex('a1654572726f7264426f6f6d'); // {"Error": "Boom"}
  assert.throws(() => decodeNsmResponse(unknownCode), (e) => isProvenantError(e, 'PRV_ERR_NSM_MALFORMED'));
});
