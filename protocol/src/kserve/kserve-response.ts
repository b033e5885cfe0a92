import { createError } from '../errors/index.js';
import { MAX_TENSOR_RANK, MAX_TENSORS_PER_REQUEST } from '../limits.js';
import { assertTensorSet, elementCount, isTensorDType, MAX_TENSOR_NAME_CHARS, TENSOR_DTYPES, type Tensor } from '../tensor/index.js';
import { joinInferenceBody, splitInferenceBody } from './kserve-body.js';
import { jsonArray, jsonObject, jsonString, malformed } from './kserve-json-fields.js';
import { MAX_KSERVE_ID_CHARS } from './kserve-limits.js';
import { bytesToJsonText, jsonDataToBytes } from './kserve-tensor-data.js';

/** What an inference response carries (Open Inference Protocol §Inference response JSON). */
export interface KserveInferResponse {
  readonly modelName: string;
  /** The model's SHA-256, lowercase hex: the version a receipt's model claim names. */
  readonly modelVersion: string;
  readonly id?: string;
  readonly outputs: readonly Tensor[];
  /** The enclave's receipt, passed through unaltered (ReceiptJson); checked by the verifier, not here. */
  readonly receipt: unknown;
}

/**
 * Writes the response body. Outputs named in `binaryOutputs` go as binary tensor data after the JSON
 * (parameters.binary_data_size, no "data"); then `jsonBytes` is set and must be sent as the
 * Inference-Header-Content-Length header. The receipt is serialized with JSON.stringify as received.
 */
export function encodeKserveInferResponse(
  response: KserveInferResponse,
  binaryOutputs: (name: string) => boolean = () => false,
): { body: Uint8Array; jsonBytes?: number } {
  const binary: Uint8Array[] = [];
  const outputs = response.outputs.map((tensor, i) => {
    const head = `"name":${JSON.stringify(tensor.name)},"datatype":"${tensor.dtype}","shape":${JSON.stringify(tensor.shape)}`;
    if (binaryOutputs(tensor.name)) {
      binary.push(tensor.data);
      return `{${head},"parameters":{"binary_data_size":${tensor.data.length}}}`;
    }
    return `{${head},"data":${bytesToJsonText(tensor.dtype, tensor.data, `outputs[${i}] (${tensor.name})`)}}`;
  });
  const text =
    `{"model_name":${JSON.stringify(response.modelName)},"model_version":${JSON.stringify(response.modelVersion)},` +
    (response.id === undefined ? '' : `"id":${JSON.stringify(response.id)},`) +
    `"outputs":[${outputs.join(',')}],"parameters":{"receipt":${JSON.stringify(response.receipt)}}}`;
  return joinInferenceBody(text, binary);
}

const RESPONSE_KEYS = ['model_name', 'model_version', 'id', 'outputs', 'parameters'];

/**
 * Parses a response body back into tensors, so a client (the browser verifier included) can recompute the
 * receipt's output hash from exactly what it received.
 */
export function parseKserveInferResponse(body: Uint8Array, jsonBytes?: number): KserveInferResponse {
  const { json, binary } = splitInferenceBody(body, jsonBytes);
  const f = jsonObject(json, 'response', RESPONSE_KEYS);
  const parameters = jsonObject(f.parameters, 'response.parameters', ['receipt']);
  if (parameters.receipt === undefined) throw malformed('response.parameters.receipt is missing');
  let offset = 0;
  const outputs = jsonArray(f, 'outputs', 'response', MAX_TENSORS_PER_REQUEST).map((raw, i): Tensor => {
    const path = `response.outputs[${i}]`;
    const o = jsonObject(raw, path, ['name', 'datatype', 'shape', 'parameters', 'data']);
    const dtype = o.datatype;
    if (!isTensorDType(dtype)) throw createError('PRV_ERR_KSERVE_DATATYPE', `${path}.datatype is not supported`);
    const shape = jsonArray(o, 'shape', path, MAX_TENSOR_RANK).map((dim) => {
      if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0) throw malformed(`${path}.shape must hold non-negative integers`);
      return dim;
    });
    const count = elementCount(shape, `${path}.shape`);
    const name = jsonString(o, 'name', path, MAX_TENSOR_NAME_CHARS);
    const p = o.parameters === undefined ? {} : jsonObject(o.parameters, `${path}.parameters`, ['binary_data_size']);
    if (p.binary_data_size === undefined) return { name, dtype, shape, data: jsonDataToBytes(dtype, o.data, count, `${path}.data`) };
    const size = count * TENSOR_DTYPES[dtype].bytes;
    if (p.binary_data_size !== size || o.data !== undefined || offset + size > binary.length) {
      throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${path} binary_data_size does not match its shape or the body`);
    }
    const data = Uint8Array.from(binary.subarray(offset, offset + size));
    offset += size;
    return { name, dtype, shape, data };
  });
  if (offset !== binary.length) throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${binary.length - offset} unclaimed binary bytes`);
  assertTensorSet(outputs, 'response.outputs');
  const id = f.id === undefined ? undefined : jsonString(f, 'id', 'response', MAX_KSERVE_ID_CHARS);
  return {
    modelName: jsonString(f, 'model_name', 'response', 256),
    modelVersion: jsonString(f, 'model_version', 'response', 256),
    ...(id === undefined ? {} : { id }),
    outputs,
    receipt: parameters.receipt,
  };
}
