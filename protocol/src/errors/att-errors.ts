import { defineErrors } from './error-spec.js';

/**
 * Nitro attestation documents and the verifier's checks on them (aws-nitro-enclaves-nsm-api
 * docs/attestation_process.md). Each failed check in a verification report carries one of these.
 */
export const ATT_ERRORS = defineErrors({
  PRV_ERR_ATT_MALFORMED: {
    message: 'malformed attestation document',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ATT_ALG: {
    message: 'attestation document is not signed with ES384',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ATT_SIGNATURE: {
    message: 'attestation document signature does not verify',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ATT_CERT_MALFORMED: {
    message: 'attestation certificate is not valid X.509 DER or uses an unsupported key or algorithm',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ATT_CHAIN: {
    message: 'attestation certificate chain is invalid',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ATT_CERT_EXPIRED: {
    message: 'an attestation certificate is not valid at the verification time',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ATT_ROOT_MISMATCH: {
    message: 'attestation chain does not end at the pinned root',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ATT_DEBUG_MODE: {
    message: 'attestation document comes from a debug-mode enclave',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ATT_PCR_MISMATCH: {
    message: 'attestation PCR differs from the expected value',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ATT_USER_DATA_MISMATCH: {
    message: 'attestation user_data differs from the expected value',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ATT_NONCE_MISMATCH: {
    message: 'attestation nonce differs from the expected value',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ATT_PUBLIC_KEY_MISMATCH: {
    message: 'attestation public_key differs from the expected value',
    status: 422,
    base: 'Error',
    exposable: true,
  },
});
