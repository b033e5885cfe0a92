import { defineErrors } from './error-spec.js';

/** The Nitro Secure Module: the device, its CBOR protocol, and the mock that stands in for it. */
export const NSM_ERRORS = defineErrors({
  PRV_ERR_NSM_NO_DEVICE: {
    message: 'no NSM device: not inside a Nitro Enclave',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_NSM_NOT_A_DEVICE: {
    message: 'the NSM path is not a Nitro Secure Module device (ioctl refused)',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_NSM_INPUT_TOO_LARGE: {
    message: 'NSM request exceeds 4096 bytes',
    status: 413,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_NSM_TIMEOUT: {
    message: 'the NSM did not answer in time',
    status: 504,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_NSM_IO: {
    message: 'NSM device I/O failed',
    status: 502,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_NSM_MALFORMED: {
    message: 'malformed NSM message',
    status: 502,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_NSM_ERROR_RESPONSE: {
    message: 'the NSM answered with an error',
    status: 502,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_NSM_ADDON_UNAVAILABLE: {
    message: 'the native NSM addon is not built or failed to load',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_NSM_MOCK_REFUSED: {
    message: 'the mock NSM is a test harness; refusing it without an explicit opt-in',
    status: 500,
    base: 'Error',
    exposable: true,
  },
});
