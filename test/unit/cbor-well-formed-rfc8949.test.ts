import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertWellFormedCbor, decodeCbor, encodeCbor, isProvenantError, type CborLimits } from '@provenant/protocol';

const LIMITS: CborLimits = { maxBytes: 1 << 16, maxDepth: 4, maxItems: 64, allowedTags: new Set([18]) };
const unhex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));
const isCode = (code: 'PRV_ERR_CBOR_MALFORMED' | 'PRV_ERR_CBOR_LIMIT') => (error: unknown) => isProvenantError(error, code);

test('accepts RFC 8949 appendix A examples within the limits', () => {
  for (const example of ['00', '17', '1818', '1903e8', '3863', 'f4', 'f5', 'f6', 'f93c00', 'fb3ff199999999999a', '4401020304', '6449455446', '83010203', 'a201020304', 'd24101']) {
    assert.doesNotThrow(() => assertWellFormedCbor(unhex(example), LIMITS), example);
  }
});

const MALFORMED: [string, string][] = [
  ['an empty input', ''],
  ['a truncated argument', '19e8'],
  ['a byte string longer than the input', '4501020304'],
  ['an array header claiming 2^32 elements in 9 bytes', '9b0000000100000000'],
  ['a map header claiming more entries than bytes', 'ba00010000'],
  ['an indefinite-length array', '9f0102ff'],
  ['a lone break', 'ff'],
  ['reserved additional information 28', '1c'],
  ['a non-minimal length (24 encoded in two bytes)', '190018'],
  ['a non-minimal one-byte argument below 24', '1817'],
  ['trailing bytes after the item', '0000'],
  ['a duplicate map key', 'a201020103'],
  ['a tag that is not allowed here (tag 64 typed array)', 'd8404101'],
  ['an unassigned simple value', 'f0'],
  ['a text string that is not UTF-8', '62c328'],
];

for (const [what, encoded] of MALFORMED) {
  test(`rejects ${what} with PRV_ERR_CBOR_MALFORMED`, () => {
    assert.throws(() => assertWellFormedCbor(unhex(encoded), LIMITS), isCode('PRV_ERR_CBOR_MALFORMED'));
  });
}

test('rejects a nesting bomb at the depth limit without recursing through all of it', () => {
  const bomb = new Uint8Array(100_000).fill(0x81); // [[[[...
  assert.throws(() => assertWellFormedCbor(bomb, { ...LIMITS, maxBytes: 200_000 }), isCode('PRV_ERR_CBOR_LIMIT'));
});

test('rejects inputs over the byte limit and over the item-count limit', () => {
  assert.throws(() => assertWellFormedCbor(new Uint8Array(LIMITS.maxBytes + 1), LIMITS), isCode('PRV_ERR_CBOR_LIMIT'));
  const manyItems = encodeCbor(new Array(100).fill(0));
  assert.throws(() => assertWellFormedCbor(manyItems, LIMITS), isCode('PRV_ERR_CBOR_LIMIT'));
});

test('encodes maps with integer keys, byte strings and uint64 exactly as the preferred serialization', () => {
  assert.equal(Buffer.from(encodeCbor(new Map([[1, -35]]))).toString('hex'), 'a1013822');
  assert.equal(Buffer.from(encodeCbor(new Uint8Array([1, 2]))).toString('hex'), '420102');
  assert.equal(Buffer.from(encodeCbor(1_700_000_000_000n)).toString('hex'), '1b0000018bcfe56800');
});

test('decodes integer-keyed maps as Map so COSE labels and PCR indexes stay numbers', () => {
  const value = decodeCbor(unhex('a1013822'), LIMITS);
  assert.ok(value instanceof Map);
  assert.equal(value.get(1), -35);
});
