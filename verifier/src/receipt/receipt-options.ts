import { createError, fromHex, isProvenantError, MAX_NONCE_BYTES, tensorsDigest, type Tensor } from '@provenant/protocol';
import { resolveAttestationOptions } from '../attestation/attestation-options.js';

export interface VerifyReceiptOptions {
  /** Pinned root, DER bytes or one PEM block; default the AWS Nitro Enclaves root G1. */
  readonly root?: Uint8Array | string;
  /** PCR index -> expected value (hex or bytes), normally PCR0, 1, 2 and 8 from measurements.json. */
  readonly expectedPcrs?: Readonly<Record<number, string | Uint8Array>>;
  /** Accept a debug-mode enclave (PCR0 all zero); default false. */
  readonly allowDebug?: boolean;
  /** The boot attestation document (GET /v1/attestation's boot_document). Required in session mode. */
  readonly bootDocument?: Uint8Array;
  /** SHA-256 of the ONNX file the client expects (64 hex digits or 32 bytes). */
  readonly expectedModelSha256?: string | Uint8Array;
  /** The tensors the client sent; their canonical digest must equal claims.input. Not with inputDigest. */
  readonly inputs?: readonly Tensor[];
  readonly inputDigest?: string | Uint8Array;
  /** The tensors the client received; their canonical digest must equal claims.output. Not with outputDigest. */
  readonly outputs?: readonly Tensor[];
  readonly outputDigest?: string | Uint8Array;
  /** The nonce the client sent (hex or bytes); claims.nonce must equal it. */
  readonly expectedNonce?: string | Uint8Array;
  /**
   * Instant at which attestation certificates are checked. Default: each document at its own
   * timestamp (docs/receipts.md §5.3), since receipts are checked long after their leaf expired.
   */
  readonly at?: Date;
}

/** Options after validation. */
export interface ResolvedReceiptOptions {
  readonly rootDer: Uint8Array;
  readonly expectedPcrs: Readonly<Record<number, Uint8Array>> | undefined;
  readonly allowDebug: boolean;
  readonly at: Date | null;
  readonly bootDocument: Uint8Array | null;
  readonly expectedModel: Uint8Array | null;
  readonly inputDigest: Uint8Array | null;
  readonly outputDigest: Uint8Array | null;
  readonly expectedNonce: Uint8Array | null;
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'root',
  'expectedPcrs',
  'allowDebug',
  'bootDocument',
  'expectedModelSha256',
  'inputs',
  'inputDigest',
  'outputs',
  'outputDigest',
  'expectedNonce',
  'at',
]);
const DIGEST_BYTES = 32; // SHA-256

/**
 * Validates caller options before any receipt byte is read (STYLE rule 7). Bad options are the
 * caller's bug, so they throw PRV_ERR_INVALID_ARGUMENT rather than becoming a failed check.
 */
export function resolveReceiptOptions(options: VerifyReceiptOptions): ResolvedReceiptOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options must be an object');
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) throw invalid(`unknown option ${JSON.stringify(key)}`);
  }
  // The attestation verifier's own resolver checks root, PCRs, allowDebug and at the same way it always does.
  const attestation = resolveAttestationOptions({
    ...(options.root === undefined ? {} : { root: options.root }),
    ...(options.expectedPcrs === undefined ? {} : { expectedPcrs: options.expectedPcrs }),
    ...(options.allowDebug === undefined ? {} : { allowDebug: options.allowDebug }),
    ...(options.at === undefined ? {} : { at: options.at }),
  });
  if (options.bootDocument !== undefined && !(options.bootDocument instanceof Uint8Array)) throw invalid('bootDocument must be a Uint8Array');
  return {
    rootDer: attestation.rootDer,
    expectedPcrs: attestation.expectedPcrs === null ? undefined : Object.fromEntries(attestation.expectedPcrs),
    allowDebug: attestation.allowDebug,
    at: options.at === undefined ? null : attestation.at,
    bootDocument: options.bootDocument === undefined ? null : Uint8Array.from(options.bootDocument),
    expectedModel: optionalDigest(options.expectedModelSha256, 'expectedModelSha256'),
    inputDigest: tensorsOrDigest(options.inputs, options.inputDigest, 'inputs', 'inputDigest'),
    outputDigest: tensorsOrDigest(options.outputs, options.outputDigest, 'outputs', 'outputDigest'),
    expectedNonce: optionalNonce(options.expectedNonce),
  };
}

function tensorsOrDigest(
  tensors: readonly Tensor[] | undefined,
  digest: string | Uint8Array | undefined,
  tensorsName: string,
  digestName: string,
): Uint8Array | null {
  if (tensors !== undefined && digest !== undefined) throw invalid(`give ${tensorsName} or ${digestName}, not both`);
  if (tensors === undefined) return optionalDigest(digest, digestName);
  if (!Array.isArray(tensors)) throw invalid(`${tensorsName} must be an array of tensors`);
  try {
    return tensorsDigest(tensors);
  } catch (error) {
    const detail = isProvenantError(error) ? (error.detail ?? error.message) : 'not valid tensors';
    throw invalid(`${tensorsName}: ${detail}`);
  }
}

function optionalDigest(value: string | Uint8Array | undefined, name: string): Uint8Array | null {
  if (value === undefined) return null;
  const bytes = typeof value === 'string' ? hexOption(value, name) : value;
  if (!(bytes instanceof Uint8Array) || bytes.length !== DIGEST_BYTES) throw invalid(`${name} must be a SHA-256 digest (64 hex digits or 32 bytes)`);
  return Uint8Array.from(bytes);
}

function optionalNonce(value: string | Uint8Array | undefined): Uint8Array | null {
  if (value === undefined) return null;
  const bytes = typeof value === 'string' ? hexOption(value, 'expectedNonce') : value;
  // docs/receipts.md §2: a claims nonce is 1 to MAX_NONCE_BYTES bytes, so no other expectation can match.
  if (!(bytes instanceof Uint8Array) || bytes.length === 0 || bytes.length > MAX_NONCE_BYTES) {
    throw invalid(`expectedNonce must be 1 to ${MAX_NONCE_BYTES} bytes (hex or a Uint8Array)`);
  }
  return Uint8Array.from(bytes);
}

function hexOption(value: string, name: string): Uint8Array {
  // Bounded before decoding: the longest value accepted here is a 64-byte nonce.
  if (value.length > 2 * MAX_NONCE_BYTES) throw invalid(`${name} is too long`);
  return fromHex(value, name);
}

function invalid(detail: string) {
  return createError('PRV_ERR_INVALID_ARGUMENT', detail);
}
