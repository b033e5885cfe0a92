import type { VerificationCheck } from '../report/check-runner.js';

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

/** One step of a proof verification; failed or skipped steps carry a PRV_ERR_ZK_* code. */
export type ZkCheck = VerificationCheck<ZkCheckId>;

export interface ZkReport {
  /** True only when every planned check ran and passed. */
  readonly ok: boolean;
  readonly checks: readonly ZkCheck[];
  /** Lowercase hex digest of the verifying key (groth16VerificationKeyDigest), once it parses. */
  readonly vkDigest?: string;
  /** The public signals as decimal strings, once they parse. */
  readonly publicSignals?: readonly string[];
}
