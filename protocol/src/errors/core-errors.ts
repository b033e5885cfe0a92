import { defineErrors } from './error-spec.js';

/** Errors not tied to one subsystem: argument checks at public entry points and internal invariants. */
export const CORE_ERRORS = defineErrors({
  PRV_ERR_INVALID_ARGUMENT: {
    message: 'invalid argument',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_OUT_OF_RANGE: {
    message: 'value out of range',
    status: 400,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_INTERNAL: {
    message: 'internal error',
    status: 500,
    base: 'Error',
    exposable: false,
  },
});
