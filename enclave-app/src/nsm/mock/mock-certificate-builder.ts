import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  AttributeTypeAndValue,
  AttributeValue,
  AuthorityKeyIdentifier,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  KeyIdentifier,
  KeyUsage,
  KeyUsageFlags,
  Name,
  RelativeDistinguishedName,
  SubjectKeyIdentifier,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
  id_ce_authorityKeyIdentifier,
  id_ce_basicConstraints,
  id_ce_keyUsage,
  id_ce_subjectKeyIdentifier,
} from '@peculiar/asn1-x509';

/** RFC 5758 §3.2: ecdsa-with-SHA384, parameters absent. */
export const ECDSA_WITH_SHA384 = '1.2.840.10045.4.3.3';
const OID = { C: '2.5.4.6', ST: '2.5.4.8', L: '2.5.4.7', O: '2.5.4.10', OU: '2.5.4.11', CN: '2.5.4.3' } as const;
export type NameAttribute = keyof typeof OID;

export interface CertificateProfile {
  /** Distinguished name, outermost RDN first; one attribute per RDN, as AWS's certificates have. */
  readonly subject: readonly (readonly [NameAttribute, string])[];
  readonly subjectKey: KeyObject;
  /** null for a self-signed root. */
  readonly issuer: { readonly certificate: Uint8Array; readonly privateKey: KeyObject } | null;
  readonly signingKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** null for an end-entity certificate (basicConstraints cA false). */
  readonly ca: { readonly pathLen: number | undefined } | null;
  /** Bitwise OR of KeyUsageFlags. */
  readonly keyUsage: number;
  readonly keyUsageCritical: boolean;
  readonly serial?: Uint8Array;
}

/**
 * Builds one DER X.509 v3 certificate signed with ECDSA P-384 / SHA-384 (RFC 5280). Extensions mirror
 * AWS's Nitro chain (fixtures/nitro): basicConstraints critical on every certificate, keyUsage critical
 * on CAs, subject/authority key identifiers on CAs only (the Nitro leaf has none).
 */
export function buildCertificate(profile: CertificateProfile): Uint8Array {
  const spki = AsnConvert.parse(profile.subjectKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const subject = buildName(profile.subject);
  const issuerCertificate = profile.issuer === null ? null : AsnConvert.parse(profile.issuer.certificate, Certificate);
  const extensions: Extension[] = [
    extension(id_ce_basicConstraints, true, new BasicConstraints(
      profile.ca === null ? { cA: false } : { cA: true, ...(profile.ca.pathLen === undefined ? {} : { pathLenConstraint: profile.ca.pathLen }) },
    )),
    extension(id_ce_keyUsage, profile.keyUsageCritical, new KeyUsage(profile.keyUsage)),
  ];
  if (profile.ca !== null) {
    extensions.push(extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyIdentifier(spki))));
    const issuerSpki = issuerCertificate?.tbsCertificate.subjectPublicKeyInfo;
    if (issuerSpki !== undefined) {
      extensions.push(extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({
        keyIdentifier: new KeyIdentifier(keyIdentifier(issuerSpki)),
      })));
    }
  }
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: toArrayBuffer(profile.serial ?? randomSerial()),
    signature: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA384 }),
    issuer: issuerCertificate === null ? subject : issuerCertificate.tbsCertificate.subject,
    validity: new Validity({ notBefore: profile.notBefore, notAfter: profile.notAfter }),
    subject,
    subjectPublicKeyInfo: spki,
    extensions: new Extensions(extensions),
  });
  const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
  // X.509 carries ECDSA signatures as DER Ecdsa-Sig-Value (RFC 5480 §2.2.3 / RFC 3279 §2.2.3), not r || s.
  const signature = sign('sha384', tbsDer, { key: profile.signingKey, dsaEncoding: 'der' });
  const certificate = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: ECDSA_WITH_SHA384 }),
    signatureValue: toArrayBuffer(signature),
  });
  return new Uint8Array(AsnConvert.serialize(certificate));
}

export { KeyUsageFlags };

function buildName(attributes: readonly (readonly [NameAttribute, string])[]): Name {
  return new Name(attributes.map(([kind, value]) => new RelativeDistinguishedName([
    new AttributeTypeAndValue({
      type: OID[kind],
      // X.520: countryName is a PrintableString; the rest are DirectoryStrings, UTF8String per RFC 5280 §4.1.2.4.
      value: new AttributeValue(kind === 'C' ? { printableString: value } : { utf8String: value }),
    }),
  ])));
}

/** RFC 5280 §4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING contents. */
function keyIdentifier(spki: SubjectPublicKeyInfo): ArrayBuffer {
  return toArrayBuffer(createHash('sha1').update(new Uint8Array(spki.subjectPublicKey)).digest());
}

function extension(extnID: string, critical: boolean, value: object): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** RFC 5280 §4.1.2.2: positive, at most 20 octets; 16 random bytes with the top bit clear and a non-zero lead. */
function randomSerial(): Uint8Array {
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x10;
  return serial;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return Uint8Array.from(bytes).buffer;
}
