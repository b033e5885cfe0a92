import { createError } from '../errors/index.js';

/** What a flat map may hold: unsigned safe integers, text, byte strings and null. */
export type FlatMapValue = number | string | Uint8Array | null;

const UTF8 = new TextEncoder();

/**
 * Returns an encoder of deterministic CBOR (RFC 8949 §4.2.1) for maps with these short ASCII text keys and
 * flat values: keys sorted by their encoded bytes (for such keys: shorter first, then bytewise), every
 * length and integer in its shortest form. Its output equals encodeCbor of the same sorted Map byte for byte
 * (the suite checks this). It exists because receipt claims are encoded on every request's path, where
 * cbor-x's general encoder costs several times more; the key order and key bytes are worked out once here.
 */
export function flatMapEncoder<K extends string>(keys: readonly K[]): (values: Readonly<Record<K, FlatMapValue>>) => Uint8Array {
  for (const key of keys) {
    if (key.length >= 24 || !/^[\x20-\x7e]*$/.test(key)) throw createError('PRV_ERR_INTERNAL', 'flat map keys are short ASCII text');
  }
  const order = [...new Set(keys)].sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  const encodedKeys = order.map((key) => Uint8Array.from([0x60 + key.length, ...[...key].map((c) => c.charCodeAt(0))]));
  const mapHead = new Uint8Array(headSize(order.length));
  writeHead(mapHead, 0, 5, order.length);
  return (values) => {
    // Text becomes its UTF-8 bytes under major type 3; byte strings are type 2.
    const encoded = order.map((key) => {
      const value: FlatMapValue = values[key];
      return typeof value === 'string' ? { value: UTF8.encode(value), major: 3 } : { value, major: 2 };
    });
    let size = mapHead.length;
    for (const [i, { value }] of encoded.entries()) {
      size += (encodedKeys[i] as Uint8Array).length;
      size += value === null ? 1 : typeof value === 'number' ? headSize(value) : headSize(value.length) + value.length;
    }
    const out = new Uint8Array(size);
    out.set(mapHead, 0);
    let at = mapHead.length;
    for (const [i, { value, major }] of encoded.entries()) {
      const key = encodedKeys[i] as Uint8Array;
      out.set(key, at);
      at += key.length;
      if (value === null) out[at++] = 0xf6;
      else if (typeof value === 'number') at = writeHead(out, at, 0, value);
      else {
        at = writeHead(out, at, major, value.length);
        out.set(value, at);
        at += value.length;
      }
    }
    return out;
  };
}

function headSize(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw createError('PRV_ERR_INTERNAL', 'flat map integers are unsigned safe integers');
  return n < 24 ? 1 : n < 0x100 ? 2 : n < 0x1_0000 ? 3 : n <= 0xffff_ffff ? 5 : 9;
}

/** Writes a CBOR head (major type and argument) at `at`; returns the offset after it. */
function writeHead(out: Uint8Array, at: number, major: number, n: number): number {
  const size = headSize(n);
  if (size === 1) {
    out[at] = (major << 5) | n;
    return at + 1;
  }
  // Additional information 24..27: the argument follows in 1, 2, 4 or 8 big-endian bytes.
  out[at] = (major << 5) | (size === 2 ? 24 : size === 3 ? 25 : size === 5 ? 26 : 27);
  let rest = n;
  for (let i = size - 1; i >= 1; i--) {
    out[at + i] = rest % 256;
    rest = Math.floor(rest / 256);
  }
  return at + size;
}
