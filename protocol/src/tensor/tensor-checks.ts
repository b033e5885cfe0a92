import { createError } from '../errors/index.js';
import { MAX_TENSOR_ELEMENTS, MAX_TENSOR_RANK, MAX_TENSORS_PER_REQUEST } from '../limits.js';
import { TENSOR_DTYPES, type Tensor } from './tensor-dtype.js';

export const MAX_TENSOR_NAME_CHARS = 256;

/** Element count of a shape, refusing ranks, dimensions and totals over the limits. */
export function elementCount(shape: readonly number[], path = 'shape'): number {
  if (shape.length > MAX_TENSOR_RANK) throw createError('PRV_ERR_TENSOR_INVALID', `${path} has rank ${shape.length} > ${MAX_TENSOR_RANK}`);
  let count = 1;
  for (const dim of shape) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw createError('PRV_ERR_TENSOR_INVALID', `${path} has a dimension that is not a non-negative integer`);
    count *= dim;
    if (count > MAX_TENSOR_ELEMENTS) throw createError('PRV_ERR_TENSOR_TOO_LARGE', `${path} holds more than ${MAX_TENSOR_ELEMENTS} elements`);
  }
  return count;
}

/** Checks one tensor's internal consistency: name, shape, data length for its dtype, BOOL bytes 0/1. */
export function assertTensor(tensor: Tensor, path = 'tensor'): void {
  if (tensor.name.length === 0 || tensor.name.length > MAX_TENSOR_NAME_CHARS) {
    throw createError('PRV_ERR_TENSOR_INVALID', `${path}.name must have 1 to ${MAX_TENSOR_NAME_CHARS} chars`);
  }
  const expected = elementCount(tensor.shape, `${path}.shape`) * TENSOR_DTYPES[tensor.dtype].bytes;
  if (tensor.data.length !== expected) {
    throw createError('PRV_ERR_TENSOR_INVALID', `${path} (${tensor.name}) has ${tensor.data.length} data bytes, its dtype and shape need ${expected}`);
  }
  if (tensor.dtype === 'BOOL' && tensor.data.some((byte) => byte > 1)) {
    throw createError('PRV_ERR_TENSOR_INVALID', `${path} (${tensor.name}) has a BOOL element that is not 0 or 1`);
  }
}

/** Checks a tensor list: count, each tensor, and unique names (the canonical encoding sorts by name). */
export function assertTensorSet(tensors: readonly Tensor[], path = 'tensors'): void {
  if (tensors.length > MAX_TENSORS_PER_REQUEST) {
    throw createError('PRV_ERR_TENSOR_INVALID', `${path} has ${tensors.length} tensors > ${MAX_TENSORS_PER_REQUEST}`);
  }
  const names = new Set<string>();
  tensors.forEach((tensor, i) => {
    assertTensor(tensor, `${path}[${i}]`);
    if (names.has(tensor.name)) throw createError('PRV_ERR_TENSOR_INVALID', `${path} names ${tensor.name} twice`);
    names.add(tensor.name);
  });
}
