import { defineErrors } from './error-spec.js';

/** Generic CBOR decoding, before any schema is applied (RFC 8949). */
export const CBOR_ERRORS = defineErrors({
  PRV_ERR_CBOR_MALFORMED: {
    message: 'malformed CBOR',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_CBOR_LIMIT: {
    message: 'CBOR exceeds a size, depth or count limit',
    status: 413,
    base: 'RangeError',
    exposable: true,
  },
});
