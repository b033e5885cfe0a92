export { fromHalfBits, toHalfBits } from './fp16.js';
export { INFERENCE_HEADER_CONTENT_LENGTH, joinInferenceBody, parseInferenceHeaderLength, splitInferenceBody } from './kserve-body.js';
export { MAX_INFERENCE_HEADER_CHARS, MAX_KSERVE_BODY_BYTES, MAX_KSERVE_ID_CHARS } from './kserve-limits.js';
export {
  encodeKserveInferRequest,
  parseKserveInferRequest,
  wantsBinaryOutput,
  type KserveInferRequest,
  type KserveRequestOptions,
  type KserveRequestedOutput,
} from './kserve-request.js';
export { encodeKserveInferResponse, parseKserveInferResponse, type KserveInferResponse } from './kserve-response.js';
export { bytesToJsonText, jsonDataToBytes } from './kserve-tensor-data.js';
