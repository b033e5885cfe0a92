export { CLAIMS_VERSION, RECEIPT_MODES, decodeClaims, encodeClaims, type ReceiptClaims, type ReceiptMode } from './receipt-claims.js';
export { MAX_BATCH_LEAVES, inclusionPath, leafHash, merkleRoot, merkleTreeWithPaths, rootFromInclusionPath } from './merkle-tree.js';
export { RECEIPT_FORMAT, parseReceipt, type Receipt, type ReceiptJson } from './receipt.js';
