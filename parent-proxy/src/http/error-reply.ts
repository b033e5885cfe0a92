import { ERRORS, createError, isProvenantError, toPublicError, type ErrorCode, type ProvenantError } from '@provenant/protocol';

/** Fastify's own errors that clients can cause, mapped onto the table (its codes are documented in fastify's Errors.md). */
const FASTIFY_CODES: Readonly<Record<string, ErrorCode>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PRV_ERR_PROXY_BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'PRV_ERR_PROXY_LENGTH_MISMATCH',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'PRV_ERR_KSERVE_MALFORMED',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'PRV_ERR_INVALID_ARGUMENT',
  FST_ERR_BAD_URL: 'PRV_ERR_INVALID_ARGUMENT',
};

/** Any thrown value as a ProvenantError: table errors as they are, anything unknown as PRV_ERR_INTERNAL. */
export function asProvenantError(error: unknown): ProvenantError {
  if (isProvenantError(error)) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && Object.hasOwn(FASTIFY_CODES, code)) return createError(FASTIFY_CODES[code] as ErrorCode);
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return createError('PRV_ERR_INVALID_ARGUMENT');
  return createError('PRV_ERR_INTERNAL', undefined, { cause: error });
}

/** The JSON error body the Open Inference Protocol asks for ({"error": "..."}), plus the stable code. */
export function errorBody(error: ProvenantError): { status: number; body: { error: string; code: ErrorCode } } {
  const { code, message } = toPublicError(error);
  return { status: ERRORS[code].status, body: { error: message, code } };
}
