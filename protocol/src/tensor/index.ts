export * from './tensor-dtype.js';
export { assertTensor, assertTensorSet, elementCount, MAX_TENSOR_NAME_CHARS } from './tensor-checks.js';
export { canonicalTensorParts, encodeTensorsCanonical, tensorsDigest } from './canonical-tensor-encoding.js';
