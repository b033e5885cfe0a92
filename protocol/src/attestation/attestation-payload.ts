import { decodeCbor, encodeCbor, type CborLimits } from '../cbor/index.js';
import { createError, isProvenantError } from '../errors/index.js';
import {
  MAX_ATTESTATION_DOCUMENT_BYTES,
  MAX_ATTESTATION_FIELD_BYTES,
  MAX_CABUNDLE_CERTIFICATES,
  MAX_CERTIFICATE_BYTES,
  MAX_PCR_COUNT,
} from '../limits.js';

/** Module ids look like `i-0a22e5c5f24d22174-enc0191cceb4289903f` (39 chars); same ceiling as DescribeNSM. */
export const MAX_MODULE_ID_BYTES = 128;
/** PCR values are SHA-256, SHA-384 or SHA-512 digests (nsm-api `Digest`); Nitro uses SHA-384. */
export const PCR_LENGTHS: readonly number[] = [32, 48, 64];

/**
 * The attestation document payload (aws-nitro-enclaves-nsm-api docs/attestation_process.md §3.2,
 * `AttestationDoc` in src/api/mod.rs). Optional fields are null when absent.
 */
export interface AttestationPayload {
  readonly moduleId: string;
  readonly digest: 'SHA384';
  /** UTC milliseconds since the epoch at which the NSM produced the document. */
  readonly timestampMs: number;
  /** PCR index -> value, in the order the document lists them. */
  readonly pcrs: ReadonlyMap<number, Uint8Array>;
  /** The leaf certificate (DER) whose key signed the document. */
  readonly certificate: Uint8Array;
  /** CA certificates (DER), root first: root -> regional -> zonal -> instance. */
  readonly cabundle: readonly Uint8Array[];
  readonly publicKey: Uint8Array | null;
  readonly userData: Uint8Array | null;
  readonly nonce: Uint8Array | null;
}

/** The payload keys in the order real hardware writes them (serde field declaration order). */
export const ATTESTATION_PAYLOAD_KEYS = [
  'module_id',
  'digest',
  'timestamp',
  'pcrs',
  'certificate',
  'cabundle',
  'public_key',
  'user_data',
  'nonce',
] as const;
const OPTIONAL_KEYS: ReadonlySet<string> = new Set(['public_key', 'user_data', 'nonce']);

/**
 * Flat structure: top map -> pcrs map or cabundle array -> byte strings. Items: 9 keys + 9 values,
 * two per PCR, one per CA certificate, plus slack for the top level.
 */
export const ATTESTATION_PAYLOAD_LIMITS: CborLimits = {
  maxBytes: MAX_ATTESTATION_DOCUMENT_BYTES,
  maxDepth: 3,
  maxItems: 1 + 2 * ATTESTATION_PAYLOAD_KEYS.length + 2 * MAX_PCR_COUNT + MAX_CABUNDLE_CERTIFICATES,
  allowedTags: new Set(),
};

/** Encodes the payload map with the real key order and nulls for absent optional fields. */
export function encodeAttestationPayload(fields: AttestationPayload): Uint8Array {
  const map = new Map<string, unknown>([
    ['module_id', fields.moduleId],
    ['digest', fields.digest],
    ['timestamp', encodableUint(fields.timestampMs)],
    ['pcrs', new Map(fields.pcrs)],
    ['certificate', fields.certificate],
    ['cabundle', [...fields.cabundle]],
    ['public_key', fields.publicKey],
    ['user_data', fields.userData],
    ['nonce', fields.nonce],
  ]);
  return encodeCbor(map);
}

/**
 * cbor-x writes a JS number above 2^32 - 1 as a float64; serde_cbor writes a u64 as major type 0.
 * A bigint makes cbor-x emit the 8-byte unsigned form, which is the minimal one above 2^32 - 1.
 */
function encodableUint(value: number): number | bigint {
  return value > 0xffff_ffff ? BigInt(value) : value;
}

/**
 * Parses and checks a payload from hostile bytes: field types and sizes as AWS's procedure requires
 * (docs/attestation_process.md §3.2.2). Throws PRV_ERR_ATT_MALFORMED naming the field; it checks no
 * signature and no certificate.
 */
export function parseAttestationPayload(bytes: Uint8Array): AttestationPayload {
  let decoded: unknown;
  try {
    decoded = decodeCbor(bytes, ATTESTATION_PAYLOAD_LIMITS);
  } catch (error) {
    if (isProvenantError(error)) throw malformed(`payload: ${error.message}`, error);
    throw error;
  }
  if (!(decoded instanceof Map)) throw malformed('payload is not a map');
  for (const key of decoded.keys()) {
    if (typeof key !== 'string' || !(ATTESTATION_PAYLOAD_KEYS as readonly string[]).includes(key)) {
      throw malformed(`payload has an unknown key ${typeof key === 'string' ? JSON.stringify(key) : String(key)}`);
    }
  }
  const field = (key: (typeof ATTESTATION_PAYLOAD_KEYS)[number]): unknown => {
    if (!decoded.has(key) && !OPTIONAL_KEYS.has(key)) throw malformed(`payload lacks ${key}`);
    return decoded.get(key) ?? null;
  };
  return {
    moduleId: readModuleId(field('module_id')),
    digest: readDigest(field('digest')),
    timestampMs: readTimestamp(field('timestamp')),
    pcrs: readPcrs(field('pcrs')),
    certificate: readBytes(field('certificate'), 'certificate', 1, MAX_CERTIFICATE_BYTES),
    cabundle: readCabundle(field('cabundle')),
    publicKey: readOptionalBytes(field('public_key'), 'public_key'),
    userData: readOptionalBytes(field('user_data'), 'user_data'),
    nonce: readOptionalBytes(field('nonce'), 'nonce'),
  };
}

function readModuleId(value: unknown): string {
  if (typeof value !== 'string') throw malformed('module_id is not text');
  const length = new TextEncoder().encode(value).length;
  if (length === 0 || length > MAX_MODULE_ID_BYTES) {
    throw malformed(`module_id has ${length} bytes, expected 1..${MAX_MODULE_ID_BYTES}`);
  }
  return value;
}

function readDigest(value: unknown): 'SHA384' {
  // The CDDL in attestation_process.md admits only "SHA384" for documents.
  if (value !== 'SHA384') throw malformed('digest is not "SHA384"');
  return value;
}

function readTimestamp(value: unknown): number {
  const number = typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number <= 0) {
    throw malformed('timestamp is not a positive integer of milliseconds');
  }
  return number;
}

function readPcrs(value: unknown): Map<number, Uint8Array> {
  if (!(value instanceof Map)) throw malformed('pcrs is not a map');
  if (value.size < 1 || value.size > MAX_PCR_COUNT) throw malformed(`pcrs has ${value.size} entries, expected 1..${MAX_PCR_COUNT}`);
  const pcrs = new Map<number, Uint8Array>();
  for (const [index, pcr] of value) {
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= MAX_PCR_COUNT) {
      throw malformed(`pcrs has an index that is not an integer 0..${MAX_PCR_COUNT - 1}`);
    }
    if (!(pcr instanceof Uint8Array) || !PCR_LENGTHS.includes(pcr.length)) {
      throw malformed(`pcrs[${index}] is not a byte string of ${PCR_LENGTHS.join('/')} bytes`);
    }
    pcrs.set(index, Uint8Array.from(pcr));
  }
  return pcrs;
}

function readCabundle(value: unknown): Uint8Array[] {
  if (!Array.isArray(value)) throw malformed('cabundle is not an array');
  if (value.length < 1 || value.length > MAX_CABUNDLE_CERTIFICATES) {
    throw malformed(`cabundle has ${value.length} certificates, expected 1..${MAX_CABUNDLE_CERTIFICATES}`);
  }
  return value.map((cert, i) => readBytes(cert, `cabundle[${i}]`, 1, MAX_CERTIFICATE_BYTES));
}

function readOptionalBytes(value: unknown, name: string): Uint8Array | null {
  return value === null ? null : readBytes(value, name, 0, MAX_ATTESTATION_FIELD_BYTES);
}

function readBytes(value: unknown, name: string, min: number, max: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw malformed(`${name} is not a byte string`);
  if (value.length < min || value.length > max) throw malformed(`${name} has ${value.length} bytes, expected ${min}..${max}`);
  return Uint8Array.from(value);
}

function malformed(detail: string, cause?: unknown) {
  return createError('PRV_ERR_ATT_MALFORMED', detail, cause === undefined ? undefined : { cause });
}
