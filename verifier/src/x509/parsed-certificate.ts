import { bytesToHex } from '@noble/hashes/utils.js';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  KeyUsage,
  KeyUsageFlags,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  type Name,
} from '@peculiar/asn1-x509';
import { createError, MAX_CERTIFICATE_BYTES, type ProvenantError } from '@provenant/protocol';

/** RFC 5758 §3.2 signature algorithms; RFC 5480 §2.1.1 named curves. */
const SIGNATURE_ALGORITHMS = {
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
} as const;
const ID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
/** DER of the namedCurve OID parameter: prime256v1 and secp384r1. */
const NAMED_CURVES: Readonly<Record<string, EcCurve>> = {
  '06082a8648ce3d030107': 'P-256',
  '06052b81040022': 'P-384',
};
/** Extensions this verifier interprets; any other one marked critical fails the chain (RFC 5280 §4.2). */
const UNDERSTOOD_EXTENSIONS: ReadonlySet<string> = new Set([id_ce_basicConstraints, id_ce_keyUsage]);
const ATTRIBUTE_NAMES: Readonly<Record<string, string>> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
};

export type EcCurve = 'P-256' | 'P-384';
export type SignatureAlgorithm = (typeof SIGNATURE_ALGORITHMS)[keyof typeof SIGNATURE_ALGORITHMS];

export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** TBSCertificate exactly as received: the issuer's signature covers these bytes. */
  readonly tbs: Uint8Array;
  /** DER of the subject and issuer Names, compared byte for byte when chaining. */
  readonly subject: Uint8Array;
  readonly issuer: Uint8Array;
  /** Readable names for reports ("CN=aws.nitro-enclaves, OU=AWS, O=Amazon, C=US"). */
  readonly subjectText: string;
  readonly issuerText: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly signatureAlgorithm: SignatureAlgorithm;
  /** DER Ecdsa-Sig-Value (RFC 3279 §2.2.3), as X.509 carries it. */
  readonly signature: Uint8Array;
  readonly publicKey: { readonly curve: EcCurve; readonly point: Uint8Array };
  /** null when the extension is absent. */
  readonly basicConstraints: { readonly ca: boolean; readonly pathLen: number | undefined } | null;
  /** KeyUsageFlags bits; null when the extension is absent. */
  readonly keyUsage: number | null;
  readonly unknownCriticalExtensions: readonly string[];
}

export { KeyUsageFlags };

/**
 * Parses one DER certificate from hostile bytes. Throws PRV_ERR_ATT_CERT_MALFORMED for anything that
 * is not a single X.509 certificate with an EC P-256/P-384 key signed with ECDSA SHA-256/384.
 */
export function parseCertificate(der: Uint8Array, label: string): ParsedCertificate {
  if (der.length > MAX_CERTIFICATE_BYTES) throw malformed(label, `${der.length} bytes exceeds ${MAX_CERTIFICATE_BYTES}`);
  assertSingleDerSequence(der, label);
  let cert: Certificate;
  try {
    cert = AsnConvert.parse(der, Certificate);
  } catch (error) {
    throw malformed(label, 'not an X.509 certificate', error);
  }
  const tbsCert = cert.tbsCertificate;
  const outerAlg = cert.signatureAlgorithm.algorithm;
  const signatureAlgorithm = SIGNATURE_ALGORITHMS[outerAlg as keyof typeof SIGNATURE_ALGORITHMS];
  if (signatureAlgorithm === undefined) throw malformed(label, `unsupported signature algorithm ${outerAlg}`);
  // RFC 5280 §4.1.1.2: signatureAlgorithm MUST equal the signature field inside TBSCertificate.
  if (tbsCert.signature.algorithm !== outerAlg || cert.tbsCertificateRaw === undefined) {
    throw malformed(label, 'inner and outer signature algorithms differ');
  }
  const extensions = readExtensions(cert, label);
  return {
    der: Uint8Array.from(der),
    tbs: new Uint8Array(cert.tbsCertificateRaw.slice(0)),
    subject: new Uint8Array(AsnConvert.serialize(tbsCert.subject)),
    issuer: new Uint8Array(AsnConvert.serialize(tbsCert.issuer)),
    subjectText: nameText(tbsCert.subject),
    issuerText: nameText(tbsCert.issuer),
    notBefore: tbsCert.validity.notBefore.getTime(),
    notAfter: tbsCert.validity.notAfter.getTime(),
    signatureAlgorithm,
    signature: new Uint8Array(cert.signatureValue),
    publicKey: readPublicKey(cert, label),
    ...extensions,
  };
}

function readPublicKey(cert: Certificate, label: string): ParsedCertificate['publicKey'] {
  const spki = cert.tbsCertificate.subjectPublicKeyInfo;
  if (spki.algorithm.algorithm !== ID_EC_PUBLIC_KEY || spki.algorithm.parameters == null) {
    throw malformed(label, `public key algorithm ${spki.algorithm.algorithm} is not id-ecPublicKey`);
  }
  const curve = NAMED_CURVES[bytesToHex(new Uint8Array(spki.algorithm.parameters))];
  if (curve === undefined) throw malformed(label, 'public key is not on P-256 or P-384');
  return { curve, point: new Uint8Array(spki.subjectPublicKey) };
}

function readExtensions(
  cert: Certificate,
  label: string,
): Pick<ParsedCertificate, 'basicConstraints' | 'keyUsage' | 'unknownCriticalExtensions'> {
  let basicConstraints: ParsedCertificate['basicConstraints'] = null;
  let keyUsage: number | null = null;
  const unknownCriticalExtensions: string[] = [];
  const seen = new Set<string>();
  for (const extension of cert.tbsCertificate.extensions ?? []) {
    // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
    if (seen.has(extension.extnID)) throw malformed(label, `extension ${extension.extnID} appears twice`);
    seen.add(extension.extnID);
    const value = extension.extnValue.buffer;
    try {
      if (extension.extnID === id_ce_basicConstraints) {
        const parsed = AsnConvert.parse(value, BasicConstraints);
        basicConstraints = { ca: parsed.cA, pathLen: parsed.pathLenConstraint };
      } else if (extension.extnID === id_ce_keyUsage) {
        keyUsage = AsnConvert.parse(value, KeyUsage).toNumber();
      } else if (extension.critical && !UNDERSTOOD_EXTENSIONS.has(extension.extnID)) {
        unknownCriticalExtensions.push(extension.extnID);
      }
    } catch (error) {
      throw malformed(label, `extension ${extension.extnID} does not parse`, error);
    }
  }
  return { basicConstraints, keyUsage, unknownCriticalExtensions };
}

/**
 * The outer SEQUENCE must span the input exactly: a DER parser that stops early would let trailing
 * bytes ride along unsigned.
 */
function assertSingleDerSequence(der: Uint8Array, label: string): void {
  if (der.length < 2 || der[0] !== 0x30) throw malformed(label, 'does not start with a DER SEQUENCE');
  const first = der[1] as number;
  let length = first;
  let header = 2;
  if (first & 0x80) {
    const count = first & 0x7f;
    // X.690 §10.1: DER uses the definite form; certificates are far below 2^32 bytes.
    if (count === 0 || count > 4 || der.length < 2 + count) throw malformed(label, 'bad DER length');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[2 + i] as number);
    header = 2 + count;
  }
  if (header + length !== der.length) throw malformed(label, `DER length ${header + length} differs from the ${der.length} bytes given`);
}

function nameText(name: Name): string {
  const parts: string[] = [];
  for (const rdn of [...name].reverse()) {
    for (const attribute of rdn) {
      const key = ATTRIBUTE_NAMES[attribute.type] ?? attribute.type;
      parts.push(`${key}=${attribute.value.toString()}`);
    }
  }
  return parts.join(', ');
}

function malformed(label: string, detail: string, cause?: unknown): ProvenantError {
  return createError('PRV_ERR_ATT_CERT_MALFORMED', `${label}: ${detail}`, cause === undefined ? undefined : { cause });
}
