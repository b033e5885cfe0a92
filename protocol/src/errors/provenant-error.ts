import { ERRORS, isErrorCode, type ErrorCode } from './table.js';

/**
 * Brand shared across copies of this library (the verifier may be bundled twice on one page), so
 * `isProvenantError` works where `instanceof` would not. Same idea as undici's `Symbol.for` brand.
 */
export const PROVENANT_ERROR = Symbol.for('provenant.error');

export interface ProvenantError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Specific failure text; may contain hostile bytes rendered as text, so check `exposable` before forwarding. */
  readonly detail: string | undefined;
  readonly exposable: boolean;
  readonly [PROVENANT_ERROR]: true;
}

const BASES = { Error, TypeError, RangeError } as const;

export function createError(code: ErrorCode, detail?: string, options?: { cause?: unknown }): ProvenantError {
  const spec = ERRORS[code];
  const message = detail === undefined ? spec.message : `${spec.message}: ${detail}`;
  const Base = BASES[spec.base];
  const error = new Base(message, options?.cause === undefined ? undefined : { cause: options.cause });
  Object.defineProperties(error, {
    code: { value: code, enumerable: true },
    status: { value: spec.status, enumerable: true },
    detail: { value: detail, enumerable: false },
    exposable: { value: spec.exposable, enumerable: false },
    [PROVENANT_ERROR]: { value: true, enumerable: false },
  });
  error.name = `${spec.base} [${code}]`;
  return error as ProvenantError;
}

export function isProvenantError(value: unknown, code?: ErrorCode): value is ProvenantError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<typeof PROVENANT_ERROR, unknown>> & { code?: unknown };
  if (candidate[PROVENANT_ERROR] !== true || !isErrorCode(candidate.code)) return false;
  return code === undefined || candidate.code === code;
}

/**
 * What may be sent across a trust boundary for an error: always the code and fixed message,
 * the detail only when the table marks it exposable. Anything that is not a ProvenantError becomes
 * PRV_ERR_INTERNAL with no detail, so stray exceptions never leak their text.
 */
export function toPublicError(value: unknown): { code: ErrorCode; message: string } {
  if (!isProvenantError(value)) return { code: 'PRV_ERR_INTERNAL', message: ERRORS.PRV_ERR_INTERNAL.message };
  const spec = ERRORS[value.code];
  const message = spec.exposable && value.detail !== undefined ? `${spec.message}: ${value.detail}` : spec.message;
  return { code: value.code, message };
}
