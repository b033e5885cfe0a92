import { createError } from '@provenant/protocol';
import { assertKeys, assertRecord, BN254_SCALAR_MODULUS, parseDecimal, parseG1, parseG2, type G1Point, type G2Point } from './bn254-json.js';
import { MAX_ZK_PUBLIC_SIGNALS } from './zk-limits.js';

/** A Groth16 proof (A, B, C) parsed from snarkjs' `proof.json`. */
export interface Groth16Proof {
  readonly a: G1Point;
  readonly b: G2Point;
  readonly c: G1Point;
}

const PROOF_KEYS = ['pi_a', 'pi_b', 'pi_c', 'protocol', 'curve'] as const;
const POINT = { code: 'PRV_ERR_ZK_PROOF_MALFORMED', pointCode: 'PRV_ERR_ZK_POINT_INVALID', allowIdentity: false } as const;

/**
 * Strict: exactly snarkjs' five fields, affine points on their curves and in their subgroups. The
 * identity is refused for A, B and C: an honest prover hits it with negligible probability, and the
 * pairing library rejects it anyway.
 */
export function parseGroth16Proof(json: unknown): Groth16Proof {
  const record = assertRecord(json, 'proof', POINT.code);
  assertKeys(record, PROOF_KEYS, 'proof', POINT.code);
  if (record['protocol'] !== 'groth16') throw createError(POINT.code, 'proof.protocol must be "groth16"');
  if (record['curve'] !== 'bn128') throw createError(POINT.code, 'proof.curve must be "bn128" (BN254)');
  return {
    a: parseG1(record['pi_a'], 'proof.pi_a', POINT),
    b: parseG2(record['pi_b'], 'proof.pi_b', POINT),
    c: parseG1(record['pi_c'], 'proof.pi_c', POINT),
  };
}

/**
 * Public signals as snarkjs writes them: canonical decimals strictly below the scalar field modulus r.
 * A signal >= r would alias a smaller one (snarkjs' own verifier reduces it silently), so it is refused.
 */
export function parsePublicSignals(json: unknown): readonly bigint[] {
  const code = 'PRV_ERR_ZK_PUBLIC_SIGNALS_MALFORMED';
  if (!Array.isArray(json)) throw createError(code, 'public signals must be an array of decimal strings');
  if (json.length > MAX_ZK_PUBLIC_SIGNALS) {
    throw createError(code, `${json.length} public signals exceed MAX_ZK_PUBLIC_SIGNALS (${MAX_ZK_PUBLIC_SIGNALS})`);
  }
  return json.map((value, i) => parseDecimal(value, `publicSignals[${i}]`, BN254_SCALAR_MODULUS, code));
}
