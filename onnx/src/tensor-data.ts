import { createError } from '@provenant/protocol';
import { TensorDataType, type OnnxTensor } from './model-types.js';

/**
 * Which TensorProto field may hold each data type, and how wide each element is in raw_data
 * (onnx.proto comments on float_data, int32_data, ..., raw_data). Types missing here (4-bit and
 * newer formats) are refused: the consumers of this codec cannot interpret them anyway.
 */
type DataField = 'floatData' | 'int32Data' | 'stringData' | 'int64Data' | 'doubleData' | 'uint64Data';
interface TypeLayout {
  readonly rawBytes: number | undefined;
  readonly field: DataField;
  /** Complex types store real and imaginary parts as two entries per element. */
  readonly perElement: number;
}
const T = TensorDataType;
const LAYOUT = new Map<number, TypeLayout>([
  [T.FLOAT, { rawBytes: 4, field: 'floatData', perElement: 1 }],
  [T.UINT8, { rawBytes: 1, field: 'int32Data', perElement: 1 }],
  [T.INT8, { rawBytes: 1, field: 'int32Data', perElement: 1 }],
  [T.UINT16, { rawBytes: 2, field: 'int32Data', perElement: 1 }],
  [T.INT16, { rawBytes: 2, field: 'int32Data', perElement: 1 }],
  [T.INT32, { rawBytes: 4, field: 'int32Data', perElement: 1 }],
  [T.INT64, { rawBytes: 8, field: 'int64Data', perElement: 1 }],
  [T.STRING, { rawBytes: undefined, field: 'stringData', perElement: 1 }],
  [T.BOOL, { rawBytes: 1, field: 'int32Data', perElement: 1 }],
  [T.FLOAT16, { rawBytes: 2, field: 'int32Data', perElement: 1 }],
  [T.DOUBLE, { rawBytes: 8, field: 'doubleData', perElement: 1 }],
  [T.UINT32, { rawBytes: 4, field: 'uint64Data', perElement: 1 }],
  [T.UINT64, { rawBytes: 8, field: 'uint64Data', perElement: 1 }],
  [T.COMPLEX64, { rawBytes: 8, field: 'floatData', perElement: 2 }],
  [T.COMPLEX128, { rawBytes: 16, field: 'doubleData', perElement: 2 }],
  [T.BFLOAT16, { rawBytes: 2, field: 'int32Data', perElement: 1 }],
]);
const DATA_FIELDS: readonly (DataField | 'rawData')[] = ['rawData', 'floatData', 'int32Data', 'stringData', 'int64Data', 'doubleData', 'uint64Data'];

/** Product of dims; refuses negative dims and products that are not safe integers. */
export function tensorElementCount(dims: readonly number[], where = 'tensor'): number {
  let count = 1;
  for (const dim of dims) {
    if (!Number.isSafeInteger(dim) || dim < 0) throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: dim ${dim} is not a non-negative integer`);
    count *= dim;
    if (!Number.isSafeInteger(count)) throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: element count overflows`);
  }
  return count;
}

/**
 * A tensor must carry its elements in exactly one field allowed for its type, with exactly
 * product(dims) elements. Checked on decode, so later readers (partitioner, ZK compiler) can index
 * into the data without re-validating its length.
 */
export function assertTensorData(tensor: OnnxTensor, where: string): void {
  const layout = LAYOUT.get(tensor.dataType);
  if (layout === undefined) throw createError('PRV_ERR_ONNX_UNSUPPORTED', `${where}: tensor data type ${tensor.dataType}`);
  const count = tensorElementCount(tensor.dims, where);
  const present = DATA_FIELDS.filter((field) => tensor[field] !== undefined);
  if (present.length > 1) throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: tensor sets ${present.join(' and ')}`);
  const field = present[0];
  if (field === undefined) {
    if (count !== 0) throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: tensor of ${count} elements has no data`);
    return;
  }
  if (field === 'rawData') {
    if (layout.rawBytes === undefined) throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: STRING tensors cannot use raw_data`);
    const expected = count * layout.rawBytes;
    if (tensor.rawData!.length !== expected) {
      throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: raw_data is ${tensor.rawData!.length} bytes, dims need ${expected}`);
    }
    return;
  }
  if (field !== layout.field) throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: data type ${tensor.dataType} cannot use ${field}`);
  const length = tensor[field]!.length;
  if (length !== count * layout.perElement) {
    throw createError('PRV_ERR_ONNX_INVALID_MODEL', `${where}: ${field} has ${length} entries, dims need ${count * layout.perElement}`);
  }
}

/** Values of a FLOAT tensor, from raw_data (little-endian IEEE 754, onnx.proto) or float_data. */
export function tensorToFloat32(tensor: OnnxTensor): Float32Array {
  if (tensor.dataType !== T.FLOAT) throw createError('PRV_ERR_ONNX_INVALID_MODEL', `tensor ${tensor.name ?? ''} is type ${tensor.dataType}, not FLOAT`);
  assertTensorData(tensor, `tensor ${tensor.name ?? ''}`);
  if (tensor.floatData !== undefined) return Float32Array.from(tensor.floatData);
  const raw = tensor.rawData ?? new Uint8Array(0);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(raw.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** Values of an INT64 tensor (Reshape shapes and the like), from raw_data or int64_data. */
export function tensorToInt64(tensor: OnnxTensor): BigInt64Array {
  if (tensor.dataType !== T.INT64) throw createError('PRV_ERR_ONNX_INVALID_MODEL', `tensor ${tensor.name ?? ''} is type ${tensor.dataType}, not INT64`);
  assertTensorData(tensor, `tensor ${tensor.name ?? ''}`);
  if (tensor.int64Data !== undefined) return BigInt64Array.from(tensor.int64Data);
  const raw = tensor.rawData ?? new Uint8Array(0);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new BigInt64Array(raw.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = view.getBigInt64(i * 8, true);
  return out;
}
