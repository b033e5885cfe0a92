export { verifyAttestationDocument, verifyAttestationDocumentOrThrow } from './attestation/verify-attestation.js';
export { decodeAttestationDocument, type DecodedAttestationDocument } from './attestation/decode-attestation-document.js';
export { awsNitroRootDer, type VerifyAttestationOptions } from './attestation/attestation-options.js';
export type {
  AttestationCheck,
  AttestationCheckId,
  AttestationDocumentView,
  AttestationReport,
  CertificateSummary,
} from './attestation/attestation-report.js';
export { AWS_NITRO_ROOT_G1_PEM, AWS_NITRO_ROOT_G1_SHA256 } from './roots/aws-nitro-root-g1.js';
export { pemCertificateToDer } from './x509/pem.js';
export { verifyReceipt, verifyReceiptOrThrow } from './receipt/verify-receipt.js';
export type { VerifyReceiptOptions } from './receipt/receipt-options.js';
export type {
  PlanReportView,
  PlanSegmentView,
  ReceiptCheck,
  ReceiptCheckId,
  ReceiptClaimsView,
  ReceiptReport,
  SegmentEvidence,
} from './receipt/receipt-report.js';
export { verifyGroth16 } from './zk/groth16-verify.js';
export { parseGroth16VerificationKey, groth16VerificationKeyDigest, type Groth16VerificationKey } from './zk/groth16-verification-key.js';
export { parseGroth16Proof, parsePublicSignals, type Groth16Proof } from './zk/groth16-proof.js';
export type { ZkCheck, ZkCheckId, ZkReport } from './zk/zk-report.js';
export {
  MAX_ZK_DECIMAL_DIGITS,
  MAX_ZK_OUTPUT_VALUES,
  MAX_ZK_PROOF_BUNDLE_BYTES,
  MAX_ZK_PUBLIC_SIGNALS,
  MAX_ZK_VERIFICATION_KEY_BYTES,
} from './zk/zk-limits.js';
export { verifyProofBundle, type ProofBundleReport, type VerifyProofBundleOptions } from './zk/verify-proof-bundle.js';
export { parseProofBundle, PROOF_BUNDLE_FORMAT, type BundleOutput, type ProofBundle } from './zk/proof-bundle.js';
export {
  COMMITMENT_CHUNK,
  COMMITMENT_DOMAIN_TAG,
  COMMITMENT_PACK_BITS,
  MAX_COMMITMENT_ELEMENTS,
  MAX_COMMITMENT_WIDTH,
  MIN_COMMITMENT_WIDTH,
  assertCommitmentSalt,
  commitPacked,
  packValues,
  poseidonCommitment,
  valuesPerElement,
} from './zk/commitment/poseidon-commitment.js';
export { POSEIDON_FULL_ROUNDS, POSEIDON_MAX_INPUTS, POSEIDON_PARTIAL_ROUNDS, poseidonParams, type PoseidonParams } from './zk/commitment/poseidon-params.js';
export { quantizeForCommitment } from './zk/commitment/quantize-for-commitment.js';
