import { defineErrors } from './error-spec.js';

/**
 * The ONNX protobuf codec (@provenant/onnx). Model bytes are hostile input: every failure to parse
 * them has its own code. Details name offsets, field numbers and limits, never model content.
 */
export const ONNX_ERRORS = defineErrors({
  PRV_ERR_ONNX_TOO_LARGE: {
    message: 'ONNX model exceeds the size limit',
    status: 413,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_ONNX_TRUNCATED: {
    message: 'ONNX model ends inside a field',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ONNX_MALFORMED: {
    message: 'malformed ONNX protobuf',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ONNX_TOO_DEEP: {
    message: 'ONNX model nests messages too deeply',
    status: 400,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_ONNX_LIMIT_EXCEEDED: {
    message: 'ONNX model exceeds a count or length limit',
    status: 413,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_ONNX_UNSUPPORTED: {
    message: 'ONNX feature not supported',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ONNX_INVALID_MODEL: {
    message: 'invalid ONNX model',
    status: 422,
    base: 'TypeError',
    exposable: true,
  },
});
