import { bytesToHex } from '@noble/hashes/utils.js';
import { createError, type AttestationPayload, type ErrorCode } from '@provenant/protocol';
import { decodeAttestationDocument } from '../attestation/decode-attestation-document.js';
import type { AttestationReport } from '../attestation/attestation-report.js';
import { verifyAttestationDocument } from '../attestation/verify-attestation.js';
import type { ResolvedReceiptOptions } from './receipt-options.js';

/** One attestation document a receipt rests on: its nested report, and its payload when it decodes. */
export interface AttestedDocument {
  readonly report: AttestationReport;
  /** Decoded fields, present whenever the bytes decode (even if the document does not verify). */
  readonly payload: AttestationPayload | undefined;
}

/**
 * Verifies a document with the receipt's pins. Certificates are checked at `options.at` when the caller
 * set it, otherwise at the document's own timestamp (docs/receipts.md §5.3): leaves live about three
 * hours, receipts are kept for years, and the signature over the timestamp is what dates the document.
 */
export function verifyReceiptDocument(bytes: Uint8Array, options: ResolvedReceiptOptions): AttestedDocument {
  let payload: AttestationPayload | undefined;
  try {
    payload = decodeAttestationDocument(bytes).payload;
  } catch {
    payload = undefined; // verifyAttestationDocument below reports exactly what is wrong.
  }
  let at = options.at;
  if (at === null && payload !== undefined) {
    at = new Date(payload.timestampMs);
    // A timestamp beyond the Date range (±8.64e15 ms) cannot be a real document's; fall back so the
    // report still shows every check, with the chain checked now.
    if (Number.isNaN(at.getTime())) at = null;
  }
  const report = verifyAttestationDocument(bytes, {
    root: options.rootDer,
    ...(options.expectedPcrs === undefined ? {} : { expectedPcrs: options.expectedPcrs }),
    allowDebug: options.allowDebug,
    ...(at === null ? {} : { at }),
  });
  return { report, payload };
}

/** Throws the failing nested check's own code, so a report names e.g. PRV_ERR_ATT_ROOT_MISMATCH. */
export function assertDocumentVerified(document: AttestedDocument, what: string): string {
  const { report } = document;
  if (report.ok) {
    return `${what} verifies at ${report.verifiedAt} (${report.checks.length} checks${document.payload === undefined ? '' : `, module ${document.payload.moduleId}`})`;
  }
  const failed = report.checks.filter((check) => !check.ok);
  const first = failed[0];
  const code: ErrorCode = first?.code ?? 'PRV_ERR_ATT_MALFORMED';
  const list = failed.map((check) => `${check.id}${check.skipped === true ? ' (not run)' : `: ${check.reason ?? 'failed'}`}`).join('; ');
  throw createError(code, `${what} does not verify: ${list}`);
}

/** The document's public_key must be the receipt's session key (docs/receipts.md §5.3, every mode). */
export function assertPublicKeyIsSessionKey(payload: AttestationPayload, sessionKey: Uint8Array, what: string): string {
  const key = payload.publicKey;
  if (key === null) throw createError('PRV_ERR_RECEIPT_KEY_MISMATCH', `${what} has no public_key`);
  if (!equal(key, sessionKey)) {
    throw createError('PRV_ERR_RECEIPT_KEY_MISMATCH', `${what} public_key ${short(key)} is not the receipt's session key ${short(sessionKey)}`);
  }
  return `${what} public_key is the session key`;
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

export function short(bytes: Uint8Array): string {
  const hex = bytesToHex(bytes);
  return hex.length > 24 ? `${hex.slice(0, 24)}...` : hex;
}
