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
export type { ReceiptCheck, ReceiptCheckId, ReceiptClaimsView, ReceiptReport } from './receipt/receipt-report.js';
