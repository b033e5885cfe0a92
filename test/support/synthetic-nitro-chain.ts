import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier,
  BasicConstraints,
  Certificate,
  Extension,
  Extensions,
  KeyUsage,
  SubjectPublicKeyInfo,
  id_ce_basicConstraints,
  id_ce_keyUsage,
} from '@peculiar/asn1-x509';
import { decodeCoseSign1, encodeAttestationPayload, encodeCoseSign1, parseAttestationPayload, sigStructure } from '@provenant/protocol';
import { nitroDocument, nitroVector } from './nitro-vectors.js';

/** How to alter one certificate of the chain (path index: 0 root, 1 regional, 2 zonal, 3 instance, 4 leaf). */
export interface CertificateTweak {
  readonly ca?: boolean;
  /** null removes the constraint. */
  readonly pathLen?: number | null;
  readonly keyUsage?: number;
  readonly unknownCriticalExtension?: boolean;
  /** Replace the issuer name with this path index's subject. */
  readonly issuerFrom?: number;
  readonly curve?: 'P-256';
}

const SIGNATURE_OIDS = { 'P-256': '1.2.840.10045.4.3.2', 'P-384': '1.2.840.10045.4.3.3' } as const;
const HASHES = { 'P-256': 'sha256', 'P-384': 'sha384' } as const;

/**
 * Re-keys and re-signs the real evervault chain with fresh keys (so the structure, names and validity
 * stay AWS's) after applying `tweaks`, then re-signs the document with the new leaf. The result
 * verifies against the returned root unless a tweak breaks a rule, which lets tests aim at one chain
 * rule at a time.
 */
export function synthesizeNitroDocument(tweaks: Readonly<Record<number, CertificateTweak>> = {}) {
  const vector = nitroVector('nitro-2022-10-evervault.cbor');
  const cose = decodeCoseSign1(nitroDocument(vector.file));
  const payload = parseAttestationPayload(cose.payloadBytes);
  const templates = [...payload.cabundle, payload.certificate].map((der) => AsnConvert.parse(der, Certificate));
  const keys: { privateKey: KeyObject; curve: 'P-256' | 'P-384' }[] = [];
  const ders: Uint8Array[] = [];
  for (const [i, cert] of templates.entries()) {
    const tweak = tweaks[i] ?? {};
    const curve = tweak.curve ?? 'P-384';
    const pair = generateKeyPairSync('ec', { namedCurve: curve === 'P-256' ? 'prime256v1' : 'secp384r1' });
    keys.push({ privateKey: pair.privateKey, curve });
    const tbs = cert.tbsCertificate;
    tbs.subjectPublicKeyInfo = AsnConvert.parse(pair.publicKey.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
    if (tweak.issuerFrom !== undefined) tbs.issuer = (templates[tweak.issuerFrom] as Certificate).tbsCertificate.subject;
    tbs.extensions = new Extensions((tbs.extensions ?? []).map((extension) => applyTweak(extension, tweak)));
    if (tweak.unknownCriticalExtension === true) {
      tbs.extensions.push(new Extension({ extnID: '1.3.6.1.4.1.55555.1', critical: true, extnValue: new OctetString(Uint8Array.of(5, 0)) }));
    }
    const signer = keys[i === 0 ? 0 : i - 1] as (typeof keys)[number];
    const algorithm = new AlgorithmIdentifier({ algorithm: SIGNATURE_OIDS[signer.curve] });
    tbs.signature = algorithm;
    const tbsDer = new Uint8Array(AsnConvert.serialize(tbs));
    const signature = sign(HASHES[signer.curve], tbsDer, { key: signer.privateKey, dsaEncoding: 'der' });
    const signed = new Certificate({ tbsCertificate: tbs, signatureAlgorithm: algorithm, signatureValue: new Uint8Array(signature).buffer });
    ders.push(new Uint8Array(AsnConvert.serialize(signed)));
  }
  const leafKey = keys[keys.length - 1] as (typeof keys)[number];
  const payloadBytes = encodeAttestationPayload({ ...payload, cabundle: ders.slice(0, -1), certificate: ders[ders.length - 1] as Uint8Array });
  const toBeSigned = sigStructure(cose.protectedBytes, payloadBytes);
  const signature = sign(HASHES[leafKey.curve], toBeSigned, { key: leafKey.privateKey, dsaEncoding: 'ieee-p1363' });
  const document = encodeCoseSign1({ protected: cose.protectedHeader, unprotected: new Map(), payload: payloadBytes, signature });
  return { document, root: ders[0] as Uint8Array, at: new Date(vector.timestamp_ms) };
}

function applyTweak(extension: Extension, tweak: CertificateTweak): Extension {
  if (extension.extnID === id_ce_basicConstraints && (tweak.ca !== undefined || tweak.pathLen !== undefined)) {
    const current = AsnConvert.parse(extension.extnValue, BasicConstraints);
    const ca = tweak.ca ?? current.cA;
    const pathLen = tweak.pathLen === undefined ? current.pathLenConstraint : tweak.pathLen ?? undefined;
    const value = new BasicConstraints({ cA: ca, ...(pathLen === undefined ? {} : { pathLenConstraint: pathLen }) });
    return new Extension({ extnID: extension.extnID, critical: extension.critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  }
  if (extension.extnID === id_ce_keyUsage && tweak.keyUsage !== undefined) {
    const value = new KeyUsage(tweak.keyUsage);
    return new Extension({ extnID: extension.extnID, critical: extension.critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
  }
  return extension;
}
