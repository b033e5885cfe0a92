import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeCoseSign1,
  encodeAttestationPayload,
  encodeCbor,
  isProvenantError,
  parseAttestationPayload,
  type AttestationPayload,
} from '@provenant/protocol';
import { nitroDocument, nitroManifest } from '../support/nitro-vectors.js';

const SAMPLE: AttestationPayload = {
  moduleId: 'i-0123456789abcdef0-enc0123456789abcdef',
  digest: 'SHA384',
  timestampMs: 1_725_719_859_545,
  pcrs: new Map([
    [0, new Uint8Array(48).fill(1)],
    [1, new Uint8Array(48).fill(2)],
  ]),
  certificate: Uint8Array.of(0x30, 0x00),
  cabundle: [Uint8Array.of(0x30, 0x01, 0x00)],
  publicKey: null,
  userData: Uint8Array.of(1, 2, 3),
  nonce: null,
};

/** The payload as a Map of wire keys, to corrupt one field at a time. */
function wire(overrides: Record<string, unknown> = {}, drop: string[] = []): Uint8Array {
  const map = new Map<string, unknown>([
    ['module_id', SAMPLE.moduleId],
    ['digest', 'SHA384'],
    ['timestamp', BigInt(SAMPLE.timestampMs)],
    ['pcrs', new Map(SAMPLE.pcrs)],
    ['certificate', SAMPLE.certificate],
    ['cabundle', [...SAMPLE.cabundle]],
    ['public_key', null],
    ['user_data', SAMPLE.userData],
    ['nonce', null],
  ]);
  for (const [key, value] of Object.entries(overrides)) map.set(key, value);
  for (const key of drop) map.delete(key);
  return encodeCbor(map);
}

test('re-encoding every real payload reproduces its bytes exactly (key order, u64 timestamp, nulls)', () => {
  for (const vector of nitroManifest().documents) {
    const { payloadBytes } = decodeCoseSign1(nitroDocument(vector.file));
    const payload = parseAttestationPayload(payloadBytes);
    assert.equal(payload.moduleId, vector.module_id);
    assert.equal(payload.timestampMs, vector.timestamp_ms);
    assert.equal(payload.cabundle.length, 4);
    assert.ok(Buffer.from(encodeAttestationPayload(payload)).equals(Buffer.from(payloadBytes)), vector.file);
  }
});

test('encodes keys in the hardware order with absent fields as null and round-trips', () => {
  const bytes = encodeAttestationPayload(SAMPLE);
  const text = Buffer.from(bytes).toString('latin1');
  const positions = ['module_id', 'digest', 'timestamp', 'pcrs', 'certificate', 'cabundle', 'public_key', 'user_data', 'nonce'].map((key) =>
    text.indexOf(key),
  );
  assert.deepEqual([...positions].sort((a, b) => a - b), positions);
  assert.equal(bytes[0], 0xa9); // map of 9
  // timestamp above 2^32 is a CBOR u64 (0x1b), as serde_cbor writes it, never a float.
  assert.equal(bytes[text.indexOf('timestamp') + 'timestamp'.length], 0x1b);
  assert.deepEqual(parseAttestationPayload(bytes), SAMPLE);
});

test('accepts optional fields that are missing instead of null, and fields of exactly 1024 bytes', () => {
  const parsed = parseAttestationPayload(wire({ nonce: new Uint8Array(1024) }, ['public_key', 'user_data']));
  assert.equal(parsed.publicKey, null);
  assert.equal(parsed.userData, null);
  assert.equal(parsed.nonce?.length, 1024);
});

test('rejects each field of the wrong type or size with PRV_ERR_ATT_MALFORMED naming the field', () => {
  const manyPcrs = new Map(Array.from({ length: 33 }, (_, i) => [i, new Uint8Array(48)]));
  const cases: [string, Uint8Array, RegExp][] = [
    ['unknown key', wire({ extra: 1 }), /unknown key "extra"/],
    ['missing module_id', wire({}, ['module_id']), /lacks module_id/],
    ['empty module_id', wire({ module_id: '' }), /module_id/],
    ['module_id as bytes', wire({ module_id: Uint8Array.of(1) }), /module_id/],
    ['digest SHA256', wire({ digest: 'SHA256' }), /digest/],
    ['timestamp zero', wire({ timestamp: 0 }), /timestamp/],
    ['timestamp as float', wire({ timestamp: 1.5 }), /timestamp/],
    ['timestamp negative', wire({ timestamp: -1 }), /timestamp/],
    ['no PCRs', wire({ pcrs: new Map() }), /pcrs has 0 entries/],
    ['33 PCRs', wire({ pcrs: manyPcrs }), /pcrs has 33 entries|CBOR/],
    ['PCR of 47 bytes', wire({ pcrs: new Map([[0, new Uint8Array(47)]]) }), /pcrs\[0\]/],
    ['PCR index 32', wire({ pcrs: new Map([[32, new Uint8Array(48)]]) }), /index/],
    ['PCR index as text', wire({ pcrs: new Map([['0', new Uint8Array(48)]]) }), /index/],
    ['empty certificate', wire({ certificate: new Uint8Array(0) }), /certificate has 0 bytes/],
    ['empty cabundle', wire({ cabundle: [] }), /cabundle has 0/],
    ['9 cabundle certificates', wire({ cabundle: new Array(9).fill(Uint8Array.of(1)) }), /cabundle has 9/],
    ['cabundle entry as text', wire({ cabundle: ['x'] }), /cabundle\[0\]/],
    ['user_data of 1025 bytes', wire({ user_data: new Uint8Array(1025) }), /user_data has 1025 bytes/],
    ['public_key as text', wire({ public_key: 'k' }), /public_key/],
    ['payload not a map', encodeCbor([1, 2]), /not a map/],
    ['payload not CBOR', Uint8Array.of(0xff), /payload/],
  ];
  for (const [name, bytes, reason] of cases) {
    assert.throws(
      () => parseAttestationPayload(bytes),
      (error: unknown) => isProvenantError(error, 'PRV_ERR_ATT_MALFORMED') && reason.test(error.message),
      name,
    );
  }
});
