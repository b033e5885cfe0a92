import { createError, dtypeFromOrt, TENSOR_DTYPES, type Tensor, type TensorDType } from '@provenant/protocol';
import * as ort from 'onnxruntime-node';

type TypedArrayConstructor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): ort.Tensor.DataType;
  new (length: number): ort.Tensor.DataType;
  readonly BYTES_PER_ELEMENT: number;
};

/** onnxruntime-node's data array for each datatype (onnxruntime-common tensor.d.ts DataTypeMap). */
const ARRAYS: Readonly<Record<TensorDType, TypedArrayConstructor>> = {
  BOOL: Uint8Array,
  UINT8: Uint8Array,
  UINT16: Uint16Array,
  UINT32: Uint32Array,
  UINT64: BigUint64Array as unknown as TypedArrayConstructor,
  INT8: Int8Array,
  INT16: Int16Array,
  INT32: Int32Array,
  INT64: BigInt64Array as unknown as TypedArrayConstructor,
  // float16 travels as its raw 16-bit patterns.
  FP16: Uint16Array,
  FP32: Float32Array,
  FP64: Float64Array,
};

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/**
 * Wire tensors carry little-endian bytes; typed arrays use the host's order, which must therefore be
 * little-endian (x86-64 and aarch64 Nitro hosts are). On an aligned buffer the ort tensor is a view on
 * the received bytes; otherwise one copy aligns it.
 */
export function toOrtTensor(tensor: Tensor): ort.Tensor {
  if (!LITTLE_ENDIAN) throw createError('PRV_ERR_INTERNAL', 'big-endian hosts are not supported');
  const Array = ARRAYS[tensor.dtype];
  const count = tensor.data.byteLength / Array.BYTES_PER_ELEMENT;
  let data: ort.Tensor.DataType;
  if (tensor.data.byteOffset % Array.BYTES_PER_ELEMENT === 0) {
    data = new Array(tensor.data.buffer, tensor.data.byteOffset, count);
  } else {
    const copy = tensor.data.slice();
    data = new Array(copy.buffer, 0, count);
  }
  return new ort.Tensor(TENSOR_DTYPES[tensor.dtype].ort, data as never, [...tensor.shape]);
}

/** An ort output as a wire tensor: a byte view on the output's own buffer, no copy. */
export function fromOrtTensor(name: string, value: ort.OnnxValue): Tensor {
  const tensor = value as ort.Tensor;
  const dtype = dtypeFromOrt(tensor.type);
  if (dtype === undefined || tensor.location !== 'cpu') throw createError('PRV_ERR_INFER_FAILED', `output ${name} has element type ${String(tensor.type)}`);
  const data = tensor.data as ArrayBufferView;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out: Tensor = { name, dtype, shape: tensor.dims.map(Number), data: bytes };
  if (bytes.byteLength !== tensor.size * TENSOR_DTYPES[dtype].bytes) throw createError('PRV_ERR_INFER_FAILED', `output ${name} has an inconsistent size`);
  return out;
}
