import {
  createError,
  decodeCoseSign1,
  isProvenantError,
  parseAttestationPayload,
  type AttestationPayload,
  type DecodedCoseSign1,
} from '@provenant/protocol';

export interface DecodedAttestationDocument {
  readonly cose: DecodedCoseSign1;
  readonly payload: AttestationPayload;
}

/**
 * Decodes an attestation document (tagged or untagged COSE_Sign1) and checks its payload's field types
 * and sizes, without checking any signature or certificate. Throws PRV_ERR_ATT_MALFORMED. For callers
 * that verify the document themselves or have already verified it (receipts embed one).
 */
export function decodeAttestationDocument(bytes: Uint8Array): DecodedAttestationDocument {
  const cose = decodeAttestationEnvelope(bytes);
  return { cose, payload: parseAttestationPayload(cose.payloadBytes) };
}

/** The COSE_Sign1 envelope alone; CBOR and COSE errors become PRV_ERR_ATT_MALFORMED. */
export function decodeAttestationEnvelope(bytes: Uint8Array): DecodedCoseSign1 {
  if (!(bytes instanceof Uint8Array)) throw createError('PRV_ERR_INVALID_ARGUMENT', 'document must be a Uint8Array');
  try {
    return decodeCoseSign1(bytes);
  } catch (error) {
    if (isProvenantError(error)) throw createError('PRV_ERR_ATT_MALFORMED', error.message, { cause: error });
    throw error;
  }
}
