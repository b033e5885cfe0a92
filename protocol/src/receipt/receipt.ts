import { fromBase64 } from '../encoding/index.js';
import { createError } from '../errors/index.js';
import { MAX_ATTESTATION_DOCUMENT_BYTES } from '../limits.js';
import { MAX_BATCH_LEAVES } from './merkle-tree.js';
import { RECEIPT_MODES, type ReceiptMode } from './receipt-claims.js';

export const RECEIPT_FORMAT = 'provenant.receipt.v1';

/** A receipt as JSON (inside the Open Inference Protocol response's parameters.receipt). docs/receipts.md. */
export interface ReceiptJson {
  readonly format: typeof RECEIPT_FORMAT;
  readonly mode: ReceiptMode;
  /** base64 of the deterministic CBOR claims. */
  readonly claims: string;
  /** base64 of the 65-byte SEC1 uncompressed P-256 session public key. */
  readonly session_key: string;
  /** session mode: base64 of the 64-byte r || s ECDSA P-256 / SHA-256 signature over the claims bytes. */
  readonly signature?: string;
  /** attested and batched modes: base64 of the NSM attestation document (COSE_Sign1). */
  readonly attestation?: string;
  /** batched mode: the claims' place in the batch's Merkle tree. */
  readonly inclusion?: { readonly index: number; readonly size: number; readonly path: readonly string[] };
}

/** The same receipt with every field decoded and size-checked. */
export interface Receipt {
  readonly mode: ReceiptMode;
  readonly claimsBytes: Uint8Array;
  readonly sessionKey: Uint8Array;
  readonly signature?: Uint8Array;
  readonly attestation?: Uint8Array;
  readonly inclusion?: { readonly index: number; readonly size: number; readonly path: readonly Uint8Array[] };
}

const KEYS: Record<ReceiptMode, readonly string[]> = {
  session: ['format', 'mode', 'claims', 'session_key', 'signature'],
  attested: ['format', 'mode', 'claims', 'session_key', 'attestation'],
  batched: ['format', 'mode', 'claims', 'session_key', 'attestation', 'inclusion'],
};

/** Parses untrusted receipt JSON (already JSON.parse'd). Every field the mode needs, and no other. */
export function parseReceipt(value: unknown): Receipt {
  const json = receiptObject(value, RECEIPT_FORMAT);
  return parseEvidence(json, [], 1024);
}

/** The object and its format check, shared by v1 and plan (v2) receipts. */
export function receiptObject(value: unknown, format: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('receipt must be an object');
  const json = value as Record<string, unknown>;
  if (json.format !== format) throw invalid(`format must be ${format}`);
  return json;
}

/**
 * The claims and their evidence (signature, or attestation and inclusion), which v1 and plan receipts share;
 * `extraKeys` are the other fields the caller's format allows and parses itself.
 */
export function parseEvidence(json: Record<string, unknown>, extraKeys: readonly string[], maxClaimsBytes: number): Receipt {
  const mode = json.mode;
  if (typeof mode !== 'string' || !(RECEIPT_MODES as readonly string[]).includes(mode)) throw invalid('mode is not a receipt mode');
  const keys = [...KEYS[mode as ReceiptMode], ...extraKeys];
  for (const key of Object.keys(json)) if (!keys.includes(key)) throw invalid(`unexpected field ${key.slice(0, 32)} for ${mode} mode`);
  for (const key of keys) if (json[key] === undefined) throw invalid(`${mode} receipt needs ${key}`);
  const claimsBytes = receiptBytes(json.claims, 'claims', maxClaimsBytes);
  const sessionKey = receiptBytes(json.session_key, 'session_key', 65);
  if (sessionKey.length !== 65 || sessionKey[0] !== 0x04) throw invalid('session_key must be a 65-byte uncompressed P-256 point');
  const receipt: { -readonly [K in keyof Receipt]: Receipt[K] } = { mode: mode as ReceiptMode, claimsBytes, sessionKey };
  if (mode === 'session') {
    receipt.signature = receiptBytes(json.signature, 'signature', 64);
    if (receipt.signature.length !== 64) throw invalid('signature must be 64 bytes (r || s)');
  } else {
    receipt.attestation = receiptBytes(json.attestation, 'attestation', MAX_ATTESTATION_DOCUMENT_BYTES);
  }
  if (mode === 'batched') receipt.inclusion = inclusion(json.inclusion);
  return receipt;
}

function inclusion(value: unknown): Receipt['inclusion'] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('inclusion must be an object');
  const { index, size, path, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw invalid('inclusion has unexpected fields');
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_BATCH_LEAVES) throw invalid('inclusion.size out of range');
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= size) throw invalid('inclusion.index out of range');
  // A tree of MAX_BATCH_LEAVES leaves has paths of at most log2 of it.
  if (!Array.isArray(path) || path.length > 12) throw invalid('inclusion.path must be a list of at most 12 hashes');
  const hashes = path.map((entry, i) => {
    const hash = receiptBytes(entry, `inclusion.path[${i}]`, 32);
    if (hash.length !== 32) throw invalid(`inclusion.path[${i}] must be 32 bytes`);
    return hash;
  });
  return { index, size, path: hashes };
}

export function receiptBytes(value: unknown, name: string, maxBytes: number): Uint8Array {
  // base64 expands by 4/3: refuse long text before decoding it.
  if (typeof value !== 'string' || value.length > Math.ceil(maxBytes / 3) * 4) throw invalid(`${name} must be base64 of at most ${maxBytes} bytes`);
  try {
    return fromBase64(value, name);
  } catch {
    throw invalid(`${name} is not valid base64`);
  }
}

function invalid(detail: string): Error {
  return createError('PRV_ERR_RECEIPT_MALFORMED', detail);
}
