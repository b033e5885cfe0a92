import { createError } from '../errors/index.js';
import { MAX_MODEL_BYTES, MAX_MODEL_NAME_CHARS, MAX_NONCE_BYTES, MAX_TENSORS_PER_REQUEST, MAX_TENSOR_RANK, MAX_FRAME_BYTES } from '../limits.js';
import { MAX_PLAN_JSON_BYTES } from '../plan/index.js';
import { RECEIPT_ID_PATTERN, RECEIPT_MODES, type PlanReceiptJson, type ReceiptJson, type ReceiptMode } from '../receipt/index.js';
import { assertTensorSet, isTensorDType, MAX_TENSOR_NAME_CHARS, type Tensor, type TensorDType } from '../tensor/index.js';
import {
  readArray,
  readBytes,
  readEnum,
  readObject,
  readBool,
  readOptionalBytes,
  readOptionalString,
  readOptionalUint,
  readString,
  readUint,
  type Fields,
} from './field-readers.js';

/** Operations the parent may request (docs/protocol.md §Operations). */
export const OPS = ['infer', 'infer.kserve', 'model.put', 'model.delete', 'model.list', 'attest', 'status', 'receipt.get'] as const;
export type Op = (typeof OPS)[number];

/** KServe-compatible model names: they appear in URL paths. */
const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
/** Longest deadline a request may ask for. */
export const MAX_REQUEST_TIMEOUT_MS = 10 * 60 * 1000;

export interface InferRequest {
  readonly model: string;
  readonly inputs: readonly Tensor[];
  /** Output names to return; all model outputs when absent. */
  readonly outputs?: readonly string[];
  readonly receipt: ReceiptMode;
  readonly nonce?: Uint8Array;
  readonly timeoutMs?: number;
  /**
   * Proof plan JSON text (docs/plans.md §1), at most MAX_PLAN_JSON_BYTES; the enclave parses it. Absent:
   * the model's default plan, or the v1 path when the model has none.
   */
  readonly plan?: string;
  /** Answer only once every proof of the plan receipt is settled (or the deadline passes). */
  readonly wait?: boolean;
}

export interface TensorSpec {
  readonly name: string;
  readonly dtype: TensorDType;
  /** -1 marks a dynamic dimension, as KServe model metadata does. */
  readonly shape: readonly number[];
}

export interface ModelInfo {
  readonly name: string;
  /** Lowercase hex SHA-256 of the ONNX bytes. */
  readonly sha256: string;
  readonly size: number;
  readonly loadedAt: number;
  readonly source: 'boot' | 'upload';
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /** The model's default proof plan in canonical JSON (encodePlanJson), or null. */
  readonly plan: string | null;
}

export interface InferResponse {
  readonly model: { readonly name: string; readonly sha256: string };
  readonly outputs: readonly Tensor[];
  /** A v1 receipt (docs/receipts.md §4), or a plan receipt (§7) when a proof plan applied. */
  readonly receipt: ReceiptJson | PlanReceiptJson;
}

/** receipt.get: the plan receipt with this id, as it stands (or once settled, with `wait`). */
export interface ReceiptGetRequest {
  readonly id: string;
  readonly wait?: boolean;
}

export interface ModelPutRequest {
  readonly name: string;
  readonly size: number;
  /** When given, the enclave refuses bytes whose SHA-256 differs. */
  readonly sha256?: Uint8Array;
  /** The model's default proof plan (JSON text); the enclave parses it and starts zk setup at upload. */
  readonly plan?: string;
}

export interface AttestRequest {
  readonly nonce?: Uint8Array;
}

export interface AttestResponse {
  /** A fresh NSM document: nonce = the request's, public_key = the session key, user_data = config digest. */
  readonly document: Uint8Array;
  /** The document taken at boot, which session-mode receipts rely on. */
  readonly bootDocument: Uint8Array;
  readonly sessionKey: Uint8Array;
  /** Deterministic CBOR of the enclave's effective configuration; its SHA-256 is the documents' user_data. */
  readonly config: Uint8Array;
}

export interface EnclaveStatus {
  readonly ready: boolean;
  readonly models: number;
  readonly inFlight: number;
  readonly queued: number;
  readonly receipts: number;
  readonly uptimeMs: number;
}

export function assertModelName(name: string, path = 'model'): string {
  if (name.length === 0 || name.length > MAX_MODEL_NAME_CHARS || !MODEL_NAME.test(name)) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', `${path} must match ${MODEL_NAME.source} and have at most ${MAX_MODEL_NAME_CHARS} chars`);
  }
  return name;
}

export function isOp(value: string): value is Op {
  return (OPS as readonly string[]).includes(value);
}

export function parseInferRequest(body: unknown): InferRequest {
  const f = readObject(body, 'infer', ['model', 'inputs', 'outputs', 'receipt', 'nonce', 'timeout_ms', 'plan', 'wait']);
  const inputs = readArray(f, 'inputs', 'infer', MAX_TENSORS_PER_REQUEST).map((t, i) => parseWireTensor(t, `infer.inputs[${i}]`));
  assertTensorSet(inputs, 'infer.inputs');
  const outputs = f.outputs === undefined || f.outputs === null ? undefined : readArray(f, 'outputs', 'infer', MAX_TENSORS_PER_REQUEST).map((name, i) => {
    if (typeof name !== 'string' || name.length === 0 || name.length > MAX_TENSOR_NAME_CHARS) throw malformed(`infer.outputs[${i}] must be a tensor name`);
    return name;
  });
  const nonce = readOptionalBytes(f, 'nonce', 'infer', MAX_NONCE_BYTES);
  if (nonce !== undefined && nonce.length === 0) throw malformed('infer.nonce must not be empty');
  const timeoutMs = readOptionalUint(f, 'timeout_ms', 'infer', MAX_REQUEST_TIMEOUT_MS);
  const plan = readPlanText(f, 'infer');
  const wait = readOptionalBool(f, 'wait', 'infer');
  return {
    model: assertModelName(readString(f, 'model', 'infer', MAX_MODEL_NAME_CHARS), 'infer.model'),
    inputs,
    receipt: readEnum(f, 'receipt', 'infer', RECEIPT_MODES),
    ...(outputs === undefined ? {} : { outputs }),
    ...(nonce === undefined ? {} : { nonce }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...(plan === undefined ? {} : { plan }),
    ...(wait === undefined ? {} : { wait }),
  };
}

export function encodeInferRequest(request: InferRequest): Fields {
  return {
    model: request.model,
    inputs: request.inputs.map(wireTensor),
    receipt: request.receipt,
    ...(request.outputs === undefined ? {} : { outputs: [...request.outputs] }),
    ...(request.nonce === undefined ? {} : { nonce: request.nonce }),
    ...(request.timeoutMs === undefined ? {} : { timeout_ms: request.timeoutMs }),
    ...(request.plan === undefined ? {} : { plan: request.plan }),
    ...(request.wait === undefined ? {} : { wait: request.wait }),
  };
}

export function parseWireTensor(value: unknown, path: string): Tensor {
  const f = readObject(value, path, ['name', 'dtype', 'shape', 'data']);
  const dtype = f.dtype;
  if (!isTensorDType(dtype)) throw malformed(`${path}.dtype is not a supported datatype`);
  const shape = readArray(f, 'shape', path, MAX_TENSOR_RANK).map((dim) => {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) throw malformed(`${path}.shape holds a bad dimension`);
    return dim;
  });
  return { name: readString(f, 'name', path, MAX_TENSOR_NAME_CHARS), dtype, shape, data: readBytes(f, 'data', path, MAX_FRAME_BYTES) };
}

export function wireTensor(tensor: Tensor): Fields {
  return { name: tensor.name, dtype: tensor.dtype, shape: [...tensor.shape], data: tensor.data };
}

export function parseModelPutRequest(body: unknown): ModelPutRequest {
  const f = readObject(body, 'model.put', ['name', 'size', 'sha256', 'plan']);
  const sha256 = readOptionalBytes(f, 'sha256', 'model.put', 32);
  if (sha256 !== undefined && sha256.length !== 32) throw malformed('model.put.sha256 must be 32 bytes');
  const size = readUint(f, 'size', 'model.put', MAX_MODEL_BYTES);
  if (size === 0) throw malformed('model.put.size must be positive');
  const plan = readPlanText(f, 'model.put');
  return {
    name: assertModelName(readString(f, 'name', 'model.put', MAX_MODEL_NAME_CHARS), 'model.put.name'),
    size,
    ...(sha256 === undefined ? {} : { sha256 }),
    ...(plan === undefined ? {} : { plan }),
  };
}

export function encodeModelPutRequest(request: ModelPutRequest): Fields {
  return {
    name: request.name,
    size: request.size,
    ...(request.sha256 === undefined ? {} : { sha256: request.sha256 }),
    ...(request.plan === undefined ? {} : { plan: request.plan }),
  };
}

export function parseReceiptGetRequest(body: unknown): ReceiptGetRequest {
  const f = readObject(body, 'receipt.get', ['id', 'wait']);
  const id = readString(f, 'id', 'receipt.get', 32);
  if (!RECEIPT_ID_PATTERN.test(id)) throw malformed('receipt.get.id must be 32 lowercase hex digits');
  const wait = readOptionalBool(f, 'wait', 'receipt.get');
  return { id, ...(wait === undefined ? {} : { wait }) };
}

export function encodeReceiptGetRequest(request: ReceiptGetRequest): Fields {
  return { id: request.id, ...(request.wait === undefined ? {} : { wait: request.wait }) };
}

export function parseModelNameRequest(body: unknown, op: 'model.delete'): { name: string } {
  const f = readObject(body, op, ['name']);
  return { name: assertModelName(readString(f, 'name', op, MAX_MODEL_NAME_CHARS), `${op}.name`) };
}

export function parseAttestRequest(body: unknown): AttestRequest {
  const f = readObject(body, 'attest', ['nonce']);
  const nonce = readOptionalBytes(f, 'nonce', 'attest', MAX_NONCE_BYTES);
  return nonce === undefined ? {} : { nonce };
}

export function parseEmptyRequest(body: unknown, op: string): void {
  readObject(body, op, []);
}

/**
 * Plan text is checked for size here (chars bound UTF-8 bytes from below, so this is a cheap first cut);
 * its content is the enclave's to parse (parsePlanJson), so plan errors keep their PRV_ERR_PLAN_* codes.
 */
function readPlanText(f: Fields, path: string): string | undefined {
  const plan = readOptionalString(f, 'plan', path, MAX_PLAN_JSON_BYTES);
  if (plan !== undefined && plan.length === 0) throw malformed(`${path}.plan must not be empty`);
  return plan;
}

function readOptionalBool(f: Fields, key: string, path: string): boolean | undefined {
  return f[key] === undefined || f[key] === null ? undefined : readBool(f, key, path);
}

function malformed(detail: string): Error {
  return createError('PRV_ERR_WIRE_MALFORMED', detail);
}
