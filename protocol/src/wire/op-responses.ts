import { fromHex, toHex } from '../encoding/index.js';
import { createError } from '../errors/index.js';
import { MAX_ATTESTATION_DOCUMENT_BYTES, MAX_MODEL_BYTES, MAX_MODEL_NAME_CHARS, MAX_TENSOR_RANK, MAX_TENSORS_PER_REQUEST } from '../limits.js';
import { PLAN_RECEIPT_FORMAT, parsePlanReceipt, parseReceipt, type PlanReceiptJson, type ReceiptJson } from '../receipt/index.js';
import { assertTensorSet, isTensorDType, MAX_TENSOR_NAME_CHARS } from '../tensor/index.js';
import { readArray, readBool, readBytes, readEnum, readObject, readOptionalString, readString, readUint, type Fields } from './field-readers.js';
import { MAX_PLAN_JSON_BYTES } from '../plan/index.js';
import {
  assertModelName,
  parseWireTensor,
  wireTensor,
  type AttestResponse,
  type EnclaveStatus,
  type InferResponse,
  type ModelInfo,
  type TensorSpec,
} from './op-bodies.js';

/**
 * Response bodies of every op (docs/protocol.md §Operations). The enclave encodes them; the parent parses
 * them strictly, because the parent must never forward a shape it did not check. Keys are snake_case.
 */

/** Most models one enclave holds; model.list answers are refused above it. */
export const MAX_MODELS_PER_ENCLAVE = 256;
/** The effective-config CBOR an enclave attests to; small by construction (no model bytes, no secrets). */
export const MAX_CONFIG_BYTES = 4096;
/** SEC1 uncompressed P-256 public key: 0x04 || X || Y. */
export const SESSION_KEY_BYTES = 65;
/** Unix milliseconds up to year ~2255: anything larger is not a clock reading. */
const MAX_TIMESTAMP_MS = 2 ** 43;
const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

function malformed(detail: string): Error {
  return createError('PRV_ERR_WIRE_MALFORMED', detail);
}

// --- infer -------------------------------------------------------------------------------------------

export function encodeInferResponse(response: InferResponse): Fields {
  return {
    model: { name: response.model.name, sha256: response.model.sha256 },
    outputs: response.outputs.map(wireTensor),
    receipt: response.receipt.format === PLAN_RECEIPT_FORMAT ? planReceiptFields(response.receipt) : receiptFields(response.receipt),
  };
}

export function parseInferResponse(body: unknown): InferResponse {
  const f = readObject(body, 'infer response', ['model', 'outputs', 'receipt']);
  const model = readObject(f.model, 'infer response.model', ['name', 'sha256']);
  const outputs = readArray(f, 'outputs', 'infer response', MAX_TENSORS_PER_REQUEST).map((t, i) => parseWireTensor(t, `infer response.outputs[${i}]`));
  assertTensorSet(outputs, 'infer response.outputs');
  return {
    model: { name: readModelName(model, 'name', 'infer response.model'), sha256: readSha256Hex(model, 'sha256', 'infer response.model') },
    outputs,
    receipt: parseAnyReceiptFields(f.receipt, 'infer response.receipt'),
  };
}

// --- receipt.get -------------------------------------------------------------------------------------

export function encodeReceiptGetResponse(receipt: PlanReceiptJson): Fields {
  return { receipt: planReceiptFields(receipt) };
}

export function parseReceiptGetResponse(body: unknown): PlanReceiptJson {
  const f = readObject(body, 'receipt.get response', ['receipt']);
  return parsePlanReceiptFields(f.receipt, 'receipt.get response.receipt');
}

/** A v1 or a plan receipt, told apart by format; each parsed by its own strict parser. */
function parseAnyReceiptFields(value: unknown, path: string): ReceiptJson | PlanReceiptJson {
  const format = value !== null && typeof value === 'object' ? (value as { format?: unknown }).format : undefined;
  return format === PLAN_RECEIPT_FORMAT ? parsePlanReceiptFields(value, path) : parseReceiptFields(value, path);
}

/**
 * A plan receipt's values are plain JSON (strings, numbers, arrays, objects; snarkjs' proof and key inside
 * the proof entries), so it crosses the wire as it is. The parent checks it with parsePlanReceipt (exact
 * fields at every level the format fixes, sizes) and then passes the same values on, never re-encoded.
 */
function planReceiptFields(receipt: PlanReceiptJson): Fields {
  return receipt as unknown as Fields;
}

function parsePlanReceiptFields(value: unknown, path: string): PlanReceiptJson {
  try {
    parsePlanReceipt(value);
  } catch (error) {
    throw createError('PRV_ERR_WIRE_MALFORMED', `${path} is not a valid plan receipt`, { cause: error });
  }
  return value as PlanReceiptJson;
}

/** Copies a receipt field by field so nothing but the receipt's own fields reaches the wire. */
function receiptFields(receipt: ReceiptJson): Fields {
  const out: Record<string, unknown> = {
    format: receipt.format,
    mode: receipt.mode,
    claims: receipt.claims,
    session_key: receipt.session_key,
  };
  if (receipt.signature !== undefined) out.signature = receipt.signature;
  if (receipt.attestation !== undefined) out.attestation = receipt.attestation;
  if (receipt.inclusion !== undefined) {
    out.inclusion = { index: receipt.inclusion.index, size: receipt.inclusion.size, path: [...receipt.inclusion.path] };
  }
  return out;
}

/**
 * The receipt is checked with parseReceipt (exact fields per mode, sizes, base64) and then returned as the
 * same JSON values, untouched: the parent passes it through verbatim and never re-encodes it.
 */
function parseReceiptFields(value: unknown, path: string): ReceiptJson {
  const f = readObject(value, path, ['format', 'mode', 'claims', 'session_key', 'signature', 'attestation', 'inclusion']);
  try {
    parseReceipt(f);
  } catch (error) {
    throw createError('PRV_ERR_WIRE_MALFORMED', `${path} is not a valid receipt`, { cause: error });
  }
  const receipt = receiptFields(f as unknown as ReceiptJson);
  return receipt as unknown as ReceiptJson;
}

// --- model.put / model.list / model.delete -------------------------------------------------------------

export function encodeModelInfo(info: ModelInfo): Fields {
  return {
    name: info.name,
    sha256: info.sha256,
    size: info.size,
    loaded_at: info.loadedAt,
    source: info.source,
    inputs: info.inputs.map(specFields),
    outputs: info.outputs.map(specFields),
    plan: info.plan,
  };
}

export function parseModelInfo(body: unknown, path = 'model info'): ModelInfo {
  const f = readObject(body, path, ['name', 'sha256', 'size', 'loaded_at', 'source', 'inputs', 'outputs', 'plan']);
  // Required (nil when the model has no default plan), so a parent never mistakes an old enclave's silence for "none".
  if (!Object.hasOwn(f, 'plan')) throw malformed(`${path}.plan is required (nil for none)`);
  const plan = readOptionalString(f, 'plan', path, MAX_PLAN_JSON_BYTES) ?? null;
  const size = readUint(f, 'size', path, MAX_MODEL_BYTES);
  if (size === 0) throw malformed(`${path}.size must be positive`);
  return {
    name: readModelName(f, 'name', path),
    sha256: readSha256Hex(f, 'sha256', path),
    size,
    loadedAt: readUint(f, 'loaded_at', path, MAX_TIMESTAMP_MS),
    source: readEnum(f, 'source', path, ['boot', 'upload'] as const),
    inputs: readSpecs(f, 'inputs', path),
    outputs: readSpecs(f, 'outputs', path),
    plan,
  };
}

export function encodeModelList(models: readonly ModelInfo[]): Fields {
  return { models: models.map(encodeModelInfo) };
}

export function parseModelList(body: unknown): ModelInfo[] {
  const f = readObject(body, 'model.list response', ['models']);
  const models = readArray(f, 'models', 'model.list response', MAX_MODELS_PER_ENCLAVE).map((m, i) => parseModelInfo(m, `model.list response.models[${i}]`));
  const names = new Set<string>();
  for (const model of models) {
    if (names.has(model.name)) throw malformed(`model.list response names ${model.name} twice`);
    names.add(model.name);
  }
  return models;
}

/** model.delete answers an empty map. */
export function encodeEmptyResponse(): Fields {
  return {};
}

export function parseEmptyResponse(body: unknown, op: string): void {
  readObject(body, `${op} response`, []);
}

function specFields(spec: TensorSpec): Fields {
  return { name: spec.name, dtype: spec.dtype, shape: [...spec.shape] };
}

function readSpecs(f: Fields, key: string, path: string): TensorSpec[] {
  const specs = readArray(f, key, path, MAX_TENSORS_PER_REQUEST).map((value, i) => {
    const at = `${path}.${key}[${i}]`;
    const s = readObject(value, at, ['name', 'dtype', 'shape']);
    const dtype = s.dtype;
    if (!isTensorDType(dtype)) throw malformed(`${at}.dtype is not a supported datatype`);
    const shape = readArray(s, 'shape', at, MAX_TENSOR_RANK).map((dim) => {
      if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < -1) throw malformed(`${at}.shape holds a bad dimension`);
      return dim;
    });
    const name = readString(s, 'name', at, MAX_TENSOR_NAME_CHARS);
    if (name.length === 0) throw malformed(`${at}.name must not be empty`);
    return { name, dtype, shape };
  });
  const names = new Set(specs.map((spec) => spec.name));
  if (names.size !== specs.length) throw malformed(`${path}.${key} repeats a name`);
  return specs;
}

// --- attest ------------------------------------------------------------------------------------------

export function encodeAttestResponse(response: AttestResponse): Fields {
  return {
    document: response.document,
    boot_document: response.bootDocument,
    session_key: response.sessionKey,
    config: response.config,
  };
}

export function parseAttestResponse(body: unknown): AttestResponse {
  const f = readObject(body, 'attest response', ['document', 'boot_document', 'session_key', 'config']);
  const sessionKey = readBytes(f, 'session_key', 'attest response', SESSION_KEY_BYTES);
  if (sessionKey.length !== SESSION_KEY_BYTES || sessionKey[0] !== 0x04) throw malformed('attest response.session_key must be a 65-byte uncompressed P-256 point');
  const document = readBytes(f, 'document', 'attest response', MAX_ATTESTATION_DOCUMENT_BYTES);
  const bootDocument = readBytes(f, 'boot_document', 'attest response', MAX_ATTESTATION_DOCUMENT_BYTES);
  const config = readBytes(f, 'config', 'attest response', MAX_CONFIG_BYTES);
  if (document.length === 0 || bootDocument.length === 0 || config.length === 0) throw malformed('attest response holds an empty field');
  return { document, bootDocument, sessionKey, config };
}

// --- status ------------------------------------------------------------------------------------------

export function encodeStatus(status: EnclaveStatus): Fields {
  return {
    ready: status.ready,
    models: status.models,
    in_flight: status.inFlight,
    queued: status.queued,
    receipts: status.receipts,
    uptime_ms: status.uptimeMs,
  };
}

export function parseStatus(body: unknown): EnclaveStatus {
  const f = readObject(body, 'status response', ['ready', 'models', 'in_flight', 'queued', 'receipts', 'uptime_ms']);
  return {
    ready: readBool(f, 'ready', 'status response'),
    models: readUint(f, 'models', 'status response', MAX_MODELS_PER_ENCLAVE),
    inFlight: readUint(f, 'in_flight', 'status response', MAX_COUNTER),
    queued: readUint(f, 'queued', 'status response', MAX_COUNTER),
    receipts: readUint(f, 'receipts', 'status response', MAX_COUNTER),
    uptimeMs: readUint(f, 'uptime_ms', 'status response', MAX_COUNTER),
  };
}

// --- shared fields -----------------------------------------------------------------------------------

function readModelName(f: Fields, key: string, path: string): string {
  const name = readString(f, key, path, MAX_MODEL_NAME_CHARS);
  try {
    return assertModelName(name, `${path}.${key}`);
  } catch {
    throw malformed(`${path}.${key} is not a valid model name`);
  }
}

/** Lowercase hex, as `sha256sum` prints it. */
function readSha256Hex(f: Fields, key: string, path: string): string {
  const hex = readString(f, key, path, 64);
  if (!/^[0-9a-f]{64}$/.test(hex)) throw malformed(`${path}.${key} must be 64 lowercase hex chars`);
  return hex;
}

/** Lowercase hex of a 32-byte digest, for model identities on the wire. */
export function sha256Hex(digest: Uint8Array): string {
  if (digest.length !== 32) throw createError('PRV_ERR_INVALID_ARGUMENT', 'a SHA-256 digest has 32 bytes');
  return toHex(digest);
}

/** The 32 bytes behind a model's sha256 hex. */
export function sha256FromHex(hex: string): Uint8Array {
  return fromHex(hex, 'sha256');
}
