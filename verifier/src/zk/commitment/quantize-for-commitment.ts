import { createError, MAX_CLAIM_SCALE_BITS } from '@provenant/protocol';
import { MAX_COMMITMENT_ELEMENTS, MAX_COMMITMENT_WIDTH, MIN_COMMITMENT_WIDTH } from './poseidon-commitment.js';

/**
 * A float tensor quantized as a circuit quantizes its input (docs/zk.md §1): `round(x · 2^s)`, rounding
 * half away from zero, then held to the signed `bitWidth`-bit range the commitment packs (docs/zk.md §3).
 * This is what the enclave commits to at a `tee` → `zk` cut and what a verifier recomputes to open a
 * plan receipt's input or output commitment (docs/receipts.md §7.1, §7.3).
 *
 * Values are first rounded to float32 (`Math.fround`): tensors are FP32 on the wire and the circuit
 * reads a Float32Array, so a caller holding float64 copies of them gets the same integers. `x · 2^s` is
 * then exact in float64 (24-bit mantissa, s ≤ 24), so the rounding below is the only approximation.
 * A value outside the signed range is refused (PRV_ERR_ZK_OVERFLOW), never wrapped: the circuit would
 * have no witness for it and the commitment would not exist.
 */
export function quantizeForCommitment(values: Float32Array | readonly number[], scaleBits: number, bitWidth: number): bigint[] {
  if (!Number.isInteger(scaleBits) || scaleBits < 0 || scaleBits > MAX_CLAIM_SCALE_BITS) {
    throw createError('PRV_ERR_ZK_INPUT_INVALID', `scaleBits must be an integer in [0, ${MAX_CLAIM_SCALE_BITS}], got ${String(scaleBits)}`);
  }
  if (!Number.isInteger(bitWidth) || bitWidth < MIN_COMMITMENT_WIDTH || bitWidth > MAX_COMMITMENT_WIDTH) {
    throw createError('PRV_ERR_ZK_INPUT_INVALID', `bitWidth must be an integer in [${MIN_COMMITMENT_WIDTH}, ${MAX_COMMITMENT_WIDTH}], got ${String(bitWidth)}`);
  }
  if (!(values instanceof Float32Array) && !Array.isArray(values)) {
    throw createError('PRV_ERR_ZK_INPUT_INVALID', 'values must be a Float32Array or an array of numbers');
  }
  if (values.length > MAX_COMMITMENT_ELEMENTS) {
    throw createError('PRV_ERR_ZK_INPUT_INVALID', `${values.length} values exceed MAX_COMMITMENT_ELEMENTS (${MAX_COMMITMENT_ELEMENTS})`);
  }
  const scale = 2 ** scaleBits;
  const limit = 2n ** BigInt(bitWidth - 1);
  const out = new Array<bigint>(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw createError('PRV_ERR_ZK_INPUT_INVALID', `value ${i} is not a finite number`);
    const scaled = Math.fround(x) * scale;
    // Half away from zero: floor(|v| + 0.5) with the sign put back (2.5 -> 3, -2.5 -> -3). |v| + 0.5 is
    // exact while |v| < 2^52, and anything that large is far outside every accepted width anyway.
    const magnitude = Math.floor(Math.abs(scaled) + 0.5);
    if (magnitude > Number.MAX_SAFE_INTEGER) throw overflow(i, x, scaleBits, bitWidth);
    const q = BigInt(scaled < 0 ? -magnitude : magnitude);
    if (q < -limit || q >= limit) throw overflow(i, x, scaleBits, bitWidth);
    out[i] = q;
  }
  return out;
}

function overflow(index: number, x: number, scaleBits: number, bitWidth: number): Error {
  return createError(
    'PRV_ERR_ZK_OVERFLOW',
    `value ${index} (${x}) at scale 2^${scaleBits} is outside the signed ${bitWidth}-bit range the commitment holds`,
  );
}
