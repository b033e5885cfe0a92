import { defineErrors } from './error-spec.js';

/** The mock NSM's persisted certificate authority (dev harness and tests only; never in production). */
export const NSM_MOCK_ERRORS = defineErrors({
  PRV_ERR_NSM_MOCK_STATE_INVALID: {
    message: 'the mock NSM authority directory holds an unusable root',
    status: 500,
    base: 'Error',
    exposable: true,
  },
});
