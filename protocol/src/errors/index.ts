export { ERRORS, isErrorCode, type ErrorCode } from './table.js';
export type { ErrorBase, ErrorSpec } from './error-spec.js';
export {
  PROVENANT_ERROR,
  createError,
  isProvenantError,
  toPublicError,
  type ProvenantError,
} from './provenant-error.js';
