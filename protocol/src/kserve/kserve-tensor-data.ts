import { createError } from '../errors/index.js';
import { MAX_TENSOR_RANK } from '../limits.js';
import { TENSOR_DTYPES, type TensorDType } from '../tensor/index.js';
import { fromHalfBits, toHalfBits } from './fp16.js';

/**
 * JSON "data" <-> little-endian row-major element bytes (the Tensor.data layout), per Open Inference
 * Protocol datatype. Triton accepts "data" flat or nested to the tensor's rank and flattens it row-major;
 * we do the same, bounded: nesting at most MAX_TENSOR_RANK deep and never more elements than the shape holds.
 */

type ElementWriter = (view: DataView, offset: number, value: unknown, path: string) => void;

function integerWriter(min: number, max: number, set: (view: DataView, offset: number, value: number) => void): ElementWriter {
  return (view, offset, value, path) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw createError('PRV_ERR_KSERVE_ELEMENT_INVALID', `${path} must hold integers in [${min}, ${max}]`);
    }
    set(view, offset, value);
  };
}

/** JSON numbers are binary64: 64-bit integers are exact only within ±(2^53 - 1); others must go as binary data. */
function int64Writer(unsigned: boolean): ElementWriter {
  return (view, offset, value, path) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || (unsigned && value < 0)) {
      const range = unsigned ? '[0, 2^53 - 1]' : '[-(2^53 - 1), 2^53 - 1]';
      throw createError('PRV_ERR_KSERVE_ELEMENT_INVALID', `${path} must hold integers in ${range} (JSON numbers are exact only there; send larger ones as binary data)`);
    }
    if (unsigned) view.setBigUint64(offset, BigInt(value), true);
    else view.setBigInt64(offset, BigInt(value), true);
  };
}

function floatNumber(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw createError('PRV_ERR_KSERVE_ELEMENT_INVALID', `${path} must hold finite numbers`);
  return value;
}

const WRITERS: Readonly<Record<TensorDType, ElementWriter>> = {
  BOOL: (view, offset, value, path) => {
    if (typeof value !== 'boolean') throw createError('PRV_ERR_KSERVE_ELEMENT_INVALID', `${path} must hold true or false`);
    view.setUint8(offset, value ? 1 : 0);
  },
  UINT8: integerWriter(0, 0xff, (v, o, x) => v.setUint8(o, x)),
  UINT16: integerWriter(0, 0xffff, (v, o, x) => v.setUint16(o, x, true)),
  UINT32: integerWriter(0, 0xffff_ffff, (v, o, x) => v.setUint32(o, x, true)),
  UINT64: int64Writer(true),
  INT8: integerWriter(-0x80, 0x7f, (v, o, x) => v.setInt8(o, x)),
  INT16: integerWriter(-0x8000, 0x7fff, (v, o, x) => v.setInt16(o, x, true)),
  INT32: integerWriter(-0x8000_0000, 0x7fff_ffff, (v, o, x) => v.setInt32(o, x, true)),
  INT64: int64Writer(false),
  FP16: (view, offset, value, path) => {
    const bits = toHalfBits(floatNumber(value, path));
    if ((bits & 0x7c00) === 0x7c00) throw createError('PRV_ERR_KSERVE_ELEMENT_INVALID', `${path} holds a value beyond the FP16 range (65504)`);
    view.setUint16(offset, bits, true);
  },
  FP32: (view, offset, value, path) => {
    const single = Math.fround(floatNumber(value, path));
    if (!Number.isFinite(single)) throw createError('PRV_ERR_KSERVE_ELEMENT_INVALID', `${path} holds a value beyond the FP32 range`);
    view.setFloat32(offset, single, true);
  },
  FP64: (view, offset, value, path) => view.setFloat64(offset, floatNumber(value, path), true),
};

/**
 * Converts a JSON "data" value (flat or nested arrays) into exactly `count` elements of `dtype`.
 * Walks iteratively so hostile nesting cannot exhaust the stack, and stops as soon as the count is exceeded.
 */
export function jsonDataToBytes(dtype: TensorDType, data: unknown, count: number, path: string): Uint8Array {
  if (!Array.isArray(data)) throw createError('PRV_ERR_KSERVE_MALFORMED', `${path} must be an array`);
  const size = TENSOR_DTYPES[dtype].bytes;
  const out = new Uint8Array(count * size);
  const view = new DataView(out.buffer);
  const write = WRITERS[dtype];
  let written = 0;
  // Stack of [array, next index]; depth = stack height.
  const stack: [readonly unknown[], number][] = [[data, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1] as [readonly unknown[], number];
    const [array, index] = top;
    if (index === array.length) {
      stack.pop();
      continue;
    }
    top[1] = index + 1;
    const value = array[index];
    if (Array.isArray(value)) {
      if (stack.length >= MAX_TENSOR_RANK) throw createError('PRV_ERR_KSERVE_MALFORMED', `${path} nests deeper than ${MAX_TENSOR_RANK}`);
      stack.push([value, 0]);
      continue;
    }
    if (written === count) throw createError('PRV_ERR_KSERVE_SHAPE_MISMATCH', `${path} holds more than the ${count} elements its shape needs`);
    write(view, written * size, value, path);
    written++;
  }
  if (written !== count) throw createError('PRV_ERR_KSERVE_SHAPE_MISMATCH', `${path} holds ${written} elements, its shape needs ${count}`);
  return out;
}

/**
 * Writes element bytes as the text of a flat JSON array. Unlike JSON.stringify this keeps -0 (so a client
 * recomputing the receipt's output hash gets the same bytes back) and prints 64-bit integers exactly.
 * NaN and infinities have no JSON form: such an output must be requested as binary data.
 */
export function bytesToJsonText(dtype: TensorDType, bytes: Uint8Array, path: string): string {
  const size = TENSOR_DTYPES[dtype].bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const count = bytes.length / size;
  const parts = new Array<string>(count);
  for (let i = 0; i < count; i++) parts[i] = elementText(dtype, view, i * size, path);
  return `[${parts.join(',')}]`;
}

function elementText(dtype: TensorDType, view: DataView, offset: number, path: string): string {
  switch (dtype) {
    case 'BOOL':
      return view.getUint8(offset) === 0 ? 'false' : 'true';
    case 'UINT8':
      return String(view.getUint8(offset));
    case 'UINT16':
      return String(view.getUint16(offset, true));
    case 'UINT32':
      return String(view.getUint32(offset, true));
    case 'UINT64':
      return view.getBigUint64(offset, true).toString();
    case 'INT8':
      return String(view.getInt8(offset));
    case 'INT16':
      return String(view.getInt16(offset, true));
    case 'INT32':
      return String(view.getInt32(offset, true));
    case 'INT64':
      return view.getBigInt64(offset, true).toString();
    case 'FP16':
      return floatText(fromHalfBits(view.getUint16(offset, true)), path);
    case 'FP32':
      return floatText(view.getFloat32(offset, true), path);
    case 'FP64':
      return floatText(view.getFloat64(offset, true), path);
  }
}

function floatText(value: number, path: string): string {
  if (!Number.isFinite(value)) throw createError('PRV_ERR_KSERVE_OUTPUT_UNREPRESENTABLE', `${path} holds NaN or an infinity`);
  // String() is the shortest round-tripping form (ECMA-262 Number::toString), the same digits JSON.stringify writes.
  return Object.is(value, -0) ? '-0' : String(value);
}
