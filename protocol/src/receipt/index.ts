export { CLAIMS_VERSION, RECEIPT_MODES, decodeClaims, encodeClaims, type ReceiptClaims, type ReceiptMode } from './receipt-claims.js';
export { MAX_BATCH_LEAVES, inclusionPath, leafHash, merkleRoot, merkleTreeWithPaths, rootFromInclusionPath } from './merkle-tree.js';
export { RECEIPT_FORMAT, parseReceipt, type Receipt, type ReceiptJson } from './receipt.js';
export {
  BN254_SCALAR_FIELD,
  MAX_CLAIM_BIT_WIDTH,
  MAX_CLAIM_SCALE_BITS,
  MAX_PLAN_CLAIMS_BYTES,
  MIN_CLAIM_BIT_WIDTH,
  PLAN_CLAIMS_VERSION,
  commitmentFromDecimal,
  commitmentToDecimal,
  cutNeedsCommitment,
  decodePlanClaims,
  encodePlanClaims,
  type PlanClaims,
  type SegmentClaim,
  type TeeSegmentClaim,
  type ZkSegmentClaim,
} from './plan-claims.js';
export {
  MAX_PROOF_ERROR_CHARS,
  MAX_PROOF_JSON_CHARS,
  MAX_VERIFICATION_KEY_JSON_CHARS,
  PLAN_RECEIPT_FORMAT,
  RECEIPT_ID_PATTERN,
  parsePlanReceipt,
  planReceiptSettled,
  type PlanReceipt,
  type PlanReceiptJson,
  type SegmentProofJson,
} from './plan-receipt.js';
