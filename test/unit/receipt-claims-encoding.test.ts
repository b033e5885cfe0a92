import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CLAIMS_VERSION, RECEIPT_MODES, decodeClaims, encodeCbor, encodeClaims, type ReceiptClaims } from '@provenant/protocol';

/**
 * encodeClaims writes claims by hand (flatMapEncoder); cbor-x, told to write minimal heads, is the
 * independent reference: for every value width the two must agree byte for byte.
 */
function reference(claims: ReceiptClaims): Uint8Array {
  const keys = ['v', 'ts', 'key', 'seq', 'mode', 'input', 'model', 'nonce', 'output'] as const;
  // cbor-x writes uint64 only for bigint.
  const value = (key: (typeof keys)[number]): unknown => {
    const v = claims[key];
    return typeof v === 'number' && v > 0xffff_ffff ? BigInt(v) : v;
  };
  return encodeCbor(new Map(keys.map((key) => [key, value(key)])));
}

const bytes = (length: number, seed: number): Uint8Array => Uint8Array.from({ length }, (_, i) => (seed * 131 + i * 7) & 0xff);
const WIDTHS = [0, 1, 23, 24, 255, 256, 65_535, 65_536, 0xffff_ffff, 0x1_0000_0000, 1_764_000_000_000, Number.MAX_SAFE_INTEGER];

test('hand-written claims equal cbor-x deterministic CBOR for every integer width, nonce length and mode', () => {
  let seed = 0;
  for (const ts of WIDTHS) {
    for (const seq of WIDTHS) {
      for (const nonce of [null, bytes(1, seed), bytes(23, seed), bytes(24, seed), bytes(64, seed)]) {
        seed++;
        const claims: ReceiptClaims = {
          v: CLAIMS_VERSION,
          mode: RECEIPT_MODES[seed % RECEIPT_MODES.length]!,
          model: bytes(32, seed),
          input: bytes(32, seed + 1),
          output: bytes(32, seed + 2),
          nonce,
          ts,
          seq,
          key: bytes(32, seed + 3),
        };
        const encoded = encodeClaims(claims);
        assert.deepEqual(encoded, reference(claims), `ts ${ts} seq ${seq} nonce ${nonce?.length ?? 'null'}`);
        assert.deepEqual(decodeClaims(encoded), claims);
      }
    }
  }
});
