import { createError } from '../errors/index.js';
import { fromHex, toHex } from '../encoding/index.js';
import { MAX_NONCE_BYTES, MAX_TENSOR_RANK, MAX_TENSORS_PER_REQUEST } from '../limits.js';
import { encodePlanJson, parsePlan, parsePlanJson, type ProofPlan } from '../plan/index.js';
import { RECEIPT_MODES, type ReceiptMode } from '../receipt/index.js';
import { assertTensorSet, elementCount, isTensorDType, MAX_TENSOR_NAME_CHARS, TENSOR_DTYPES, type Tensor } from '../tensor/index.js';
import { joinInferenceBody, splitInferenceBody } from './kserve-body.js';
import { jsonArray, jsonBoolean, jsonObject, jsonString, malformed, type JsonFields } from './kserve-json-fields.js';
import { MAX_KSERVE_ID_CHARS } from './kserve-limits.js';
import { bytesToJsonText, jsonDataToBytes } from './kserve-tensor-data.js';

/** An output the client asked for; `binary` is its own binary_data parameter when given. */
export interface KserveRequestedOutput {
  readonly name: string;
  readonly binary?: boolean;
}

/** A validated `POST /v2/models/{name}/infer` request (Open Inference Protocol §Inference request JSON). */
export interface KserveInferRequest {
  readonly id?: string;
  readonly inputs: readonly Tensor[];
  /** Absent: every model output, as the protocol says. */
  readonly outputs?: readonly KserveRequestedOutput[];
  readonly receiptMode: ReceiptMode;
  readonly nonce?: Uint8Array;
  /** Request-level binary_data_output: outputs without their own binary_data parameter follow it. */
  readonly binaryDataOutput: boolean;
  /** parameters.plan, checked and in canonical JSON (docs/plans.md §1); absent: the model's default plan. */
  readonly plan?: string;
  /** parameters.wait: answer only once every proof of the plan receipt is settled. */
  readonly wait?: boolean;
}

const REQUEST_KEYS = ['id', 'parameters', 'inputs', 'outputs'];
const PARAMETER_KEYS = ['receipt_mode', 'nonce', 'binary_data_output', 'plan', 'wait'];
const INPUT_KEYS = ['name', 'shape', 'datatype', 'parameters', 'data'];

/**
 * Parses an inference request body. `jsonBytes` is the Inference-Header-Content-Length value when the
 * client used the binary tensor data extension: inputs with parameters.binary_data_size then take their
 * bytes, in input order, from the body after the JSON, and those bytes must be used up exactly.
 */
export function parseKserveInferRequest(body: Uint8Array, jsonBytes?: number): KserveInferRequest {
  const { json, binary } = splitInferenceBody(body, jsonBytes);
  const f = jsonObject(json, 'request', REQUEST_KEYS);
  const id = f.id === undefined ? undefined : jsonString(f, 'id', 'request', MAX_KSERVE_ID_CHARS);
  const parameters = f.parameters === undefined ? {} : jsonObject(f.parameters, 'request.parameters', PARAMETER_KEYS);
  const rawInputs = jsonArray(f, 'inputs', 'request', MAX_TENSORS_PER_REQUEST);
  if (rawInputs.length === 0) throw malformed('request.inputs must not be empty');
  let binaryOffset = 0;
  const inputs = rawInputs.map((raw, i) => {
    const { tensor, binaryBytes } = parseInput(raw, `request.inputs[${i}]`, binary, binaryOffset, jsonBytes !== undefined);
    binaryOffset += binaryBytes;
    return tensor;
  });
  if (binaryOffset !== binary.length) {
    throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `inputs declare ${binaryOffset} binary bytes, the body carries ${binary.length}`);
  }
  assertTensorSet(inputs, 'request.inputs');
  const outputs = f.outputs === undefined ? undefined : parseOutputs(f);
  const nonce = parseNonce(parameters);
  const receiptMode = parameters.receipt_mode === undefined ? 'session' : parameters.receipt_mode;
  if (typeof receiptMode !== 'string' || !(RECEIPT_MODES as readonly string[]).includes(receiptMode)) {
    throw malformed(`request.parameters.receipt_mode must be one of ${RECEIPT_MODES.join(', ')}`);
  }
  const plan = parameters.plan === undefined ? undefined : encodePlanJson(parsePlanParameter(parameters.plan));
  const wait = jsonBoolean(parameters, 'wait', 'request.parameters');
  return {
    ...(id === undefined ? {} : { id }),
    inputs,
    ...(outputs === undefined ? {} : { outputs }),
    receiptMode: receiptMode as ReceiptMode,
    ...(nonce === undefined ? {} : { nonce }),
    binaryDataOutput: jsonBoolean(parameters, 'binary_data_output', 'request.parameters') ?? false,
    ...(plan === undefined ? {} : { plan }),
    ...(wait === undefined ? {} : { wait }),
  };
}

/**
 * parameters.plan is the plan's JSON array itself or a string holding it (KServe parameters are JSON
 * values; some clients only send strings). Plan errors keep their PRV_ERR_PLAN_* codes.
 */
function parsePlanParameter(value: unknown): ProofPlan {
  if (typeof value === 'string') return parsePlanJson(value);
  if (Array.isArray(value)) return parsePlan(value);
  throw createError('PRV_ERR_PLAN_MALFORMED', 'request.parameters.plan must be a plan array or a string holding one');
}

function parseInput(
  raw: unknown,
  path: string,
  binary: Uint8Array,
  offset: number,
  binaryAllowed: boolean,
): { tensor: Tensor; binaryBytes: number } {
  const f = jsonObject(raw, path, INPUT_KEYS);
  const name = jsonString(f, 'name', path, MAX_TENSOR_NAME_CHARS);
  const dtype = f.datatype;
  if (typeof dtype !== 'string') throw malformed(`${path}.datatype must be a string`);
  if (!isTensorDType(dtype)) throw createError('PRV_ERR_KSERVE_DATATYPE', `${path}.datatype is not one of ${Object.keys(TENSOR_DTYPES).join(', ')}`);
  const shape = jsonArray(f, 'shape', path, MAX_TENSOR_RANK).map((dim) => {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) throw malformed(`${path}.shape must hold non-negative integers`);
    return dim;
  });
  const count = elementCount(shape, `${path}.shape`);
  const parameters = f.parameters === undefined ? {} : jsonObject(f.parameters, `${path}.parameters`, ['binary_data_size']);
  const declared = parameters.binary_data_size;
  if (declared === undefined) {
    if (f.data === undefined) throw malformed(`${path} needs data or parameters.binary_data_size`);
    return { tensor: { name, dtype, shape, data: jsonDataToBytes(dtype, f.data, count, `${path}.data`) }, binaryBytes: 0 };
  }
  if (!binaryAllowed) throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${path} declares binary_data_size without an Inference-Header-Content-Length header`);
  if (f.data !== undefined) throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${path} has both data and binary_data_size`);
  const expected = count * TENSOR_DTYPES[dtype].bytes;
  if (declared !== expected) throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${path}.parameters.binary_data_size must be ${expected} for its datatype and shape`);
  if (offset + expected > binary.length) throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${path} runs past the end of the body`);
  const data = Uint8Array.from(binary.subarray(offset, offset + expected));
  if (dtype === 'BOOL' && data.some((byte) => byte > 1)) throw createError('PRV_ERR_KSERVE_ELEMENT_INVALID', `${path} has a BOOL byte that is not 0 or 1`);
  return { tensor: { name, dtype, shape, data }, binaryBytes: expected };
}

function parseOutputs(f: JsonFields): KserveRequestedOutput[] {
  const names = new Set<string>();
  return jsonArray(f, 'outputs', 'request', MAX_TENSORS_PER_REQUEST).map((raw, i) => {
    const path = `request.outputs[${i}]`;
    const o = jsonObject(raw, path, ['name', 'parameters']);
    const name = jsonString(o, 'name', path, MAX_TENSOR_NAME_CHARS);
    if (names.has(name)) throw malformed(`${path}.name repeats an output`);
    names.add(name);
    const parameters = o.parameters === undefined ? {} : jsonObject(o.parameters, `${path}.parameters`, ['binary_data']);
    const binary = jsonBoolean(parameters, 'binary_data', `${path}.parameters`);
    return binary === undefined ? { name } : { name, binary };
  });
}

function parseNonce(parameters: JsonFields): Uint8Array | undefined {
  const value = parameters.nonce;
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > 2 * MAX_NONCE_BYTES) {
    throw malformed(`request.parameters.nonce must be hex of 1 to ${MAX_NONCE_BYTES} bytes`);
  }
  try {
    return fromHex(value, 'nonce');
  } catch {
    throw malformed('request.parameters.nonce must be an even-length hex string');
  }
}

/** Whether an output goes back as binary data: its own binary_data parameter, else the request-level default. */
export function wantsBinaryOutput(request: Pick<KserveInferRequest, 'outputs' | 'binaryDataOutput'>, name: string): boolean {
  return request.outputs?.find((output) => output.name === name)?.binary ?? request.binaryDataOutput;
}

export interface KserveRequestOptions {
  readonly id?: string;
  readonly receiptMode?: ReceiptMode;
  readonly nonce?: Uint8Array;
  /** Send every input as binary tensor data (then pass `jsonBytes` as Inference-Header-Content-Length). */
  readonly binaryInputs?: boolean;
  readonly outputs?: readonly KserveRequestedOutput[];
  readonly binaryDataOutput?: boolean;
  /** Sent as parameters.plan (the array). */
  readonly plan?: ProofPlan;
  readonly wait?: boolean;
}

/** Builds a request body from tensors, for clients, tests and benchmarks. */
export function encodeKserveInferRequest(inputs: readonly Tensor[], options: KserveRequestOptions = {}): { body: Uint8Array; jsonBytes?: number } {
  assertTensorSet(inputs, 'inputs');
  const parameters: Record<string, unknown> = {};
  if (options.receiptMode !== undefined) parameters.receipt_mode = options.receiptMode;
  if (options.nonce !== undefined) parameters.nonce = toHex(options.nonce);
  if (options.binaryDataOutput !== undefined) parameters.binary_data_output = options.binaryDataOutput;
  if (options.plan !== undefined) parameters.plan = JSON.parse(encodePlanJson(options.plan)) as unknown;
  if (options.wait !== undefined) parameters.wait = options.wait;
  const binaryInputs = options.binaryInputs === true;
  const inputTexts = inputs.map((tensor, i) => {
    const head = `"name":${JSON.stringify(tensor.name)},"shape":${JSON.stringify(tensor.shape)},"datatype":"${tensor.dtype}"`;
    if (binaryInputs) return `{${head},"parameters":{"binary_data_size":${tensor.data.length}}}`;
    return `{${head},"data":${bytesToJsonText(tensor.dtype, tensor.data, `inputs[${i}]`)}}`;
  });
  const outputs = options.outputs?.map((output) =>
    output.binary === undefined ? { name: output.name } : { name: output.name, parameters: { binary_data: output.binary } },
  );
  const text =
    '{' +
    (options.id === undefined ? '' : `"id":${JSON.stringify(options.id)},`) +
    (Object.keys(parameters).length === 0 ? '' : `"parameters":${JSON.stringify(parameters)},`) +
    `"inputs":[${inputTexts.join(',')}]` +
    (outputs === undefined ? '' : `,"outputs":${JSON.stringify(outputs)}`) +
    '}';
  return joinInferenceBody(text, binaryInputs ? inputs.map((tensor) => tensor.data) : []);
}
