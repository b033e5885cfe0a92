import { ATT_ERRORS } from './att-errors.js';
import { CBOR_ERRORS } from './cbor-errors.js';
import { CORE_ERRORS } from './core-errors.js';
import { COSE_ERRORS } from './cose-errors.js';
import { EIF_ERRORS } from './eif-errors.js';
import { NSM_ERRORS } from './nsm-errors.js';
import { NSM_MOCK_ERRORS } from './nsm-mock-errors.js';
import { RECEIPT_ERRORS } from './receipt-errors.js';
import { TENSOR_ERRORS } from './tensor-errors.js';
import { WIRE_ERRORS } from './wire-errors.js';
import { ONNX_ERRORS } from './onnx-errors.js';
import { TRANSPORT_ERRORS } from './transport-errors.js';
import { ENCLAVE_ERRORS } from './enclave-errors.js';
import { KSERVE_ERRORS } from './kserve-errors.js';
import { PROXY_ERRORS } from './proxy-errors.js';
import { ZK_ERRORS } from './zk-errors.js';
import { MODEL_SEAL_ERRORS } from './model-seal-errors.js';
import { PLAN_ERRORS } from './plan-errors.js';
import type { ErrorSpec } from './error-spec.js';

/**
 * The one error table. Codes are stable API: never rename or reuse one (STYLE rule 5).
 * Each area keeps its entries in its own file; this merge is the single source the proxy,
 * the enclave, the verifier and docs/errors.md are checked against.
 */
export const ERRORS = {
  ...CORE_ERRORS,
  ...EIF_ERRORS,
  ...CBOR_ERRORS,
  ...NSM_ERRORS,
  ...NSM_MOCK_ERRORS,
  ...COSE_ERRORS,
  ...ATT_ERRORS,
  ...WIRE_ERRORS,
  ...TENSOR_ERRORS,
  ...RECEIPT_ERRORS,
  ...ONNX_ERRORS,
  ...TRANSPORT_ERRORS,
  ...ENCLAVE_ERRORS,
  ...KSERVE_ERRORS,
  ...PROXY_ERRORS,
  ...ZK_ERRORS,
  ...MODEL_SEAL_ERRORS,
  ...PLAN_ERRORS,
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERRORS, value);
}
