import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromBase64, isProvenantError, toBase64 } from '@provenant/protocol';

/**
 * fromBase64 accepts exactly the canonical padded RFC 4648 §4 text: a string is accepted iff Node's
 * decoder, re-encoding what it decoded, gives the same string back (that equality rules out whitespace,
 * the URL alphabet, missing or extra padding and non-zero unused bits, §3.5), and then both decode alike.
 */
const CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ é';

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function accepted(text: string): Uint8Array | undefined {
  try {
    return fromBase64(text);
  } catch (error) {
    assert.ok(isProvenantError(error, 'PRV_ERR_INVALID_ARGUMENT'), `${JSON.stringify(text)} threw something else`);
    return undefined;
  }
}

test('fromBase64 accepts a random string exactly when it is canonical padded base64, and decodes it as Node does', () => {
  const random = mulberry32(0xb64);
  let canonical = 0;
  for (let n = 0; n < 20_000; n++) {
    const length = Math.floor(random() * 13);
    // Mostly alphabet characters with a sprinkle of padding and foreign ones, so both outcomes are common.
    const text = Array.from({ length }, () => CHARS[Math.floor(random() * (random() < 0.9 ? 64 : CHARS.length))]).join('');
    const node = Buffer.from(text, 'base64');
    const isCanonical = node.toString('base64') === text;
    const ours = accepted(text);
    assert.equal(ours !== undefined, isCanonical, JSON.stringify(text));
    if (ours !== undefined) {
      canonical++;
      assert.deepEqual(ours, Uint8Array.from(node), JSON.stringify(text));
    }
  }
  assert.ok(canonical > 1000, `only ${canonical} canonical samples: the generator needs tuning`);
});

test('fromBase64 decodes every encoding of a 6 KB document (attestation-sized) back to the same bytes', () => {
  const random = mulberry32(6);
  for (const length of [6000, 6001, 6002]) {
    const bytes = Uint8Array.from({ length }, () => Math.floor(random() * 256));
    assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
  }
});
