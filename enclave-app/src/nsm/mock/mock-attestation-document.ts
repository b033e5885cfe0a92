import { sign } from 'node:crypto';
import {
  COSE_ALG_ES384,
  COSE_HEADER_ALG,
  encodeAttestationPayload,
  encodeCoseSign1,
  encodeProtectedHeader,
  sigStructure,
  type AttestationPayload,
} from '@provenant/protocol';
import type { MockLeaf } from './mock-nsm-chain.js';

/** Protected header of every Nitro document: {1: -35}, alg ES384 (RFC 9053 §2.1). */
const PROTECTED_HEADER = new Map<number | string, unknown>([[COSE_HEADER_ALG, COSE_ALG_ES384]]);

/**
 * Signs a payload the way the NSM does: an untagged COSE_Sign1 with protected header {1: -35}, an
 * empty unprotected map and a 96-byte r || s ECDSA P-384 signature (RFC 9053 §2.1 fixes the raw
 * form, not DER) over Sig_structure = ["Signature1", protected, h'', payload] (RFC 9052 §4.4).
 */
export function signMockAttestationDocument(payload: Omit<AttestationPayload, 'certificate'>, leaf: MockLeaf): Uint8Array {
  const payloadBytes = encodeAttestationPayload({ ...payload, certificate: leaf.certificate });
  const toBeSigned = sigStructure(encodeProtectedHeader(PROTECTED_HEADER), payloadBytes);
  const signature = sign('sha384', toBeSigned, { key: leaf.privateKey, dsaEncoding: 'ieee-p1363' });
  return encodeCoseSign1({
    protected: PROTECTED_HEADER,
    unprotected: new Map(),
    payload: payloadBytes,
    signature: Uint8Array.from(signature),
  });
}
