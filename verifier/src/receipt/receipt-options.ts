import {
  createError,
  encodePlanJson,
  fromHex,
  isProvenantError,
  MAX_NONCE_BYTES,
  MAX_PLAN_SEGMENTS,
  parsePlan,
  parsePlanJson,
  tensorsDigest,
  type PlanSegment,
  type Tensor,
} from '@provenant/protocol';
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
  /**
   * Plan receipts (docs/receipts.md §7.3): the plan the caller sent, as JSON text or the parsed array;
   * the claims' plan must be the same in canonical form (check expected.plan).
   */
  readonly expectedPlan?: string | readonly PlanSegment[];
  /**
   * Plan receipts: segment index -> the verifying-key digest (64 hex digits, groth16VerificationKeyDigest)
   * the caller trusts for that zk segment, instead of taking the key named by enclave-signed claims.
   */
  readonly verificationKeys?: Readonly<Record<number, string>>;
  /**
   * Plan receipts: report a proof still being computed as a pending (not yet verified) check that does not
   * fail the report. Default false: a pending proof fails the receipt (fail closed).
   */
  readonly allowPending?: boolean;
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
  /** The tensors themselves, kept to open a plan receipt's input and output commitments. */
  readonly inputs: readonly Tensor[] | null;
  readonly outputs: readonly Tensor[] | null;
  /** Canonical plan JSON (encodePlanJson). */
  readonly expectedPlan: string | null;
  /** Segment index -> lowercase hex digest. */
  readonly verificationKeys: ReadonlyMap<number, string>;
  readonly allowPending: boolean;
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
  'expectedPlan',
  'verificationKeys',
  'allowPending',
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
    inputs: options.inputs === undefined ? null : [...options.inputs],
    outputs: options.outputs === undefined ? null : [...options.outputs],
    expectedPlan: optionalPlan(options.expectedPlan),
    verificationKeys: verificationKeyPins(options.verificationKeys),
    allowPending: optionalBoolean(options.allowPending, 'allowPending'),
  };
}

function optionalPlan(value: string | readonly PlanSegment[] | undefined): string | null {
  if (value === undefined) return null;
  try {
    return encodePlanJson(typeof value === 'string' ? parsePlanJson(value) : parsePlan(value));
  } catch (error) {
    throw invalid(`expectedPlan: ${isProvenantError(error) ? (error.detail ?? error.message) : 'not a proof plan'}`);
  }
}

const VK_DIGEST = /^[0-9a-fA-F]{64}$/;

function verificationKeyPins(value: Readonly<Record<number, string>> | undefined): ReadonlyMap<number, string> {
  const pins = new Map<number, string>();
  if (value === undefined) return pins;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('verificationKeys must be an object of segment index -> digest');
  for (const [key, digest] of Object.entries(value)) {
    // Object keys are strings: accept only canonical indices of segments a plan can have.
    const index = /^(0|[1-9][0-9]?)$/.test(key) ? Number(key) : -1;
    if (index < 0 || index >= MAX_PLAN_SEGMENTS) throw invalid(`verificationKeys: ${JSON.stringify(key.slice(0, 16))} is not a segment index below ${MAX_PLAN_SEGMENTS}`);
    if (typeof digest !== 'string' || !VK_DIGEST.test(digest)) throw invalid(`verificationKeys[${index}] must be a verifying-key digest of 64 hex digits`);
    pins.set(index, digest.toLowerCase());
  }
  return pins;
}

function optionalBoolean(value: boolean | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw invalid(`${name} must be a boolean`);
  return value;
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
