import { defineErrors } from './error-spec.js';

/**
 * The enclave daemon: its configuration, model registry, inference and scheduling. Details are
 * exposable only where they name the daemon's own limits and the model's declared signature, never the
 * caller's bytes or onnxruntime's internal text (STYLE rule 6).
 */
export const ENCLAVE_ERRORS = defineErrors({
  PRV_ERR_CONFIG_INVALID: {
    message: 'invalid enclave configuration',
    status: 500,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_MODEL_NOT_FOUND: {
    message: 'no model with that name is loaded',
    status: 404,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_MODEL_EXISTS: {
    message: 'a model with that name is already loaded or being uploaded',
    status: 409,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_MODEL_INVALID: {
    message: 'onnxruntime refused the model bytes',
    status: 422,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_MODEL_UNSUPPORTED: {
    message: 'the model declares an input or output this enclave cannot serve',
    status: 422,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_MODEL_TOO_LARGE: {
    message: 'model exceeds the enclave model size limit',
    status: 413,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_MODEL_SIZE_MISMATCH: {
    message: 'received model bytes differ in length from the declared size',
    status: 400,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_MODEL_HASH_MISMATCH: {
    message: 'model bytes do not hash to the declared sha256',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_MODEL_LIMIT: {
    message: 'the enclave holds its maximum number of models',
    status: 507,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_INFER_INPUT_MISMATCH: {
    message: 'inputs do not match the model signature',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_INFER_OUTPUT_UNKNOWN: {
    message: 'a requested output is not an output of the model',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_INFER_FAILED: {
    message: 'onnxruntime failed to run the model',
    status: 500,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_BUSY: {
    message: 'the enclave is busy: request queue full',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_DEADLINE: {
    message: 'the request deadline passed before it completed',
    status: 504,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ENCLAVE_NOT_READY: {
    message: 'the enclave daemon is still booting',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ENCLAVE_STOPPING: {
    message: 'the enclave daemon is shutting down',
    status: 503,
    base: 'Error',
    exposable: true,
  },
});
