import { commitmentToDecimal, createError, isProvenantError, type Tensor, type ZkSegmentClaim } from '@provenant/protocol';
import { poseidonCommitment } from '../zk/commitment/poseidon-commitment.js';
import { quantizeForCommitment } from '../zk/commitment/quantize-for-commitment.js';

const FP32_BYTES = 4;

/**
 * docs/receipts.md §7.3 step 7, opening.input / opening.output: the caller's tensor, quantized as the
 * neighbouring zk segment's circuit quantizes it (its s and b, docs/zk.md §1) and committed with the
 * opening's salt (docs/zk.md §3), must give the claims' cut. This is what ties the proofs' committed
 * values to the tensors the client actually sent or received.
 */
export function openCut(tensors: readonly Tensor[], salt: bigint | null, cut: Uint8Array, segment: ZkSegmentClaim, what: 'input' | 'output', cutIndex: number): string {
  const mismatch = (why: string): never => {
    throw createError('PRV_ERR_RECEIPT_COMMITMENT_MISMATCH', `cannot open cuts[${cutIndex}] with the given ${what}: ${why}`);
  };
  // §7.1 current limits: a zk segment has exactly one input and one output tensor.
  if (tensors.length !== 1) mismatch(`${tensors.length} tensors given, a zk segment's ${what} is one tensor`);
  const tensor = tensors[0] as Tensor;
  if (tensor.dtype !== 'FP32') mismatch(`tensor ${JSON.stringify(tensor.name)} is ${tensor.dtype}; commitments are to quantized FP32 tensors`);
  if (salt === null) mismatch(`openings.${what}_salt is null`);
  const values = float32Values(tensor.data);
  let commitment: bigint;
  try {
    commitment = poseidonCommitment(quantizeForCommitment(values, segment.scaleBits, segment.bitWidth), salt as bigint, segment.bitWidth);
  } catch (error) {
    // Out of the width, or a salt not below p: no such commitment exists, so it cannot be the cut.
    return mismatch(isProvenantError(error) ? (error.detail ?? error.message) : 'not committable');
  }
  const claimed = commitmentToDecimal(cut);
  if (commitment.toString(10) !== claimed) {
    mismatch(`quantized at scale 2^${segment.scaleBits}, ${segment.bitWidth} bits and committed with the salt it gives ${short(commitment.toString(10))}, the claims state ${short(claimed)}`);
  }
  return `the given ${what} (${values.length} values at scale 2^${segment.scaleBits}, ${segment.bitWidth} bits) with openings.${what}_salt commits to cuts[${cutIndex}]`;
}

/** docs/receipts.md §1: elements are little-endian; read them so on any host byte order. */
function float32Values(data: Uint8Array): Float32Array {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Float32Array(Math.floor(data.byteLength / FP32_BYTES));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * FP32_BYTES, true);
  return out;
}

function short(decimal: string): string {
  return decimal.length > 24 ? `${decimal.slice(0, 24)}...` : decimal;
}
