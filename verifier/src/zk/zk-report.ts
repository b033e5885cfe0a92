import type { ErrorCode } from '@provenant/protocol';

/** Stable identifiers of the Groth16 and proof-bundle checks, in the order they run. */
export type ZkCheckId =
  | 'bundle.parse'
  | 'vk.parse'
  | 'proof.parse'
  | 'signals.parse'
  | 'signals.count'
  | 'bundle.vk_digest'
  | 'bundle.signals'
  | 'expected.circuit'
  | 'expected.vk'
  | 'groth16.pairing';

export interface ZkCheck {
  readonly id: ZkCheckId;
  readonly ok: boolean;
  /** Why it passed or failed; for a check that could not run, which check blocked it. */
  readonly reason?: string;
  /** Set on failure: a PRV_ERR_ZK_* code. */
  readonly code?: ErrorCode;
  /** True when an earlier failure kept this check from running (it counts as failed). */
  readonly skipped?: boolean;
}

export interface ZkReport {
  /** True only when every planned check ran and passed. */
  readonly ok: boolean;
  readonly checks: readonly ZkCheck[];
  /** Lowercase hex digest of the verifying key (groth16VerificationKeyDigest), once it parses. */
  readonly vkDigest?: string;
  /** The public signals as decimal strings, once they parse. */
  readonly publicSignals?: readonly string[];
}
