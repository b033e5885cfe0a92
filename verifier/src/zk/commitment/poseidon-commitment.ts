import { BN254_SCALAR_FIELD, createError } from '@provenant/protocol';
import { poseidonParams } from './poseidon-params.js';

/**
 * The commitment to a tensor of n signed integers, each promised to lie in [-2^(W-1), 2^(W-1))
 * with W = the circuit's bitWidth (docs/zk.md §3), identical in and out of the circuit:
 *   k       = floor(252 / W) values per field element
 *   e_i     = sum_{j<k} (x_{ik+j} + 2^(W-1)) · 2^(W·j)      (the last element only holds what is left)
 *   h_0     = Poseidon4(COMMITMENT_DOMAIN_TAG, n, W, salt)
 *   h_{c+1} = Poseidon16(h_c, e_{15c}, ..., e_{15c+14})      (the last block zero-padded)
 *   commitment = h_last
 * Packing is injective because every value is range-checked to W bits and W·k <= 252 < log2(p);
 * it cuts the Poseidon work about 252/W-fold. n and W in the first block make the padding
 * unambiguous; the secret salt hides low-entropy tensors from a brute-force guess.
 *
 * It lives in the verifier (pure JS, no node: imports) because verifiers open plan receipts' boundary
 * commitments with it (docs/receipts.md §7.3); the prover re-exports it for its circuits and the enclave.
 */
export const COMMITMENT_DOMAIN_TAG = BigInt('0x' + [...new TextEncoder().encode('provenant.zk.commit.v1')].map((b) => b.toString(16).padStart(2, '0')).join(''));
export const COMMITMENT_CHUNK = 15;
/** Bits of a packed field element: 252 < log2(p) ≈ 253.6, so a packed element never wraps. */
export const COMMITMENT_PACK_BITS = 252;
/** Bounds the work of one off-circuit commitment: 2^24 elements. */
export const MAX_COMMITMENT_ELEMENTS = 1 << 24;
export const MIN_COMMITMENT_WIDTH = 1;
export const MAX_COMMITMENT_WIDTH = 126;

export function assertCommitmentSalt(salt: bigint): void {
  if (typeof salt !== 'bigint' || salt < 0n || salt >= BN254_SCALAR_FIELD) {
    throw createError('PRV_ERR_ZK_INPUT_INVALID', 'salt must be a bigint in [0, p)');
  }
}

export function valuesPerElement(width: number): number {
  return Math.floor(COMMITMENT_PACK_BITS / width);
}

/** The packed field elements e_i of the scheme above; values outside W bits are refused. */
export function packValues(values: readonly bigint[], width: number): bigint[] {
  const k = valuesPerElement(width);
  const offset = 1n << BigInt(width - 1);
  const limit = 1n << BigInt(width);
  const out: bigint[] = [];
  for (let i = 0; i < values.length; i += k) {
    let e = 0n;
    for (let j = Math.min(k, values.length - i) - 1; j >= 0; j--) {
      const v = values[i + j];
      if (typeof v !== 'bigint') throw createError('PRV_ERR_ZK_INPUT_INVALID', 'values must be bigints');
      const shifted = v + offset;
      if (shifted < 0n || shifted >= limit) throw createError('PRV_ERR_ZK_INPUT_INVALID', `value ${i + j} is outside the ${width}-bit signed range`);
      e = (e << BigInt(width)) | shifted;
    }
    out.push(e);
  }
  return out;
}

/** The Poseidon chain over already-packed elements (shared by the off-circuit and test code). */
export function commitPacked(packed: readonly bigint[], n: number, width: number, salt: bigint): bigint {
  const chunk = poseidonParams(COMMITMENT_CHUNK + 1);
  let h = poseidonParams(4).hash([COMMITMENT_DOMAIN_TAG, BigInt(n), BigInt(width), salt]);
  for (let i = 0; i < packed.length; i += COMMITMENT_CHUNK) {
    const block = [h];
    for (let j = 0; j < COMMITMENT_CHUNK; j++) block.push(packed[i + j] ?? 0n);
    h = chunk.hash(block);
  }
  return h;
}

/**
 * Off-circuit commitment, equal to the circuit's public signal for the same values, salt and width
 * (the circuit's config.bitWidth); for the enclave and for verifiers opening a commitment.
 */
export function poseidonCommitment(values: readonly bigint[], salt: bigint, bitWidth: number): bigint {
  assertCommitmentSalt(salt);
  if (!Number.isInteger(bitWidth) || bitWidth < MIN_COMMITMENT_WIDTH || bitWidth > MAX_COMMITMENT_WIDTH) {
    throw createError('PRV_ERR_ZK_INPUT_INVALID', `bitWidth must be an integer in [${MIN_COMMITMENT_WIDTH}, ${MAX_COMMITMENT_WIDTH}]`);
  }
  if (!Array.isArray(values) || values.length > MAX_COMMITMENT_ELEMENTS) {
    throw createError('PRV_ERR_ZK_INPUT_INVALID', `values must be an array of at most MAX_COMMITMENT_ELEMENTS (${MAX_COMMITMENT_ELEMENTS}) bigints`);
  }
  return commitPacked(packValues(values, bitWidth), values.length, bitWidth, salt);
}
