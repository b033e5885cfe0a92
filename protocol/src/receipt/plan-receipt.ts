import { createError } from '../errors/index.js';
import { MAX_PLAN_SEGMENTS } from '../plan/index.js';
import { MAX_PLAN_CLAIMS_BYTES } from './plan-claims.js';
import { parseEvidence, receiptObject, type Receipt, type ReceiptJson } from './receipt.js';

/** Receipts of inferences run under a proof plan (docs/receipts.md §7). */
export const PLAN_RECEIPT_FORMAT = 'provenant.receipt.v2';

/** Receipt ids are 16 random bytes in lowercase hex: what GET /v1/receipts/{id} takes. */
export const RECEIPT_ID_PATTERN = /^[0-9a-f]{32}$/;
/** snarkjs' proof.json is about 700 bytes of JSON; a verifying key with two public signals about 3 KB. */
export const MAX_PROOF_JSON_CHARS = 4096;
export const MAX_VERIFICATION_KEY_JSON_CHARS = 16 * 1024;
/** Error messages carried in a failed proof entry. */
export const MAX_PROOF_ERROR_CHARS = 512;

export type SegmentProofJson =
  | { readonly status: 'pending' }
  | {
      readonly status: 'proven';
      /** snarkjs' proof.json. */
      readonly proof: Record<string, unknown>;
      /** Decimal field elements: [input commitment, output commitment]. */
      readonly public_signals: readonly string[];
      /** snarkjs' verification_key.json. */
      readonly verification_key: Record<string, unknown>;
    }
  | { readonly status: 'failed'; readonly error: { readonly code: string; readonly message: string } };

export interface PlanReceiptJson extends Omit<ReceiptJson, 'format'> {
  readonly format: typeof PLAN_RECEIPT_FORMAT;
  readonly id: string;
  /** One entry per plan segment: null for tee segments, the proof's state for zk segments. */
  readonly proofs: readonly (SegmentProofJson | null)[];
  /** Salts of cuts[0] and cuts[n] (decimal), so whoever holds the inputs or outputs can open them. */
  readonly openings: { readonly input_salt: string | null; readonly output_salt: string | null };
}

export interface PlanReceipt extends Receipt {
  readonly id: string;
  readonly proofs: readonly (SegmentProofJson | null)[];
  readonly openings: { readonly inputSalt: bigint | null; readonly outputSalt: bigint | null };
}

/** True once no zk segment's proof is pending. */
export function planReceiptSettled(receipt: Pick<PlanReceiptJson, 'proofs'>): boolean {
  return receipt.proofs.every((entry) => entry === null || entry.status !== 'pending');
}

/**
 * Parses untrusted plan-receipt JSON: the evidence as for v1, plus the id, the proof entries and the
 * openings, each shape- and size-checked. Which entries must be null follows from the claims' plan: the
 * verifier checks that; the proofs and keys themselves are parsed by the verifier's Groth16 code.
 */
export function parsePlanReceipt(value: unknown): PlanReceipt {
  const json = receiptObject(value, PLAN_RECEIPT_FORMAT);
  const evidence = parseEvidence(json, ['id', 'proofs', 'openings'], MAX_PLAN_CLAIMS_BYTES);
  const id = json.id;
  if (typeof id !== 'string' || !RECEIPT_ID_PATTERN.test(id)) throw invalid('id must be 32 lowercase hex digits');
  const proofs = json.proofs;
  if (!Array.isArray(proofs) || proofs.length < 1 || proofs.length > MAX_PLAN_SEGMENTS) throw invalid(`proofs must list 1 to ${MAX_PLAN_SEGMENTS} entries`);
  return {
    ...evidence,
    id,
    proofs: proofs.map((entry: unknown, i) => parseProofEntry(entry, `proofs[${i}]`)),
    openings: parseOpenings(json.openings),
  };
}

function parseProofEntry(value: unknown, where: string): SegmentProofJson | null {
  if (value === null) return null;
  const entry = object(value, where);
  switch (entry.status) {
    case 'pending':
      exactKeys(entry, ['status'], where);
      return { status: 'pending' };
    case 'failed': {
      exactKeys(entry, ['status', 'error'], where);
      const error = object(entry.error, `${where}.error`);
      exactKeys(error, ['code', 'message'], `${where}.error`);
      if (typeof error.code !== 'string' || !/^PRV_ERR_[A-Z0-9_]{1,64}$/.test(error.code)) throw invalid(`${where}.error.code must be an error code`);
      if (typeof error.message !== 'string' || error.message.length > MAX_PROOF_ERROR_CHARS) throw invalid(`${where}.error.message must be text of at most ${MAX_PROOF_ERROR_CHARS} chars`);
      return { status: 'failed', error: { code: error.code, message: error.message } };
    }
    case 'proven': {
      exactKeys(entry, ['status', 'proof', 'public_signals', 'verification_key'], where);
      const signals = entry.public_signals;
      if (!Array.isArray(signals) || signals.length !== 2 || !signals.every((s) => typeof s === 'string' && s.length <= 80)) {
        throw invalid(`${where}.public_signals must be two decimal strings`);
      }
      return {
        status: 'proven',
        proof: boundedObject(entry.proof, `${where}.proof`, MAX_PROOF_JSON_CHARS),
        public_signals: [...(signals as string[])],
        verification_key: boundedObject(entry.verification_key, `${where}.verification_key`, MAX_VERIFICATION_KEY_JSON_CHARS),
      };
    }
    default:
      throw invalid(`${where}.status must be pending, proven or failed`);
  }
}

function parseOpenings(value: unknown): PlanReceipt['openings'] {
  const openings = object(value, 'openings');
  exactKeys(openings, ['input_salt', 'output_salt'], 'openings');
  return { inputSalt: salt(openings.input_salt, 'openings.input_salt'), outputSalt: salt(openings.output_salt, 'openings.output_salt') };
}

function salt(value: unknown, where: string): bigint | null {
  if (value === null) return null;
  // Salts are field elements below 2^254: at most 77 decimal digits.
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,76})$/.test(value)) throw invalid(`${where} must be null or a canonical decimal`);
  return BigInt(value);
}

function boundedObject(value: unknown, where: string, maxChars: number): Record<string, unknown> {
  const json = object(value, where);
  if (JSON.stringify(json).length > maxChars) throw invalid(`${where} is over ${maxChars} JSON chars`);
  return json;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${where} must be an object`);
  return value as Record<string, unknown>;
}

function exactKeys(json: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const key of Object.keys(json)) if (!keys.includes(key)) throw invalid(`${where} has unexpected field ${key.slice(0, 32)}`);
  for (const key of keys) if (!Object.hasOwn(json, key)) throw invalid(`${where} needs ${key}`);
}

function invalid(detail: string): Error {
  return createError('PRV_ERR_RECEIPT_MALFORMED', detail);
}
