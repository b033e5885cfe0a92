import type { VerificationCheck } from '../report/check-runner.js';
import type { ReceiptMode } from '@provenant/protocol';
import type { AttestationReport } from '../attestation/attestation-report.js';

/**
 * Stable identifiers of the receipt checks (docs/receipts.md §5), in the order they run. Which ones a
 * report holds depends on the mode and on the expectations the caller passed.
 */
export type ReceiptCheckId =
  // §5.1-2: every mode
  | 'receipt.parse'
  | 'claims.decode'
  | 'claims.mode'
  | 'claims.key'
  // §5.3 session
  | 'boot.document'
  | 'boot.public_key'
  | 'session.signature'
  | 'claims.ts'
  // §5.3 attested and batched
  | 'attestation.document'
  | 'attestation.user_data'
  | 'attestation.nonce'
  | 'batch.inclusion'
  | 'attestation.public_key'
  // §5.4: only when the caller asks
  | 'expected.model'
  | 'expected.input'
  | 'expected.output'
  | 'expected.nonce';

/** One step of the verification; failed or skipped steps carry a code (see docs/errors.md). */
export type ReceiptCheck = VerificationCheck<ReceiptCheckId>;

/** The decoded claims in JSON-friendly form: digests and the nonce as lowercase hex. */
export interface ReceiptClaimsView {
  readonly v: number;
  readonly mode: ReceiptMode;
  readonly model: string;
  readonly input: string;
  readonly output: string;
  readonly nonce: string | null;
  readonly ts: number;
  /** ISO 8601 of ts. */
  readonly time: string;
  readonly seq: number;
  readonly key: string;
}

export interface ReceiptReport {
  /** True only when every planned check ran and passed. */
  readonly ok: boolean;
  /** The receipt's mode, once the receipt parses. */
  readonly mode?: ReceiptMode;
  readonly checks: readonly ReceiptCheck[];
  /** Present once the claims decode. */
  readonly claims?: ReceiptClaimsView;
  /**
   * The nested report of the attestation document the evidence rests on: the boot document in session
   * mode, the receipt's own document in attested and batched modes.
   */
  readonly attestation?: AttestationReport;
  /**
   * Things that do not fail the receipt but limit what it proves, e.g. no PCRs were pinned, so any
   * enclave image is accepted.
   */
  readonly warnings: readonly string[];
}
