import { equalBytes } from '@noble/curves/utils.js';
import { createError, isProvenantError, type ProvenantError } from '@provenant/protocol';
import { verifyEcdsa } from '../x509/ecdsa-verify.js';
import { KeyUsageFlags, parseCertificate, type ParsedCertificate } from '../x509/parsed-certificate.js';

/**
 * The chain as AWS builds it (aws-nitro-enclaves-nsm-api docs/attestation_process.md §3.2.3):
 * cabundle is [ROOT, INTERM_1, ..., INTERM_N] and the document's certificate is the target, so the
 * path is cabundle in order followed by the leaf.
 */
export interface ParsedChain {
  /** Root first, leaf last. */
  readonly path: readonly ParsedCertificate[];
  readonly leaf: ParsedCertificate;
}

/** Throws PRV_ERR_ATT_CERT_MALFORMED naming the first certificate that does not parse. */
export function parseChain(cabundle: readonly Uint8Array[], certificate: Uint8Array): ParsedChain {
  const cas = cabundle.map((der, i) => parseCertificate(der, `cabundle[${i}]`));
  const leaf = parseCertificate(certificate, 'certificate');
  return { path: [...cas, leaf], leaf };
}

/**
 * AWS: "the first certificate in cabundle is the root" and must equal the one obtained out of band.
 * Byte equality (not name or key equality) so a look-alike root with the same subject never passes.
 */
export function assertRootPinned(chain: ParsedChain, rootDer: Uint8Array): void {
  const first = chain.path[0] as ParsedCertificate;
  if (!equalBytes(first.der, rootDer)) {
    throw createError('PRV_ERR_ATT_ROOT_MISMATCH', `cabundle[0] (${first.subjectText}) is not the pinned root`);
  }
}

/**
 * RFC 5280 §6.1 path processing restricted to what Nitro chains use: names chain, each certificate is
 * signed by its parent's key, every parent is a CA with keyCertSign within its pathLen, the leaf may
 * sign (digitalSignature), and no certificate carries a critical extension we do not understand. The
 * root's self-signature is not checked: it is trusted because its DER is pinned.
 */
export function assertChainPath(chain: ParsedChain): void {
  const { path } = chain;
  for (const [i, cert] of path.entries()) {
    if (cert.unknownCriticalExtensions.length > 0) {
      throw chainError(`${label(path, i)} has unknown critical extension ${cert.unknownCriticalExtensions.join(', ')}`);
    }
  }
  for (let i = 1; i < path.length; i++) {
    const child = path[i] as ParsedCertificate;
    const parent = path[i - 1] as ParsedCertificate;
    const parentLabel = label(path, i - 1);
    if (!equalBytes(child.issuer, parent.subject)) {
      throw chainError(`${label(path, i)} issuer "${child.issuerText}" is not ${parentLabel} subject "${parent.subjectText}"`);
    }
    if (parent.basicConstraints === null || !parent.basicConstraints.ca) {
      throw chainError(`${parentLabel} issues a certificate but basicConstraints does not mark it a CA`);
    }
    if (parent.keyUsage === null || (parent.keyUsage & KeyUsageFlags.keyCertSign) === 0) {
      throw chainError(`${parentLabel} issues a certificate but its keyUsage lacks keyCertSign`);
    }
    // RFC 5280 §4.2.1.9: pathLen bounds the non-leaf certificates that may follow this CA.
    const intermediatesBelow = path.length - 1 - i;
    const pathLen = parent.basicConstraints.pathLen;
    if (pathLen !== undefined && intermediatesBelow > pathLen) {
      throw chainError(`${parentLabel} allows pathLen ${pathLen} but ${intermediatesBelow} CA certificates follow it`);
    }
    if (!verifyEcdsa(parent.publicKey.curve, parent.publicKey.point, child.signatureAlgorithm, child.tbs, child.signature, 'der')) {
      throw chainError(`${label(path, i)} signature does not verify with the key of ${parentLabel}`);
    }
  }
  const leaf = chain.leaf;
  if (leaf.keyUsage === null || (leaf.keyUsage & KeyUsageFlags.digitalSignature) === 0) {
    throw chainError('certificate (leaf) keyUsage lacks digitalSignature');
  }
}

/** Every certificate, root included, must be within [notBefore, notAfter] at `at` (RFC 5280 §4.1.2.5). */
export function assertChainValidAt(chain: ParsedChain, at: Date): void {
  const time = at.getTime();
  for (const [i, cert] of chain.path.entries()) {
    if (time < cert.notBefore.getTime()) {
      throw createError('PRV_ERR_ATT_CERT_EXPIRED', `${label(chain.path, i)} is not valid before ${cert.notBefore.toISOString()}`);
    }
    if (time > cert.notAfter.getTime()) {
      throw createError('PRV_ERR_ATT_CERT_EXPIRED', `${label(chain.path, i)} expired at ${cert.notAfter.toISOString()}`);
    }
  }
}

/** Parses a caller-supplied root; its failures are option errors, not document failures. */
export function parseRootOption(der: Uint8Array): ParsedCertificate {
  try {
    return parseCertificate(der, 'root');
  } catch (error) {
    if (isProvenantError(error)) throw createError('PRV_ERR_INVALID_ARGUMENT', error.message, { cause: error });
    throw error;
  }
}

function label(path: readonly ParsedCertificate[], index: number): string {
  return index === path.length - 1 ? 'certificate (leaf)' : `cabundle[${index}]`;
}

function chainError(detail: string): ProvenantError {
  return createError('PRV_ERR_ATT_CHAIN', detail);
}
