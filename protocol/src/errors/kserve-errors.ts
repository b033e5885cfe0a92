import { defineErrors } from './error-spec.js';

/**
 * The Open Inference Protocol (KServe v2 REST) tensor codec, protocol/src/kserve/. Request bodies come from
 * any HTTP client: each way they can be wrong has a code, and details name fields and limits, never data.
 */
export const KSERVE_ERRORS = defineErrors({
  PRV_ERR_KSERVE_MALFORMED: {
    message: 'malformed inference request',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_KSERVE_DATATYPE: {
    message: 'unsupported tensor datatype',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_KSERVE_SHAPE_MISMATCH: {
    message: 'tensor data does not match its shape',
    status: 400,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_KSERVE_ELEMENT_INVALID: {
    message: 'tensor element not representable in its datatype',
    status: 400,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_KSERVE_BINARY_INVALID: {
    message: 'invalid binary tensor data',
    status: 400,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_KSERVE_BODY_TOO_LARGE: {
    message: 'inference request body exceeds the limit',
    status: 413,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_KSERVE_OUTPUT_UNREPRESENTABLE: {
    message: 'output tensor cannot be written as JSON; request it as binary data',
    status: 406,
    base: 'RangeError',
    exposable: true,
  },
});
