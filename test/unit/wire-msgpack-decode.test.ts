import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Packr, Unpackr } from 'msgpackr';
import { decodeStrictMsgpack, encodeFrame, decodeFrameBody } from '@provenant/protocol';

const LIMITS = { maxDepth: 12, maxItems: 1 << 20 };
const packr = new Packr({ useRecords: false, variableMapSize: true });
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true });

/** A small deterministic PRNG, so a failure names a seed that reproduces it. */
function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const WORDS = ['k', 'id', 'body', 'é', '日本', 'emoji 🙂', 'x'.repeat(31), 'y'.repeat(32), 'z'.repeat(33), 'long ' + 'ü'.repeat(200)];

/** Random values of the plain data model, over every width msgpackr chooses between. */
function randomValue(next: () => number, depth: number): unknown {
  const kind = Math.floor(next() * (depth > 3 ? 7 : 9));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return next() < 0.5;
    case 2: {
      const magnitudes = [1, 0x80, 0x100, 0x10000, 2 ** 32, 2 ** 53 - 1];
      const value = Math.floor(next() * (magnitudes[Math.floor(next() * magnitudes.length)] as number));
      return next() < 0.3 ? -value : value;
    }
    case 3:
      return (next() - 0.5) * 10 ** Math.floor(next() * 12);
    case 4:
      return WORDS[Math.floor(next() * WORDS.length)] as string;
    case 5:
      return Uint8Array.from({ length: [0, 3, 300, 70_000][Math.floor(next() * 4)] as number }, () => Math.floor(next() * 256));
    case 6:
      return 'text-' + Math.floor(next() * 1e6);
    case 7:
      return Array.from({ length: Math.floor(next() * 20) }, () => randomValue(next, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      const size = Math.floor(next() * (next() < 0.1 ? 40 : 8));
      for (let i = 0; i < size; i++) out[`${WORDS[i % WORDS.length]}${i}`] = randomValue(next, depth + 1);
      return out;
    }
  }
}

/** msgpackr's own decoding, with its Buffers turned into plain Uint8Arrays: the reference to agree with. */
function reference(bytes: Uint8Array): unknown {
  const plain = (value: unknown): unknown => {
    if (value instanceof Uint8Array) return Uint8Array.from(value);
    if (Array.isArray(value)) return value.map(plain);
    if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
    return value;
  };
  return plain(unpackr.unpack(bytes));
}

test('decodes whatever msgpackr encodes exactly as msgpackr decodes it (2,000 random values)', () => {
  for (let seed = 1; seed <= 2000; seed++) {
    const value = randomValue(rng(seed), 0);
    const bytes = packr.pack(value);
    assert.deepStrictEqual(decodeStrictMsgpack(bytes, LIMITS), reference(bytes), `seed ${seed}`);
  }
});

test('a decoded bin is a standalone Uint8Array even when the frame sits in a Buffer', () => {
  const frame = Buffer.from(encodeFrame({ k: 'res', id: 1, body: { body: Uint8Array.of(7, 8, 9) } }));
  const decoded = decodeFrameBody(frame.subarray(4)) as { body: { body: Uint8Array } };
  const data = decoded.body.body;
  assert.equal(Object.getPrototypeOf(data), Uint8Array.prototype);
  frame.fill(0);
  assert.deepEqual([...data], [7, 8, 9]);
});

test('maps decode as plain objects and every limit holds', () => {
  const value = decodeStrictMsgpack(packr.pack({ a: { b: [1, 2, { c: 'd' }] } }), LIMITS) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(value, { a: { b: [1, 2, { c: 'd' }] } });
  const deep = packr.pack([[[[1]]]]);
  assert.throws(() => decodeStrictMsgpack(deep, { maxDepth: 4, maxItems: 100 }), { code: 'PRV_ERR_WIRE_MALFORMED' });
  assert.deepEqual(decodeStrictMsgpack(deep, { maxDepth: 5, maxItems: 100 }), [[[[1]]]]);
  const many = packr.pack(Array.from({ length: 10 }, (_, i) => i));
  assert.throws(() => decodeStrictMsgpack(many, { maxDepth: 4, maxItems: 10 }), { code: 'PRV_ERR_WIRE_MALFORMED' });
  assert.equal((decodeStrictMsgpack(many, { maxDepth: 4, maxItems: 11 }) as number[]).length, 10);
});

test('float32 (which msgpackr does not write by default) and the 64-bit integer edges decode exactly', () => {
  const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text.replace(/ /g, ''), 'hex'));
  assert.equal(decodeStrictMsgpack(hex('ca 3fc00000'), LIMITS), 1.5);
  assert.equal(decodeStrictMsgpack(hex('cf 001fffffffffffff'), LIMITS), Number.MAX_SAFE_INTEGER);
  assert.equal(decodeStrictMsgpack(hex('d3 ffe0000000000001'), LIMITS), Number.MIN_SAFE_INTEGER);
});
