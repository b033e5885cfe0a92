import { p256, p384 } from '@noble/curves/nist.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import type { EcCurve, SignatureAlgorithm } from './parsed-certificate.js';

const CURVES = { 'P-256': p256, 'P-384': p384 } as const;
const HASHES = { 'ecdsa-with-SHA256': sha256, 'ecdsa-with-SHA384': sha384 } as const;

/**
 * Verifies an ECDSA signature with an explicit hash. Returns false (never throws) for an invalid
 * point, a malformed signature or a mismatch, so hostile bytes cannot turn into exceptions.
 *
 * lowS: false because noble defaults to rejecting high-S signatures (a Bitcoin rule); X.509 and
 * COSE ECDSA (FIPS 186-4) accept both halves, and Nitro hardware emits either.
 */
export function verifyEcdsa(
  curve: EcCurve,
  publicKey: Uint8Array,
  algorithm: SignatureAlgorithm,
  message: Uint8Array,
  signature: Uint8Array,
  format: 'der' | 'compact',
): boolean {
  try {
    const digest = HASHES[algorithm](message);
    return CURVES[curve].verify(signature, digest, publicKey, { prehash: false, lowS: false, format });
  } catch {
    return false;
  }
}
