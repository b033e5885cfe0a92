import { defineErrors } from './error-spec.js';

/** The untrusted parent proxy (parent-proxy/): its own HTTP edge and its view of the enclave pool. */
export const PROXY_ERRORS = defineErrors({
  PRV_ERR_PROXY_NO_ENCLAVE: {
    message: 'no enclave is connected and ready',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PROXY_DEADLINE: {
    message: 'the enclave did not answer before the request deadline',
    status: 504,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PROXY_LENGTH_REQUIRED: {
    message: 'a Content-Length header is required',
    status: 411,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_PROXY_LENGTH_MISMATCH: {
    message: 'the body length differs from Content-Length',
    status: 400,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_PROXY_BODY_TOO_LARGE: {
    message: 'request body exceeds the limit',
    status: 413,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_PROXY_NOT_FOUND: {
    message: 'no such route',
    status: 404,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PROXY_CONFIG_INVALID: {
    message: 'invalid proxy configuration',
    status: 500,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_PROXY_SATURATED: {
    message: 'every enclave connection is at its in-flight limit',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PROXY_CLIENT_CLOSED: {
    message: 'the HTTP client closed the connection before the answer',
    status: 499,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_PROXY_UPLOAD_ABORTED: {
    message: 'the upload body ended or failed before all bytes arrived',
    status: 400,
    base: 'Error',
    exposable: true,
  },
});
