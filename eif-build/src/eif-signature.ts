import { X509Certificate, createPrivateKey, sign, verify, type KeyObject } from 'node:crypto';
import { Decoder, Encoder } from 'cbor-x';
import { createError } from '@provenant/protocol';
import { MAX_EIF_PCR_SIGNATURES } from './limits.js';

/*
 * The signature section (aws-nitro-enclaves-image-format `defs::PcrSignature`, `utils::eif_signer`):
 * serde_cbor of Vec<{signing_certificate: Vec<u8>, signature: Vec<u8>}>. serde_cbor writes Vec<u8> as a
 * CBOR array of integers, not a byte string. signing_certificate holds PEM text; signature is an
 * untagged COSE_Sign1 (RFC 9052 §4.2) whose payload is serde_cbor of PcrInfo{register_index: 0,
 * register_value: PCR0 as an integer array}.
 */

export interface PcrSignatureEntry {
  readonly certificatePem: string;
  readonly certificateDer: Uint8Array;
  readonly coseSign1: Uint8Array;
}

const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });
const encoder = new Encoder({ mapsAsObjects: false, useRecords: false, variableMapSize: true, tagUint8Array: false });
/** RFC 9053 §2.1: ES384 is -35; the COSE crate picks it for a P-384 key. */
const COSE_ALG_ES384 = -35;
const PEM_BEGIN = '-----BEGIN CERTIFICATE-----';

function bad(detail: string): never {
  throw createError('PRV_ERR_EIF_BAD_SIGNATURE_SECTION', detail);
}

function integerArrayToBytes(value: unknown, field: string): Uint8Array {
  if (!Array.isArray(value)) bad(`${field} is not an array of integers`);
  const bytes = new Uint8Array(value.length);
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item !== 'number' || !Number.isInteger(item) || item < 0 || item > 255) bad(`${field}[${i}] is not a byte`);
    bytes[i] = item;
  }
  return bytes;
}

/** PEM text -> DER, refusing anything but one CERTIFICATE block (nitro-cli uses X509::from_pem). */
export function certificatePemToDer(pem: string): Uint8Array {
  const trimmed = pem.trim();
  if (!trimmed.startsWith(PEM_BEGIN) || trimmed.indexOf(PEM_BEGIN, 1) !== -1) bad('signing_certificate is not one PEM CERTIFICATE block');
  try {
    return new Uint8Array(new X509Certificate(trimmed).raw);
  } catch {
    return bad('signing_certificate does not parse as an X.509 certificate');
  }
}

export function decodeSignatureSection(bytes: Uint8Array): PcrSignatureEntry[] {
  let value: unknown;
  try {
    value = decoder.decode(bytes);
  } catch {
    bad('not valid CBOR');
  }
  if (!Array.isArray(value) || value.length === 0) bad('expected a non-empty CBOR array');
  if (value.length > MAX_EIF_PCR_SIGNATURES) bad(`more than ${MAX_EIF_PCR_SIGNATURES} PCR signatures`);
  return value.map((entry: unknown, i) => {
    if (!(entry instanceof Map) || entry.size !== 2) bad(`entry ${i} is not a map of two fields`);
    const certificate = integerArrayToBytes(entry.get('signing_certificate'), `entry ${i} signing_certificate`);
    const coseSign1 = integerArrayToBytes(entry.get('signature'), `entry ${i} signature`);
    let certificatePem: string;
    try {
      certificatePem = new TextDecoder('utf-8', { fatal: true }).decode(certificate);
    } catch {
      bad(`entry ${i} signing_certificate is not text`);
    }
    return { certificatePem, certificateDer: certificatePemToDer(certificatePem), coseSign1 };
  });
}

function pcrInfoPayload(pcr0: Uint8Array): Uint8Array {
  return encoder.encode(new Map<string, unknown>([['register_index', 0], ['register_value', Array.from(pcr0)]]));
}

function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  // RFC 9052 §4.4: the signature covers Sig_structure, not the payload alone; external_aad is empty.
  return encoder.encode(['Signature1', protectedBytes, new Uint8Array(0), payload]);
}

/** Builds the section bytes nitro-cli writes for `--signing-certificate` / `--private-key`. */
export function encodeSignatureSection(certificatePem: string, privateKey: KeyObject | string, pcr0: Uint8Array): Uint8Array {
  certificatePemToDer(certificatePem);
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (key.asymmetricKeyType !== 'ec' || curve !== 'secp384r1') {
    throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', 'the signing key must be an EC P-384 private key (ES384)');
  }
  const protectedBytes = encoder.encode(new Map([[1, COSE_ALG_ES384]]));
  const payload = pcrInfoPayload(pcr0);
  const signature = sign('sha384', sigStructure(protectedBytes, payload), { key, dsaEncoding: 'ieee-p1363' });
  const coseSign1 = encoder.encode([protectedBytes, new Map(), payload, new Uint8Array(signature)]);
  const entry = new Map<string, unknown>([
    ['signing_certificate', Array.from(new TextEncoder().encode(certificatePem))],
    ['signature', Array.from(coseSign1)],
  ]);
  return encoder.encode([entry]);
}

/**
 * What `nitro-cli describe-eif` reports as SignatureCheck: the COSE_Sign1 verifies under the
 * certificate's key and its payload names PCR0 with the measured value. Any malformed part is false.
 */
export function checkPcr0Signature(entry: PcrSignatureEntry, pcr0: Uint8Array): boolean {
  try {
    const cose: unknown = decoder.decode(entry.coseSign1);
    if (!Array.isArray(cose) || cose.length !== 4) return false;
    const [protectedBytes, , payload, signature] = cose as unknown[];
    if (!(protectedBytes instanceof Uint8Array) || !(payload instanceof Uint8Array) || !(signature instanceof Uint8Array)) return false;
    const header: unknown = decoder.decode(protectedBytes);
    if (!(header instanceof Map) || header.get(1) !== COSE_ALG_ES384) return false;
    const publicKey = new X509Certificate(Buffer.from(entry.certificateDer)).publicKey;
    const ok = verify('sha384', sigStructure(protectedBytes, payload), { key: publicKey, dsaEncoding: 'ieee-p1363' }, signature);
    return ok && Buffer.from(payload).equals(Buffer.from(pcrInfoPayload(pcr0)));
  } catch {
    return false;
  }
}
