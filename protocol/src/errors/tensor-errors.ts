import { defineErrors } from './error-spec.js';

/** Tensors in requests, responses and receipts. */
export const TENSOR_ERRORS = defineErrors({
  PRV_ERR_TENSOR_INVALID: {
    message: 'invalid tensor',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_TENSOR_TOO_LARGE: {
    message: 'tensor exceeds the element limit',
    status: 413,
    base: 'RangeError',
    exposable: true,
  },
});
