export * from './nsm-messages.js';
export { encodeNsmRequest, decodeNsmRequest } from './nsm-request-codec.js';
export { encodeNsmResponse, decodeNsmResponse, MAX_NSM_RANDOM_BYTES, MAX_PCR_BYTES } from './nsm-response-codec.js';
