import { createError } from '../errors/index.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

const ALPHABET_CODES = Uint8Array.from(ALPHABET, (char) => char.charCodeAt(0));
const PAD = 0x3d; // '='
const ASCII = new TextDecoder('latin1');

/**
 * RFC 4648 §4 base64 with padding; runs in browsers (no Buffer). Writes ASCII codes into one buffer and
 * decodes it once: the enclave encodes an attestation document (~4.5 KB) into every attested receipt.
 */
export function toBase64(bytes: Uint8Array): string {
  const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
  const whole = bytes.length - (bytes.length % 3);
  let at = 0;
  for (let i = 0; i < whole; i += 3) {
    const triple = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[at++] = ALPHABET_CODES[triple >> 18] as number;
    out[at++] = ALPHABET_CODES[(triple >> 12) & 63] as number;
    out[at++] = ALPHABET_CODES[(triple >> 6) & 63] as number;
    out[at++] = ALPHABET_CODES[triple & 63] as number;
  }
  if (whole < bytes.length) {
    const a = bytes[whole] as number;
    const b = bytes[whole + 1];
    out[at++] = ALPHABET_CODES[a >> 2] as number;
    out[at++] = ALPHABET_CODES[((a & 3) << 4) | ((b ?? 0) >> 4)] as number;
    out[at++] = b === undefined ? PAD : (ALPHABET_CODES[(b & 15) << 2] as number);
    out[at++] = PAD;
  }
  return ASCII.decode(out);
}

/**
 * Strict decode: standard alphabet, padded, no whitespace, and canonical (unused bits zero, RFC 4648 §3.5),
 * so each byte string has exactly one accepted text form. One pass without per-quad allocations: the
 * parent proxy checks every receipt it forwards, attestation documents (~6 KB of text) included.
 */
export function fromBase64(text: string, what = 'base64 field'): Uint8Array {
  if (text.length % 4 !== 0) throw createError('PRV_ERR_INVALID_ARGUMENT', `${what} is not padded base64`);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  const fullQuadsEnd = padding === 0 ? text.length : text.length - 4;
  let at = 0;
  for (let i = 0; i < fullQuadsEnd; i += 4) {
    const a = sextet(text, i);
    const b = sextet(text, i + 1);
    const c = sextet(text, i + 2);
    const d = sextet(text, i + 3);
    if ((a | b | c | d) < 0) throw createError('PRV_ERR_INVALID_ARGUMENT', `${what} has a character outside base64`);
    out[at++] = (a << 2) | (b >> 4);
    out[at++] = ((b & 15) << 4) | (c >> 2);
    out[at++] = ((c & 3) << 6) | d;
  }
  if (padding > 0) {
    const a = sextet(text, fullQuadsEnd);
    const b = sextet(text, fullQuadsEnd + 1);
    const c = padding === 1 ? sextet(text, fullQuadsEnd + 2) : 0;
    if ((a | b | c) < 0) throw createError('PRV_ERR_INVALID_ARGUMENT', `${what} has a character outside base64`);
    // RFC 4648 §3.5: the bits after the last whole byte must be zero.
    if ((padding === 2 ? b & 15 : c & 3) !== 0) throw createError('PRV_ERR_INVALID_ARGUMENT', `${what} is not canonical base64`);
    out[at++] = (a << 2) | (b >> 4);
    if (padding === 1) out[at++] = ((b & 15) << 4) | (c >> 2);
  }
  return out;
}

/** The 6-bit value of the character at `index`, or -1 outside the standard alphabet ('=' included). */
function sextet(text: string, index: number): number {
  const char = text.charCodeAt(index);
  return char < 128 ? (LOOKUP[char] as number) : -1;
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
