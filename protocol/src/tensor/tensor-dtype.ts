/**
 * Tensor element types, named as the Open Inference Protocol (KServe v2) names them, with the ONNX
 * TensorProto.DataType number (onnx/onnx.proto) that the canonical tensor encoding writes.
 * BYTES (string tensors) is not supported: its element size is not fixed and no bundled model needs it.
 */
export const TENSOR_DTYPES = {
  BOOL: { onnx: 9, bytes: 1, ort: 'bool' },
  UINT8: { onnx: 2, bytes: 1, ort: 'uint8' },
  UINT16: { onnx: 4, bytes: 2, ort: 'uint16' },
  UINT32: { onnx: 12, bytes: 4, ort: 'uint32' },
  UINT64: { onnx: 13, bytes: 8, ort: 'uint64' },
  INT8: { onnx: 3, bytes: 1, ort: 'int8' },
  INT16: { onnx: 5, bytes: 2, ort: 'int16' },
  INT32: { onnx: 6, bytes: 4, ort: 'int32' },
  INT64: { onnx: 7, bytes: 8, ort: 'int64' },
  FP16: { onnx: 10, bytes: 2, ort: 'float16' },
  FP32: { onnx: 1, bytes: 4, ort: 'float32' },
  FP64: { onnx: 11, bytes: 8, ort: 'float64' },
} as const;

export type TensorDType = keyof typeof TENSOR_DTYPES;
/** onnxruntime-node's name for each element type. */
export type OrtTensorType = (typeof TENSOR_DTYPES)[TensorDType]['ort'];

export const TENSOR_DTYPE_NAMES = Object.keys(TENSOR_DTYPES) as TensorDType[];

export function isTensorDType(value: unknown): value is TensorDType {
  return typeof value === 'string' && Object.hasOwn(TENSOR_DTYPES, value);
}

export function dtypeFromOrt(type: string): TensorDType | undefined {
  return TENSOR_DTYPE_NAMES.find((name) => TENSOR_DTYPES[name].ort === type);
}

/**
 * A tensor as it crosses the wire and enters a receipt: row-major element bytes, little-endian, exactly
 * product(shape) * element size bytes. BOOL elements are one byte, 0 or 1.
 */
export interface Tensor {
  readonly name: string;
  readonly dtype: TensorDType;
  readonly shape: readonly number[];
  readonly data: Uint8Array;
}
