import { readFileSync } from 'node:fs';
import { vectorPath } from './paths.js';

/** One entry of test/vectors/nitro/manifest.json. */
export interface NitroVector {
  readonly file: string;
  readonly sha256: string;
  readonly valid: boolean;
  readonly debug: boolean;
  readonly module_id: string;
  readonly timestamp_ms: number;
  readonly pcrs: Readonly<Record<string, string>>;
  readonly public_key_len: number | null;
  readonly nonce_len: number | null;
}

export function nitroManifest(): { readonly root: string; readonly documents: readonly NitroVector[] } {
  return JSON.parse(readFileSync(vectorPath('nitro', 'manifest.json'), 'utf8'));
}

export function nitroDocument(file: string): Uint8Array {
  return Uint8Array.from(readFileSync(vectorPath('nitro', file)));
}

export function nitroVector(file: string): NitroVector {
  const vector = nitroManifest().documents.find((doc) => doc.file === file);
  if (vector === undefined) throw new Error(`no manifest entry for ${file}`);
  return vector;
}

export function nitroRootPem(): string {
  return readFileSync(vectorPath('nitro', 'aws-nitro-enclaves-root-g1.pem'), 'utf8');
}

/** Offset of `needle` in `haystack`, or -1. */
export function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(Buffer.from(needle), from);
}

/**
 * Offset of the first content byte of a payload field's value (after its CBOR header), found by the
 * text key that precedes it. Nitro payload keys are short text strings (major type 3, length < 24).
 */
export function payloadValueOffset(document: Uint8Array, key: string): { offset: number; length: number } {
  const keyBytes = Buffer.concat([Buffer.of(0x60 + key.length), Buffer.from(key, 'utf8')]);
  const at = indexOfBytes(document, keyBytes);
  if (at < 0) throw new Error(`key ${key} not found`);
  const header = at + keyBytes.length;
  const initial = document[header] as number;
  const info = initial & 0x1f;
  const view = new DataView(document.buffer, document.byteOffset, document.byteLength);
  if (info < 24) return { offset: header + 1, length: info };
  if (info === 24) return { offset: header + 2, length: document[header + 1] as number };
  if (info === 25) return { offset: header + 3, length: view.getUint16(header + 1) };
  if (info === 27) return { offset: header + 1, length: 8 };
  throw new Error(`unexpected header ${initial.toString(16)} for ${key}`);
}

export function flipBit(bytes: Uint8Array, offset: number, bit = 0): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[offset] = (copy[offset] as number) ^ (1 << bit);
  return copy;
}
