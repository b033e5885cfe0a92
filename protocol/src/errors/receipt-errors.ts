import { defineErrors } from './error-spec.js';

/**
 * Receipts: parsing and the checks `provenant verify receipt` runs (docs/receipts.md §5). A failed
 * check in a receipt report carries one of these, or the PRV_ERR_ATT_* code of the attestation
 * document check that failed.
 */
export const RECEIPT_ERRORS = defineErrors({
  PRV_ERR_RECEIPT_MALFORMED: {
    message: 'malformed receipt',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_RECEIPT_MODE_MISMATCH: {
    message: "receipt mode differs from the claims' mode",
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_KEY_MISMATCH: {
    message: 'receipt session key is not the key the claims or the attestation document name',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_SIGNATURE: {
    message: 'receipt session signature does not verify',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_BOOT_DOCUMENT_MISSING: {
    message: 'a session-mode receipt needs the boot attestation document',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_BINDING: {
    message: 'attestation document is not bound to these claims',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_INCLUSION: {
    message: 'receipt inclusion path does not lead to the attested batch root',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_TIME: {
    message: 'receipt timestamp is earlier than the boot attestation document',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_MODEL_MISMATCH: {
    message: 'receipt model hash differs from the expected model',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_INPUT_MISMATCH: {
    message: 'receipt input digest differs from the digest of the given inputs',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_OUTPUT_MISMATCH: {
    message: 'receipt output digest differs from the digest of the given outputs',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_NONCE_MISMATCH: {
    message: 'receipt nonce differs from the nonce the client sent',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_PLAN_MISMATCH: {
    message: 'plan receipt segments do not match its plan, or the plan is not the one expected',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_PROOF_PENDING: {
    message: 'a zero-knowledge proof of the receipt is still pending',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_PROOF_FAILED: {
    message: 'the enclave reported that a zero-knowledge proof of the receipt failed',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_PROOF_INVALID: {
    message: 'a zero-knowledge proof of the receipt does not verify',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_VK_MISMATCH: {
    message: 'a verifying key is not the one the claims or the caller pin',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_COMMITMENT_MISMATCH: {
    message: 'a boundary commitment differs between the claims and a proof or an opening',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_RECEIPT_NOT_FOUND: {
    message: 'no receipt with this id',
    status: 404,
    base: 'Error',
    exposable: true,
  },
});
