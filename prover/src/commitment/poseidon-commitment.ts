import { createError } from '@provenant/protocol';
import { BN254_PRIME, fmod } from '../field/bn254-field.js';
import { poseidonParams } from './poseidon-params.js';

/**
 * The commitment to a tensor (docs/zk.md §Commitments), identical in and out of the circuit:
 *   h_0     = Poseidon3(COMMITMENT_DOMAIN_TAG, n, salt)
 *   h_{i+1} = Poseidon16(h_i, x_{15i}, ..., x_{15i+14})   (the last chunk zero-padded)
 *   commitment = h_ceil(n/15)
 * Elements are signed integers embedded in the field (x mod p). n in the first block makes the zero
 * padding unambiguous; the secret salt hides low-entropy tensors from a brute-force guess.
 */
export const COMMITMENT_DOMAIN_TAG = BigInt('0x' + [...new TextEncoder().encode('provenant.zk.commit.v1')].map((b) => b.toString(16).padStart(2, '0')).join(''));
export const COMMITMENT_CHUNK = 15;
/** Bounds the work of one off-circuit commitment: 2^24 elements (~1.1M Poseidon calls). */
export const MAX_COMMITMENT_ELEMENTS = 1 << 24;

export function assertSalt(salt: bigint): void {
  if (typeof salt !== 'bigint' || salt < 0n || salt >= BN254_PRIME) {
    throw createError('PRV_ERR_ZK_INPUT_INVALID', 'salt must be a bigint in [0, p)');
  }
}

export function poseidonCommitment(values: readonly bigint[], salt: bigint): bigint {
  assertSalt(salt);
  if (values.length > MAX_COMMITMENT_ELEMENTS) {
    throw createError('PRV_ERR_ZK_INPUT_INVALID', `more than MAX_COMMITMENT_ELEMENTS (${MAX_COMMITMENT_ELEMENTS}) values`);
  }
  const head = poseidonParams(3);
  const chunk = poseidonParams(COMMITMENT_CHUNK + 1);
  let h = head.hash([COMMITMENT_DOMAIN_TAG, BigInt(values.length), salt]);
  for (let i = 0; i < values.length; i += COMMITMENT_CHUNK) {
    const block = [h];
    for (let j = 0; j < COMMITMENT_CHUNK; j++) {
      const v = values[i + j];
      if (v !== undefined && typeof v !== 'bigint') throw createError('PRV_ERR_ZK_INPUT_INVALID', 'values must be bigints');
      block.push(fmod(v ?? 0n));
    }
    h = chunk.hash(block);
  }
  return h;
}
