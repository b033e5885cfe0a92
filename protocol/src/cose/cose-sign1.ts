import { decodeCbor, encodeCbor, type CborLimits } from '../cbor/index.js';
import { createError, isProvenantError } from '../errors/index.js';
import { MAX_ATTESTATION_DOCUMENT_BYTES } from '../limits.js';

/** RFC 9052 §4.2: COSE_Sign1_Tagged = #6.18(COSE_Sign1). */
export const COSE_SIGN1_TAG = 18;
/** RFC 9052 §3.1: header label 1 is "alg". */
export const COSE_HEADER_ALG = 1;
/** RFC 9053 §2.1: ECDSA w/ SHA-384. */
export const COSE_ALG_ES384 = -35;

/** A header map: labels are integers or text (RFC 9052 §3), values any CBOR. */
export type CoseHeaderMap = Map<number | string, unknown>;

export interface CoseSign1Parts {
  /** Decoded protected header; encoded as a byte string wrapping its CBOR map. */
  readonly protected: CoseHeaderMap;
  readonly unprotected: CoseHeaderMap;
  readonly payload: Uint8Array;
  readonly signature: Uint8Array;
}

export interface DecodedCoseSign1 {
  /** The protected header exactly as received: the signature covers these bytes, not a re-encoding. */
  readonly protectedBytes: Uint8Array;
  readonly protectedHeader: CoseHeaderMap;
  readonly unprotected: CoseHeaderMap;
  /** The payload exactly as received (RFC 9052 §4.4 signs these bytes). */
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
  /** Whether the input carried tag 18; Nitro hardware emits the untagged form. */
  readonly tagged: boolean;
}

/**
 * Limits for a COSE_Sign1 envelope: the array, two header maps (small) and two byte strings. The
 * payload is decoded separately, so the envelope needs little depth.
 */
export function coseSign1Limits(maxBytes: number = MAX_ATTESTATION_DOCUMENT_BYTES): CborLimits {
  return { maxBytes, maxDepth: 4, maxItems: 64, allowedTags: new Set([COSE_SIGN1_TAG]) };
}

/** Limits for a protected header map: flat labels and simple values. */
const PROTECTED_LIMITS: CborLimits = { maxBytes: 1024, maxDepth: 3, maxItems: 64, allowedTags: new Set() };

/** Encodes an untagged COSE_Sign1 (RFC 9052 §4.2), as Nitro hardware does. */
export function encodeCoseSign1(parts: CoseSign1Parts): Uint8Array {
  const protectedBytes = encodeProtectedHeader(parts.protected);
  return encodeCbor([protectedBytes, parts.unprotected, parts.payload, parts.signature]);
}

/**
 * RFC 9052 §3: an empty protected header is encoded as a zero-length byte string, anything else as
 * the byte string of its CBOR map.
 */
export function encodeProtectedHeader(header: CoseHeaderMap): Uint8Array {
  return header.size === 0 ? new Uint8Array(0) : encodeCbor(header);
}

/**
 * RFC 9052 §4.4: the ECDSA signature is computed over
 * Sig_structure = ["Signature1", body_protected, external_aad, payload] with an empty external_aad.
 */
export function sigStructure(protectedBytes: Uint8Array, payloadBytes: Uint8Array): Uint8Array {
  return encodeCbor(['Signature1', protectedBytes, new Uint8Array(0), payloadBytes]);
}

/**
 * Decodes a COSE_Sign1, tagged (18) or untagged, from hostile bytes. Throws PRV_ERR_COSE_MALFORMED
 * (or the CBOR guard's PRV_ERR_CBOR_* code) for anything that is not exactly one well-formed
 * COSE_Sign1 with a non-nil payload.
 */
export function decodeCoseSign1(bytes: Uint8Array, limits: CborLimits = coseSign1Limits()): DecodedCoseSign1 {
  const top = decodeCbor(bytes, limits);
  let tagged = false;
  let body: unknown = top;
  if (isTag(top)) {
    if (top.tag !== COSE_SIGN1_TAG) throw malformed(`tag ${top.tag} is not COSE_Sign1 (18)`);
    tagged = true;
    body = top.value;
  }
  if (!Array.isArray(body) || body.length !== 4) throw malformed('not an array of 4 items');
  const [protectedBytes, unprotected, payloadBytes, signature] = body as unknown[];
  if (!(protectedBytes instanceof Uint8Array)) throw malformed('protected header is not a byte string');
  if (!(unprotected instanceof Map)) throw malformed('unprotected header is not a map');
  // RFC 9052 §4.2 allows a nil (detached) payload; attestation documents always carry one.
  if (!(payloadBytes instanceof Uint8Array)) throw malformed('payload is not a byte string');
  if (!(signature instanceof Uint8Array)) throw malformed('signature is not a byte string');
  assertLabels(unprotected, 'unprotected');
  const protectedHeader = decodeProtectedHeader(protectedBytes);
  return {
    protectedBytes: Uint8Array.from(protectedBytes),
    protectedHeader,
    unprotected: unprotected as CoseHeaderMap,
    payloadBytes: Uint8Array.from(payloadBytes),
    signature: Uint8Array.from(signature),
    tagged,
  };
}

function decodeProtectedHeader(bytes: Uint8Array): CoseHeaderMap {
  if (bytes.length === 0) return new Map();
  let header: unknown;
  try {
    header = decodeCbor(bytes, PROTECTED_LIMITS);
  } catch (error) {
    if (isProvenantError(error)) throw malformed(`protected header: ${error.message}`, error);
    throw error;
  }
  if (!(header instanceof Map)) throw malformed('protected header is not a map');
  assertLabels(header, 'protected');
  return header as CoseHeaderMap;
}

/** RFC 9052 §3: header labels are int or tstr. */
function assertLabels(header: Map<unknown, unknown>, which: string): void {
  for (const key of header.keys()) {
    if (!(typeof key === 'number' && Number.isInteger(key)) && typeof key !== 'string') {
      throw malformed(`${which} header has a label that is neither an integer nor text`);
    }
  }
}

function isTag(value: unknown): value is { tag: number; value: unknown } {
  return typeof value === 'object' && value !== null && 'tag' in value && 'value' in value && !(value instanceof Map);
}

function malformed(detail: string, cause?: unknown) {
  return createError('PRV_ERR_COSE_MALFORMED', detail, cause === undefined ? undefined : { cause });
}
