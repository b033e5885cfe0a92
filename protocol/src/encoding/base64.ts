import { createError } from '../errors/index.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

/** RFC 4648 §4 base64 with padding; runs in browsers (no Buffer). */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i] as number;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    out += ALPHABET[a >> 2];
    out += ALPHABET[((a & 3) << 4) | ((b ?? 0) >> 4)];
    out += b === undefined ? '=' : ALPHABET[((b & 15) << 2) | ((c ?? 0) >> 6)];
    out += c === undefined ? '=' : ALPHABET[c & 63];
  }
  return out;
}

/**
 * Strict decode: standard alphabet, padded, no whitespace, and canonical (unused bits zero, RFC 4648 §3.5),
 * so each byte string has exactly one accepted text form.
 */
export function fromBase64(text: string, what = 'base64 field'): Uint8Array {
  if (text.length % 4 !== 0) throw createError('PRV_ERR_INVALID_ARGUMENT', `${what} is not padded base64`);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let at = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const values = [0, 1, 2, 3].map((j) => {
      const char = text.charCodeAt(i + j);
      if (last && j >= 4 - padding && char === 61) return 0;
      const value = char < 128 ? (LOOKUP[char] as number) : -1;
      if (value < 0) throw createError('PRV_ERR_INVALID_ARGUMENT', `${what} has a character outside base64`);
      return value;
    }) as [number, number, number, number];
    const triple = (values[0] << 18) | (values[1] << 12) | (values[2] << 6) | values[3];
    const bytes = [triple >> 16, (triple >> 8) & 255, triple & 255];
    const keep = last ? 3 - padding : 3;
    if (last && padding > 0 && (triple & ((1 << (8 * padding)) - 1)) !== 0) {
      throw createError('PRV_ERR_INVALID_ARGUMENT', `${what} is not canonical base64`);
    }
    for (let j = 0; j < keep; j++) out[at++] = bytes[j] as number;
  }
  return out;
}

const HEX = /^(?:[0-9a-f]{2})*$/;

/** Lowercase hex, the form digests take in JSON and on the command line. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}

export function fromHex(text: string, what = 'hex field'): Uint8Array {
  const lower = text.toLowerCase();
  if (!HEX.test(lower)) throw createError('PRV_ERR_INVALID_ARGUMENT', `${what} is not an even-length hex string`);
  const out = new Uint8Array(lower.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(lower.slice(2 * i, 2 * i + 2), 16);
  return out;
}
