import { sha256 } from '@noble/hashes/sha2.js';
import { createError, leafHash, rootFromInclusionPath, type Receipt } from '@provenant/protocol';
import type { AttestationReport } from '../attestation/attestation-report.js';
import { verifyEcdsa } from '../x509/ecdsa-verify.js';
import { assertDocumentVerified, assertPublicKeyIsSessionKey, equal, short, verifyReceiptDocument } from './attested-document.js';
import type { CheckRunner } from '../report/check-runner.js';
import type { ReceiptCheckId } from './receipt-report.js';
import type { ResolvedReceiptOptions } from './receipt-options.js';
import type { CommonClaims } from './receipt-common-checks.js';

/** Evidence checks per mode (docs/receipts.md §5.3), in report order. */
export const EVIDENCE_CHECKS = {
  session: ['boot.document', 'boot.public_key', 'session.signature', 'claims.ts'],
  attested: ['attestation.document', 'attestation.user_data', 'attestation.nonce', 'attestation.public_key'],
  batched: ['attestation.document', 'batch.inclusion', 'attestation.public_key'],
} as const satisfies Record<Receipt['mode'], readonly ReceiptCheckId[]>;

/**
 * Runs the mode's evidence checks. `claims` is undefined when the claims did not decode; checks that
 * only need the raw claims bytes (signature, user_data, inclusion) still run, so the report says as
 * much as it can. Returns the nested attestation report.
 */
export function runEvidenceChecks(
  runner: CheckRunner<ReceiptCheckId>,
  receipt: Receipt,
  claims: CommonClaims | undefined,
  options: ResolvedReceiptOptions,
): AttestationReport | undefined {
  if (receipt.mode === 'session') return runSessionChecks(runner, receipt, claims, options);
  return runDocumentChecks(runner, receipt, claims, options);
}

function runSessionChecks(
  runner: CheckRunner<ReceiptCheckId>,
  receipt: Receipt,
  claims: CommonClaims | undefined,
  options: ResolvedReceiptOptions,
): AttestationReport | undefined {
  const boot = options.bootDocument === null ? undefined : verifyReceiptDocument(options.bootDocument, options);
  if (boot === undefined) {
    // Fail closed: without the boot document nothing ties the session key to a measured image.
    runner.fail('boot.document', 'PRV_ERR_RECEIPT_BOOT_DOCUMENT_MISSING', 'no boot document given: the session key is not bound to any enclave');
  } else {
    runner.run('boot.document', 'PRV_ERR_ATT_MALFORMED', () => ({ value: true, reason: assertDocumentVerified(boot, 'boot document') }));
  }
  const bootPayload = boot?.payload;
  if (bootPayload === undefined) runner.skip('boot.public_key', 'boot.document');
  else runner.run('boot.public_key', 'PRV_ERR_RECEIPT_KEY_MISMATCH', () => ({ value: true, reason: assertPublicKeyIsSessionKey(bootPayload, receipt.sessionKey, 'boot document') }));

  runner.run('session.signature', 'PRV_ERR_RECEIPT_SIGNATURE', () => {
    const signature = receipt.signature;
    // verifyEcdsa hashes the claims bytes as received with SHA-256 and accepts high-S signatures:
    // node:crypto and FIPS 186-4 ECDSA emit either half, and the claims (not the signature) are what is bound.
    if (signature === undefined || !verifyEcdsa('P-256', receipt.sessionKey, 'ecdsa-with-SHA256', receipt.claimsBytes, signature, 'compact')) {
      throw createError('PRV_ERR_RECEIPT_SIGNATURE', 'ECDSA P-256/SHA-256 signature over the claims bytes does not verify with session_key');
    }
    return { value: true, reason: 'ECDSA P-256/SHA-256 signature over the claims bytes verifies with session_key' };
  });

  if (claims === undefined) runner.skip('claims.ts', 'claims.decode');
  else if (bootPayload === undefined) runner.skip('claims.ts', 'boot.document');
  else {
    runner.run('claims.ts', 'PRV_ERR_RECEIPT_TIME', () => {
      // A session key cannot have signed anything before the boot that created it.
      if (claims.ts < bootPayload.timestampMs) {
        throw createError('PRV_ERR_RECEIPT_TIME', `claims.ts ${iso(claims.ts)} is before the boot document's ${iso(bootPayload.timestampMs)}`);
      }
      return { value: true, reason: `claims.ts ${iso(claims.ts)} is not before the boot document's ${iso(bootPayload.timestampMs)}` };
    });
  }
  return boot?.report;
}

function runDocumentChecks(
  runner: CheckRunner<ReceiptCheckId>,
  receipt: Receipt,
  claims: CommonClaims | undefined,
  options: ResolvedReceiptOptions,
): AttestationReport | undefined {
  const bytes = receipt.attestation;
  if (bytes === undefined) throw createError('PRV_ERR_RECEIPT_MALFORMED', `${receipt.mode} receipt without attestation`); // parseReceipt guarantees it
  const document = verifyReceiptDocument(bytes, options);
  runner.run('attestation.document', 'PRV_ERR_ATT_MALFORMED', () => ({ value: true, reason: assertDocumentVerified(document, 'attestation document') }));
  const payload = document.payload;

  if (receipt.mode === 'attested') {
    if (payload === undefined) runner.skip('attestation.user_data', 'attestation.document');
    else {
      runner.run('attestation.user_data', 'PRV_ERR_RECEIPT_BINDING', () => {
        const expected = sha256(receipt.claimsBytes);
        if (payload.userData === null || !equal(payload.userData, expected)) {
          throw createError('PRV_ERR_RECEIPT_BINDING', `user_data ${payload.userData === null ? 'is absent' : short(payload.userData)}, expected SHA-256(claims) ${short(expected)}`);
        }
        return { value: true, reason: 'user_data is SHA-256 of the claims bytes' };
      });
    }
    if (payload === undefined) runner.skip('attestation.nonce', 'attestation.document');
    else if (claims === undefined) runner.skip('attestation.nonce', 'claims.decode');
    else {
      runner.run('attestation.nonce', 'PRV_ERR_RECEIPT_BINDING', () => {
        const [actual, expected] = [payload.nonce, claims.nonce];
        const same = actual === null || expected === null ? actual === expected : equal(actual, expected);
        if (!same) {
          throw createError('PRV_ERR_RECEIPT_BINDING', `document nonce ${actual === null ? 'is absent' : short(actual)}, claims nonce ${expected === null ? 'is null' : short(expected)}`);
        }
        return { value: true, reason: expected === null ? 'document and claims both have no nonce' : 'document nonce equals claims.nonce' };
      });
    }
  } else {
    if (payload === undefined) runner.skip('batch.inclusion', 'attestation.document');
    else runner.run('batch.inclusion', 'PRV_ERR_RECEIPT_INCLUSION', () => ({ value: true, reason: assertIncluded(receipt, payload.userData) }));
  }

  if (payload === undefined) runner.skip('attestation.public_key', 'attestation.document');
  else runner.run('attestation.public_key', 'PRV_ERR_RECEIPT_KEY_MISMATCH', () => ({ value: true, reason: assertPublicKeyIsSessionKey(payload, receipt.sessionKey, 'attestation document') }));
  return document.report;
}

/** RFC 9162 §2.1.3.2: the audit path from H(0x00 || claims) must reach the root the NSM signed. */
function assertIncluded(receipt: Receipt, userData: Uint8Array | null): string {
  const inclusion = receipt.inclusion;
  if (inclusion === undefined) throw createError('PRV_ERR_RECEIPT_MALFORMED', 'batched receipt without inclusion'); // parseReceipt guarantees it
  const where = `leaf ${inclusion.index} of ${inclusion.size}`;
  const root = rootFromInclusionPath(leafHash(receipt.claimsBytes), inclusion.index, inclusion.size, inclusion.path);
  if (root === undefined) throw createError('PRV_ERR_RECEIPT_INCLUSION', `a path of ${inclusion.path.length} hashes does not fit ${where}`);
  if (userData === null) throw createError('PRV_ERR_RECEIPT_INCLUSION', 'the document has no user_data to hold the batch root');
  if (!equal(root, userData)) throw createError('PRV_ERR_RECEIPT_INCLUSION', `root ${short(root)} from ${where} is not the document's user_data ${short(userData)}`);
  return `${where}: the path leads to the root in user_data`;
}

function iso(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? `${ms} ms` : date.toISOString();
}
