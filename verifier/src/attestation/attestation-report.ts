import type { VerificationCheck } from '../report/check-runner.js';

/** Stable identifiers of the checks, in the order they run. */
export type AttestationCheckId =
  | 'cose.structure'
  | 'cose.alg'
  | 'payload.fields'
  | 'certificates.parse'
  | 'chain.root'
  | 'chain.path'
  | 'chain.validity'
  | 'cose.signature'
  | 'pcr0.debug'
  | 'pcrs.expected'
  | 'user_data.expected'
  | 'nonce.expected'
  | 'public_key.expected';

/** One step of the verification; failed or skipped steps carry a code (see docs/errors.md). */
export type AttestationCheck = VerificationCheck<AttestationCheckId>;

export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly notBefore: string;
  readonly notAfter: string;
}

/** The decoded document in JSON-friendly form: byte fields as lower-case hex. */
export interface AttestationDocumentView {
  readonly tagged: boolean;
  readonly moduleId: string;
  readonly digest: string;
  readonly timestampMs: number;
  /** ISO 8601 of timestampMs. */
  readonly timestamp: string;
  /** PCR index (decimal string) -> hex. */
  readonly pcrs: Readonly<Record<string, string>>;
  readonly publicKey: string | null;
  readonly userData: string | null;
  readonly nonce: string | null;
  /** Chain order: root first, then each cabundle CA, then the leaf. Empty when certificates do not parse. */
  readonly certificates: readonly CertificateSummary[];
}

export interface AttestationReport {
  /** True only when every check ran and passed. */
  readonly ok: boolean;
  /** ISO 8601 of the instant certificates were checked at. */
  readonly verifiedAt: string;
  readonly checks: readonly AttestationCheck[];
  /** Present once the payload decodes. */
  readonly document?: AttestationDocumentView;
}
