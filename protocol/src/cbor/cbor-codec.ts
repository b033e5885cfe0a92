import { Decoder, Encoder } from 'cbor-x';
import { createError, isProvenantError } from '../errors/index.js';
import { assertWellFormedCbor, type CborLimits } from './cbor-well-formed.js';

// mapsAsObjects: false keeps integer keys (COSE labels, PCR indexes) as a Map instead of coercing them to
// strings; useRecords: false turns off cbor-x's record extension so only standard CBOR is read or written.
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });
// tagUint8Array: false writes Uint8Array as a plain byte string; with the default, cbor-x adds tag 64 and
// no Sig_structure would match what the signer hashed. variableMapSize gives minimal map headers
// (RFC 8949 §4.2.1) so our encodings equal serde_cbor's byte for byte.
const encoder = new Encoder({ tagUint8Array: false, useRecords: false, variableMapSize: true, mapsAsObjects: false });

/**
 * Decodes hostile CBOR: the bytes are checked for strict well-formedness within `limits` first, so the
 * decoder only ever sees bounded, unambiguous input.
 */
export function decodeCbor(bytes: Uint8Array, limits: CborLimits): unknown {
  assertWellFormedCbor(bytes, limits);
  try {
    // cbor-x caches a DataView on the array it is given; decode a private copy so the caller's (hostile,
    // possibly shared) input is never mutated.
    return decoder.decode(Uint8Array.from(bytes));
  } catch (error) {
    if (isProvenantError(error)) throw error;
    throw createError('PRV_ERR_CBOR_MALFORMED', 'decoder rejected the input', { cause: error });
  }
}

/** Encodes with minimal headers and plain byte strings; returns a fresh Uint8Array (never a shared Buffer). */
export function encodeCbor(value: unknown): Uint8Array {
  const encoded = encoder.encode(value);
  return Uint8Array.from(encoded);
}
