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
  | 'expected.nonce'
  // §7.3: plan receipts only
  | 'plan.segments'
  | `proof[${number}].status`
  | `proof[${number}].verification_key`
  | `proof[${number}].public_signals`
  | `proof[${number}].groth16`
  | 'expected.plan'
  | 'opening.input'
  | 'opening.output';

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

/**
 * What backs one segment of a plan receipt, in words a reader can act on (docs/receipts.md §7.3):
 * - `hardware-attested`: a `tee` segment, and the enclave evidence (steps 1-3) verified;
 * - `zero-knowledge-proven`: a `zk` segment whose Groth16 proof verified with the claimed commitments;
 * - `proof-pending`: the enclave is still proving it (verified only with allowPending, and then not proven);
 * - `proof-failed`: the enclave reported that proving failed;
 * - `not-verified`: some check this segment rests on failed or could not run.
 */
export type SegmentEvidence = 'hardware-attested' | 'zero-knowledge-proven' | 'proof-pending' | 'proof-failed' | 'not-verified';

export interface PlanSegmentView {
  readonly index: number;
  readonly mode: 'tee' | 'zk';
  /** The plan's cut: the tensor the segment ends at, or "@end". */
  readonly until: string;
  readonly evidence: SegmentEvidence;
  /** SHA-256 of the segment's ONNX bytes, hex. */
  readonly segment: string;
  /** zk segments: SHA-256 of the circuit's .r1cs, and the verifying-key digest the claims name. */
  readonly circuit?: string;
  readonly verificationKey?: string;
  readonly scaleBits?: number;
  readonly bitWidth?: number;
}

export interface PlanReportView {
  /** The plan in canonical JSON, as the claims state it. */
  readonly plan: string;
  readonly segments: readonly PlanSegmentView[];
  /** cuts[i] as decimal field elements (as public signals write them), null where the cut rule puts none. */
  readonly cuts: readonly (string | null)[];
  /** The enclave's handle for GET /v1/receipts/{id}. */
  readonly id: string;
}

export interface ReceiptReport {
  /** True only when every planned check ran and passed (pending proofs excepted under allowPending). */
  readonly ok: boolean;
  /** The receipt's format, once it is known (provenant.receipt.v1 or provenant.receipt.v2). */
  readonly format?: string;
  /** Plan receipts: per segment, what backs it; present once the claims decode. */
  readonly plan?: PlanReportView;
  /** Plan receipts: indices of zk segments whose proof is still pending. */
  readonly pendingSegments?: readonly number[];
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
