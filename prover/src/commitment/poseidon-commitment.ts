/**
 * The off-circuit commitment moved to the verifier (verifier/src/zk/commitment), which opens plan
 * receipts' boundary commitments with it and must not depend on the prover; re-exported here so the
 * circuit code and the prover's public API keep their imports.
 */
export {
  COMMITMENT_CHUNK,
  COMMITMENT_DOMAIN_TAG,
  COMMITMENT_PACK_BITS,
  MAX_COMMITMENT_ELEMENTS,
  MAX_COMMITMENT_WIDTH,
  MIN_COMMITMENT_WIDTH,
  assertCommitmentSalt as assertSalt,
  commitPacked,
  packValues,
  poseidonCommitment,
  valuesPerElement,
} from '@provenant/verifier';
