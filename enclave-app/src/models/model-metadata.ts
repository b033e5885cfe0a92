import { createError, dtypeFromOrt, MAX_TENSOR_RANK, MAX_TENSORS_PER_REQUEST, type TensorSpec } from '@provenant/protocol';
import type { InferenceSession } from 'onnxruntime-node';

/**
 * The model's declared inputs and outputs, read from the onnxruntime session (onnxruntime-common 1.30
 * InferenceSession.inputMetadata / outputMetadata). Symbolic or unknown dimensions become -1, as KServe
 * model metadata writes them. Non-tensor values (sequences, maps) and element types without a KServe
 * datatype (string) are refused at load, so inference never meets them.
 */
export function tensorSpecs(metadata: readonly InferenceSession.ValueMetadata[], what: 'input' | 'output'): TensorSpec[] {
  if (metadata.length === 0 || metadata.length > MAX_TENSORS_PER_REQUEST) {
    throw createError('PRV_ERR_MODEL_UNSUPPORTED', `the model has ${metadata.length} ${what}s (1 to ${MAX_TENSORS_PER_REQUEST} supported)`);
  }
  return metadata.map((value) => {
    if (!value.isTensor) throw createError('PRV_ERR_MODEL_UNSUPPORTED', `${what} ${value.name} is not a tensor`);
    const dtype = dtypeFromOrt(value.type);
    if (dtype === undefined) throw createError('PRV_ERR_MODEL_UNSUPPORTED', `${what} ${value.name} has element type ${value.type}`);
    if (value.shape.length > MAX_TENSOR_RANK) throw createError('PRV_ERR_MODEL_UNSUPPORTED', `${what} ${value.name} has rank above ${MAX_TENSOR_RANK}`);
    const shape = value.shape.map((dim) => (typeof dim === 'number' && Number.isSafeInteger(dim) && dim >= 0 ? dim : -1));
    return { name: value.name, dtype, shape };
  });
}
