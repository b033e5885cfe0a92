export {
  ATTESTATION_PAYLOAD_KEYS,
  ATTESTATION_PAYLOAD_LIMITS,
  MAX_MODULE_ID_BYTES,
  PCR_LENGTHS,
  encodeAttestationPayload,
  parseAttestationPayload,
  type AttestationPayload,
} from './attestation-payload.js';
