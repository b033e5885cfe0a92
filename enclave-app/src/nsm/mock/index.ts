export { MockNsm, MOCK_DEFAULT_PARENT_ROLE_ARN, MOCK_LEAF_RENEW_BEFORE_MS, MOCK_NSM_VERSION, MOCK_RANDOM_BYTES, type MockNsmOptions } from './mock-nsm.js';
export { MockNsmTransport } from './mock-nsm-transport.js';
export { MockNsmAuthority, MOCK_NSM_DEFAULT_DIR, MAX_MOCK_PEM_BYTES, toPem, type MockNsmAuthorityOptions } from './mock-nsm-authority.js';
export {
  MOCK_LEAF_VALIDITY_MS,
  MOCK_ROOT_COMMON_NAME,
  MOCK_INTERMEDIATE_VALIDITY_MS,
  type MockLeaf,
} from './mock-nsm-chain.js';
export { deriveBootPcrs, MAX_IMAGE_MEASUREMENT_BYTES, type MockBootMeasurement } from './mock-boot-pcrs.js';
export { MOCK_BOOT_LOCKED_PCRS, MOCK_PCR_BYTES, MOCK_PCR_COUNT } from './pcr-bank.js';
