import { bn254 } from '@noble/curves/bn254.js';
import { createError } from '@provenant/protocol';
import type { G1Point } from './bn254-json.js';
import { parseGroth16Proof, parsePublicSignals, type Groth16Proof } from './groth16-proof.js';
import { groth16VerificationKeyDigest, parseGroth16VerificationKey, type Groth16VerificationKey } from './groth16-verification-key.js';
import { CheckRunner } from '../report/check-runner.js';
import type { ZkCheckId, ZkReport } from './zk-report.js';

/**
 * Checks e(A, B) = e(alpha, beta) * e(vk_x, gamma) * e(C, delta) with vk_x = IC[0] + sum(s_i * IC[i+1])
 * (Groth16, EUROCRYPT 2016, §3.2), as one product of four Miller loops and a single final exponentiation:
 * e(-A, B) * e(alpha, beta) * e(vk_x, gamma) * e(C, delta) = 1 in GT.
 * Inputs are already parsed, so every point is on its curve and in its subgroup and every signal is < r.
 */
export function groth16PairingHolds(vk: Groth16VerificationKey, proof: Groth16Proof, signals: readonly bigint[]): boolean {
  if (signals.length !== vk.nPublic) throw createError('PRV_ERR_ZK_PUBLIC_SIGNALS_MALFORMED', 'signal count differs from vk.nPublic');
  let vkX: G1Point = vk.ic[0] as G1Point;
  signals.forEach((signal, i) => {
    // multiplyUnsafe accepts 0 (plain multiply refuses it); the scalar is public, so constant time is moot.
    vkX = vkX.add((vk.ic[i + 1] as G1Point).multiplyUnsafe(signal));
  });
  const pairs = [
    { g1: proof.a.negate(), g2: proof.b },
    { g1: vk.alpha, g2: vk.beta },
    { g1: proof.c, g2: vk.delta },
  ];
  // e(O, gamma) = 1: the identity contributes nothing, and the pairing library refuses it as input.
  if (!vkX.is0()) pairs.push({ g1: vkX, g2: vk.gamma });
  const { Fp12 } = bn254.fields;
  return Fp12.eql(bn254.pairingBatch(pairs), Fp12.ONE);
}

/**
 * Verifies a snarkjs Groth16 proof from its three JSON documents (verification_key.json, proof.json,
 * public.json, already JSON-parsed). Never throws for bad input: each step is a check in the report.
 */
export function verifyGroth16(vkJson: unknown, proofJson: unknown, publicSignalsJson: unknown): ZkReport {
  const runner = new CheckRunner<ZkCheckId>();
  const parsed = runGroth16Checks(runner, vkJson, proofJson, publicSignalsJson);
  return { ok: runner.allPassed(), checks: runner.checks, ...parsed };
}

/** The shared core of verifyGroth16 and verifyProofBundle; extra checks run between parsing and the pairing. */
export function runGroth16Checks(
  runner: CheckRunner<ZkCheckId>,
  vkJson: unknown,
  proofJson: unknown,
  publicSignalsJson: unknown,
  between?: (vk: Groth16VerificationKey | undefined, vkDigest: string | undefined) => void,
): { vkDigest?: string; publicSignals?: readonly string[] } {
  const vk = runner.run('vk.parse', 'PRV_ERR_ZK_VK_MALFORMED', () => {
    const value = parseGroth16VerificationKey(vkJson);
    return { value, reason: `Groth16 BN254 verifying key for ${value.nPublic} public signals` };
  });
  const vkDigest = vk === undefined ? undefined : groth16VerificationKeyDigest(vk);
  const proof = runner.run('proof.parse', 'PRV_ERR_ZK_PROOF_MALFORMED', () => ({
    value: parseGroth16Proof(proofJson),
    reason: 'A, C in G1 and B in G2, affine, not the identity',
  }));
  const signals = runner.run('signals.parse', 'PRV_ERR_ZK_PUBLIC_SIGNALS_MALFORMED', () => {
    const value = parsePublicSignals(publicSignalsJson);
    return { value, reason: `${value.length} canonical decimals below the scalar field modulus` };
  });
  let countOk = false;
  if (vk === undefined || signals === undefined) runner.skip('signals.count', vk === undefined ? 'vk.parse' : 'signals.parse');
  else {
    countOk =
      runner.run('signals.count', 'PRV_ERR_ZK_PUBLIC_SIGNALS_MALFORMED', () => {
        if (signals.length !== vk.nPublic) {
          throw createError('PRV_ERR_ZK_PUBLIC_SIGNALS_MALFORMED', `${signals.length} public signals, the vk expects ${vk.nPublic}`);
        }
        return { value: true, reason: `${signals.length} signals as the vk expects` };
      }) === true;
  }
  between?.(vk, vkDigest);
  if (vk === undefined || proof === undefined || signals === undefined || !countOk) {
    runner.skip('groth16.pairing', vk === undefined ? 'vk.parse' : proof === undefined ? 'proof.parse' : signals === undefined ? 'signals.parse' : 'signals.count');
  } else {
    runner.run('groth16.pairing', 'PRV_ERR_ZK_PROOF_INVALID', () => {
      if (!groth16PairingHolds(vk, proof, signals)) {
        throw createError('PRV_ERR_ZK_PROOF_INVALID', 'e(A,B) != e(alpha,beta) * e(vk_x,gamma) * e(C,delta)');
      }
      return { value: true, reason: 'e(A,B) = e(alpha,beta) * e(vk_x,gamma) * e(C,delta)' };
    });
  }
  return {
    ...(vkDigest === undefined ? {} : { vkDigest }),
    ...(signals === undefined ? {} : { publicSignals: signals.map(String) }),
  };
}
