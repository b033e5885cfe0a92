import { defineErrors } from './error-spec.js';

/**
 * Enclave Image Format tooling (operator side): the EIF reader and writer, the rootfs tar reader, the
 * cpio ramdisk builder and measurements.json. Operator-side text never crosses the enclave boundary,
 * so every detail is exposable.
 */
export const EIF_ERRORS = defineErrors({
  PRV_ERR_EIF_BAD_MAGIC: {
    message: 'not an EIF file (magic is not ".eif")',
    status: 422,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_EIF_UNSUPPORTED: {
    message: 'unsupported EIF feature',
    status: 422,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_EIF_TRUNCATED: {
    message: 'EIF file is truncated',
    status: 422,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_EIF_BAD_CRC: {
    message: 'EIF CRC-32 does not match its contents',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_EIF_SECTION_OUT_OF_RANGE: {
    message: 'EIF section lies outside the file',
    status: 422,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_EIF_SECTION_OVERLAP: {
    message: 'EIF sections overlap',
    status: 422,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_EIF_SECTION_INVALID: {
    message: 'invalid EIF section table',
    status: 422,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_EIF_LIMIT_EXCEEDED: {
    message: 'EIF input exceeds a size limit',
    status: 413,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_EIF_BAD_SIGNATURE_SECTION: {
    message: 'malformed EIF signature section',
    status: 422,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_EIF_BAD_METADATA: {
    message: 'malformed EIF metadata section',
    status: 422,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_EIF_TAR_MALFORMED: {
    message: 'malformed rootfs tar archive',
    status: 422,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_EIF_TAR_UNSUPPORTED: {
    message: 'unsupported rootfs tar entry',
    status: 422,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_EIF_BAD_BUILD_INPUT: {
    message: 'invalid EIF build input',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_EIF_IO: {
    message: 'EIF tooling file I/O failed',
    status: 500,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_EIF_MEASUREMENTS_MALFORMED: {
    message: 'malformed measurements.json',
    status: 422,
    base: 'TypeError',
    exposable: true,
  },
});
