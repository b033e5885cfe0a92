import { decodeCbor, flatMapEncoder, type CborLimits } from '../cbor/index.js';
import { createError } from '../errors/index.js';
import { MAX_NONCE_BYTES } from '../limits.js';

/** Receipt modes (docs/receipts.md): what evidence binds the claims. */
export const RECEIPT_MODES = ['session', 'attested', 'batched'] as const;
export type ReceiptMode = (typeof RECEIPT_MODES)[number];

export const CLAIMS_VERSION = 1;

/** What the enclave states about one inference. Digests are SHA-256 (32 bytes). */
export interface ReceiptClaims {
  readonly v: typeof CLAIMS_VERSION;
  readonly mode: ReceiptMode;
  /** SHA-256 of the exact ONNX file bytes. */
  readonly model: Uint8Array;
  /** SHA-256 of the canonical encoding of the input tensors. */
  readonly input: Uint8Array;
  /** SHA-256 of the canonical encoding of the output tensors. */
  readonly output: Uint8Array;
  readonly nonce: Uint8Array | null;
  /** Enclave clock, Unix milliseconds. */
  readonly ts: number;
  /** Per-boot sequence number, starting at 1, one per receipt. */
  readonly seq: number;
  /** SHA-256 of the session public key (SEC1 uncompressed P-256). */
  readonly key: Uint8Array;
}

const CLAIM_KEYS = ['v', 'mode', 'model', 'input', 'output', 'nonce', 'ts', 'seq', 'key'] as const;
const writeClaims = flatMapEncoder(CLAIM_KEYS);
const CLAIMS_LIMITS: CborLimits = { maxBytes: 1024, maxDepth: 2, maxItems: 32, allowedTags: new Set() };

/**
 * Deterministic CBOR (RFC 8949 §4.2.1): a map whose keys are sorted by their encoded bytes, which for these
 * short text keys means shorter first, then bytewise. The signature and the attestation bind these bytes.
 */
export function encodeClaims(claims: ReceiptClaims): Uint8Array {
  return writeClaims(claims);
}

/**
 * Parses claims bytes from a receipt. Refuses anything that is not exactly the deterministic encoding of a
 * valid claims map, so one claims value has exactly one byte string.
 */
export function decodeClaims(bytes: Uint8Array): ReceiptClaims {
  const value = decodeCbor(bytes, CLAIMS_LIMITS);
  if (!(value instanceof Map) || value.size !== CLAIM_KEYS.length) throw invalid('claims must be a map of the 9 claim fields');
  for (const key of value.keys()) {
    if (!(CLAIM_KEYS as readonly unknown[]).includes(key)) throw invalid(`unknown claim ${String(key).slice(0, 32)}`);
  }
  const get = (key: string): unknown => value.get(key);
  const v = get('v');
  if (v !== CLAIMS_VERSION) throw invalid(`unsupported claims version ${String(v)}`);
  const mode = get('mode');
  if (typeof mode !== 'string' || !(RECEIPT_MODES as readonly string[]).includes(mode)) throw invalid('mode is not a receipt mode');
  const nonce = get('nonce');
  if (nonce !== null && !(nonce instanceof Uint8Array && nonce.length > 0 && nonce.length <= MAX_NONCE_BYTES)) {
    throw invalid(`nonce must be null or 1 to ${MAX_NONCE_BYTES} bytes`);
  }
  const claims: ReceiptClaims = {
    v: CLAIMS_VERSION,
    mode: mode as ReceiptMode,
    model: digest(get('model'), 'model'),
    input: digest(get('input'), 'input'),
    output: digest(get('output'), 'output'),
    nonce: nonce === null ? null : Uint8Array.from(nonce as Uint8Array),
    ts: uint(get('ts'), 'ts'),
    seq: uint(get('seq'), 'seq'),
    key: digest(get('key'), 'key'),
  };
  const again = encodeClaims(claims);
  if (again.length !== bytes.length || again.some((byte, i) => byte !== bytes[i])) {
    throw invalid('claims are not in deterministic encoding');
  }
  return claims;
}

/** A 32-byte claim value, copied (plan claims read theirs the same way). */
export function digest(value: unknown, name: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== 32) throw invalid(`${name} must be a 32-byte digest`);
  return Uint8Array.from(value);
}

/** An unsigned claim integer: cbor-x hands values past 2^32 over as bigint. */
export function uint(value: unknown, name: string): number {
  const n = typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalid(`${name} must be an unsigned integer`);
  return n;
}

function invalid(detail: string): Error {
  return createError('PRV_ERR_RECEIPT_MALFORMED', detail);
}
