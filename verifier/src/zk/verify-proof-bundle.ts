import { createError } from '@provenant/protocol';
import { runGroth16Checks } from './groth16-verify.js';
import { parseProofBundle, toFieldElement, type ProofBundle } from './proof-bundle.js';
import { CheckRunner } from '../report/check-runner.js';
import type { ZkCheckId, ZkReport } from './zk-report.js';

export interface VerifyProofBundleOptions {
  /** Require this circuit digest (lowercase hex): pins the model, whose weights are circuit constants. */
  readonly expectedCircuitDigest?: string;
  /** Require this verifying-key digest (lowercase hex): pins the setup as well as the circuit. */
  readonly expectedVkDigest?: string;
}

export interface ProofBundleReport extends ZkReport {
  readonly circuitDigest?: string;
  readonly output?: ProofBundle['output'];
  /** Limits of what a passing report proves (e.g. the output is bound only through its commitment). */
  readonly warnings: readonly string[];
}

/**
 * Verifies a proof bundle (docs/zk.md "Proof bundle and verification") against a verifying key: the
 * bundle parses, the key is the one the bundle names, the public signals are the bundle's commitments
 * (and its clear output, when the circuit exposes one), optional pins hold, and the Groth16 equation holds.
 */
export function verifyProofBundle(bundleJson: unknown, vkJson: unknown, options: VerifyProofBundleOptions = {}): ProofBundleReport {
  const runner = new CheckRunner<ZkCheckId>();
  const warnings: string[] = [];
  const bundle = runner.run('bundle.parse', 'PRV_ERR_ZK_BUNDLE_MALFORMED', () => ({
    value: parseProofBundle(bundleJson),
    reason: 'provenant.zk-proof.v1 with digests, commitments and output',
  }));
  if (bundle === undefined) {
    (['vk.parse', 'proof.parse', 'signals.parse', 'signals.count', 'bundle.vk_digest', 'bundle.signals', 'groth16.pairing'] as const).forEach((id) =>
      runner.skip(id, 'bundle.parse'),
    );
    return { ok: false, checks: runner.checks, warnings };
  }
  const parsed = runGroth16Checks(runner, vkJson, bundle.proof, bundle.publicSignals, (vk, vkDigest) => {
    if (vkDigest === undefined) runner.skip('bundle.vk_digest', 'vk.parse');
    else {
      runner.run('bundle.vk_digest', 'PRV_ERR_ZK_VK_MISMATCH', () => {
        if (vkDigest !== bundle.vkDigest) throw createError('PRV_ERR_ZK_VK_MISMATCH', `the key's digest is ${vkDigest}, the bundle names ${bundle.vkDigest}`);
        return { value: true, reason: `key digest ${vkDigest}` };
      });
    }
    if (vk === undefined || !Array.isArray(bundle.publicSignals)) runner.skip('bundle.signals', vk === undefined ? 'vk.parse' : 'signals.parse');
    else runner.run('bundle.signals', 'PRV_ERR_ZK_SIGNALS_MISMATCH', () => ({ value: true, reason: checkSignals(bundle, warnings) }));
    if (options.expectedCircuitDigest !== undefined) {
      const expected = options.expectedCircuitDigest;
      runner.run('expected.circuit', 'PRV_ERR_ZK_CIRCUIT_MISMATCH', () => {
        if (expected !== bundle.circuitDigest) throw createError('PRV_ERR_ZK_CIRCUIT_MISMATCH', `bundle circuit ${bundle.circuitDigest}, expected ${expected}`);
        return { value: true, reason: 'circuit digest as pinned' };
      });
    } else {
      warnings.push('no circuit digest pinned: the proof is about whichever circuit (model) the verifying key belongs to');
    }
    if (options.expectedVkDigest !== undefined) {
      const expected = options.expectedVkDigest;
      runner.run('expected.vk', 'PRV_ERR_ZK_VK_MISMATCH', () => {
        if (expected !== vkDigest) throw createError('PRV_ERR_ZK_VK_MISMATCH', `key digest ${vkDigest ?? '(unparsed)'}, expected ${expected}`);
        return { value: true, reason: 'verifying key digest as pinned' };
      });
    }
  });
  return { ok: runner.allPassed(), checks: runner.checks, ...parsed, circuitDigest: bundle.circuitDigest, output: bundle.output, warnings };
}

/** The circuit's public outputs are [inputCommitment, outputCommitment, ...clear output] (docs/zk.md). */
function checkSignals(bundle: ProofBundle, warnings: string[]): string {
  const signals = bundle.publicSignals as unknown[];
  const mismatch = (why: string): never => {
    throw createError('PRV_ERR_ZK_SIGNALS_MISMATCH', why);
  };
  if (signals[0] !== bundle.inputCommitment) mismatch('publicSignals[0] is not the bundle inputCommitment');
  if (signals[1] !== bundle.outputCommitment) mismatch('publicSignals[1] is not the bundle outputCommitment');
  const clear = signals.length - 2;
  if (clear === 0) {
    warnings.push('the circuit keeps its output private: bundle.output is bound to the proof only through outputCommitment (check it with the salt)');
    return 'commitments match; output not in the clear';
  }
  if (clear !== bundle.output.quantized.length) mismatch(`${clear} clear output signals, bundle.output holds ${bundle.output.quantized.length}`);
  bundle.output.quantized.forEach((value, i) => {
    if (String(toFieldElement(BigInt(value))) !== signals[i + 2]) mismatch(`bundle.output.quantized[${i}] differs from publicSignals[${i + 2}]`);
  });
  return `commitments and ${clear} clear output values match`;
}
