import { defineErrors } from './error-spec.js';

/** COSE structures (RFC 9052), before any meaning is given to their payload. */
export const COSE_ERRORS = defineErrors({
  PRV_ERR_COSE_MALFORMED: {
    message: 'malformed COSE_Sign1',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
});
