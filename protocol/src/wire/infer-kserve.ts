import { createError } from '../errors/index.js';
import { MAX_FRAME_BYTES, MAX_MODEL_NAME_CHARS } from '../limits.js';
import { RECEIPT_ID_PATTERN } from '../receipt/index.js';
import { readBytes, readObject, readOptionalString, readOptionalUint, readString, type Fields } from './field-readers.js';
import { MAX_REQUEST_TIMEOUT_MS, assertModelName } from './op-bodies.js';

/**
 * Room left in a frame around an `infer.kserve` body: the frame kind, id, op, model name, the other fields
 * and their MessagePack headers take well under this.
 */
const KSERVE_FRAME_ENVELOPE_BYTES = 4096;
/**
 * Largest Open Inference Protocol body, request or response, that `infer.kserve` carries: it travels whole
 * in one frame. Larger tensors fit when sent as binary tensor data, which is 2-10x smaller than JSON text.
 */
export const MAX_INLINE_KSERVE_BODY_BYTES = MAX_FRAME_BYTES - KSERVE_FRAME_ENVELOPE_BYTES;

/**
 * `infer.kserve` (docs/protocol.md §infer.kserve): a `POST /v2/models/{name}/infer` body exactly as the HTTP
 * client sent it. The enclave parses it (parseKserveInferRequest) and writes the HTTP response body itself,
 * so the untrusted parent neither interprets the request nor rebuilds the answer: it relays bytes.
 */
export interface InferKserveRequest {
  /** From the URL path. */
  readonly model: string;
  readonly body: Uint8Array;
  /** The Inference-Header-Content-Length value, when the client used binary tensor data. */
  readonly jsonBytes?: number;
  readonly timeoutMs?: number;
}

export interface InferKserveResponse {
  /** The HTTP response body, receipt included. */
  readonly body: Uint8Array;
  /** Set when the body carries binary tensor data: the Inference-Header-Content-Length to send. */
  readonly jsonBytes?: number;
  /** A plan receipt's id, for the parent to route GET /v1/receipts/{id} to this enclave; absent otherwise. */
  readonly receiptId?: string;
}

export function encodeInferKserveRequest(request: InferKserveRequest): Fields {
  return {
    model: request.model,
    body: request.body,
    ...(request.jsonBytes === undefined ? {} : { json_bytes: request.jsonBytes }),
    ...(request.timeoutMs === undefined ? {} : { timeout_ms: request.timeoutMs }),
  };
}

export function parseInferKserveRequest(body: unknown): InferKserveRequest {
  const f = readObject(body, 'infer.kserve', ['model', 'body', 'json_bytes', 'timeout_ms']);
  const bytes = readBytes(f, 'body', 'infer.kserve', MAX_INLINE_KSERVE_BODY_BYTES);
  const jsonBytes = readJsonBytes(f, bytes, 'infer.kserve');
  const timeoutMs = readOptionalUint(f, 'timeout_ms', 'infer.kserve', MAX_REQUEST_TIMEOUT_MS);
  return {
    model: assertModelName(readString(f, 'model', 'infer.kserve', MAX_MODEL_NAME_CHARS), 'infer.kserve.model'),
    body: bytes,
    ...(jsonBytes === undefined ? {} : { jsonBytes }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
}

export function encodeInferKserveResponse(response: InferKserveResponse): Fields {
  if (response.body.length > MAX_INLINE_KSERVE_BODY_BYTES) {
    throw createError('PRV_ERR_KSERVE_OUTPUT_UNREPRESENTABLE', `the response body would be ${response.body.length} bytes, more than ${MAX_INLINE_KSERVE_BODY_BYTES}`);
  }
  return {
    body: response.body,
    ...(response.jsonBytes === undefined ? {} : { json_bytes: response.jsonBytes }),
    ...(response.receiptId === undefined ? {} : { receipt_id: response.receiptId }),
  };
}

/** The parent relays the body without reading it; it checks only the envelope it acts on. */
export function parseInferKserveResponse(body: unknown): InferKserveResponse {
  const f = readObject(body, 'infer.kserve response', ['body', 'json_bytes', 'receipt_id']);
  const bytes = readBytes(f, 'body', 'infer.kserve response', MAX_INLINE_KSERVE_BODY_BYTES);
  const jsonBytes = readJsonBytes(f, bytes, 'infer.kserve response');
  const receiptId = readOptionalString(f, 'receipt_id', 'infer.kserve response', 32);
  if (receiptId !== undefined && !RECEIPT_ID_PATTERN.test(receiptId)) {
    throw createError('PRV_ERR_WIRE_MALFORMED', 'infer.kserve response.receipt_id must be 32 lowercase hex digits');
  }
  return {
    body: bytes,
    ...(jsonBytes === undefined ? {} : { jsonBytes }),
    ...(receiptId === undefined ? {} : { receiptId }),
  };
}

function readJsonBytes(f: Fields, body: Uint8Array, path: string): number | undefined {
  const jsonBytes = readOptionalUint(f, 'json_bytes', path, MAX_INLINE_KSERVE_BODY_BYTES);
  if (jsonBytes !== undefined && jsonBytes > body.length) {
    throw createError('PRV_ERR_WIRE_MALFORMED', `${path}.json_bytes exceeds the body length`);
  }
  return jsonBytes;
}
