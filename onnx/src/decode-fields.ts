import { createError } from '@provenant/protocol';
import { WireType, type FieldTag, type WireReader } from './wire-reader.js';

/** Shared checks for the per-message decoders: wire types, presence and repeated scalars. */

export function expectWire(tag: FieldTag, wire: number, what: string): void {
  if (tag.wire !== wire) {
    throw createError('PRV_ERR_ONNX_MALFORMED', `${what} (field ${tag.field}) at offset ${tag.at} has wire type ${tag.wire}, expected ${wire}`);
  }
}

/**
 * protobuf lets a singular field repeat (last wins, messages merge). Refusing instead removes any
 * parser differential with onnxruntime: what we partition or prove is exactly what it would run.
 */
export function markSeen(seen: Set<number>, tag: FieldTag, what: string): void {
  if (seen.has(tag.field)) {
    throw createError('PRV_ERR_ONNX_MALFORMED', `${what} (field ${tag.field}) appears twice; offset ${tag.at}`);
  }
  seen.add(tag.field);
}

export function unsupported(tag: FieldTag, what: string): never {
  throw createError('PRV_ERR_ONNX_UNSUPPORTED', `${what} (field ${tag.field}) at offset ${tag.at}`);
}

/** Repeated int64 held as numbers (dims, attribute ints): packed or not, both are legal on the wire. */
export function readRepeatedInt64(reader: WireReader, tag: FieldTag, out: number[], what: string): void {
  if (tag.wire === WireType.VARINT) {
    reader.chargeScalars(1);
    out.push(reader.readInt64Number(what));
    return;
  }
  expectWire(tag, WireType.LEN, what);
  const { start, end, reader: packed } = reader.readPackedRange();
  reader.chargeScalars(reader.countVarints(start, end));
  while (!packed.atEnd()) out.push(packed.readInt64Number(what));
}

/** Repeated float held as numbers (attribute floats). */
export function readRepeatedFloat(reader: WireReader, tag: FieldTag, out: number[], what: string): void {
  if (tag.wire === WireType.I32) {
    reader.chargeScalars(1);
    out.push(reader.readFloat32());
    return;
  }
  expectWire(tag, WireType.LEN, what);
  const { start, end, reader: packed } = reader.readPackedRange();
  assertMultiple(end - start, 4, tag, what);
  reader.chargeScalars((end - start) / 4);
  while (!packed.atEnd()) out.push(packed.readFloat32());
}

function assertMultiple(length: number, size: number, tag: FieldTag, what: string): void {
  if (length % size !== 0) {
    throw createError('PRV_ERR_ONNX_MALFORMED', `packed ${what} (field ${tag.field}) at offset ${tag.at} is ${length} bytes, not a multiple of ${size}`);
  }
}

type Element = number | bigint;

/**
 * Collects a typed-array field in wire order. Packed runs become typed chunks sized from the wire
 * (no per-element objects); unpacked singles are charged to the budget since each costs a JS slot.
 */
export class RepeatedCollector<T extends Element> {
  readonly #chunks: ArrayLike<T>[] = [];
  #singles: T[] = [];
  #total = 0;

  push(value: T): void {
    this.#singles.push(value);
    this.#total += 1;
  }

  pushChunk(chunk: ArrayLike<T>): void {
    this.#flush();
    this.#chunks.push(chunk);
    this.#total += chunk.length;
  }

  /** Copies into `out`, which must have room for every element. */
  drainInto(out: { [index: number]: T; length: number }): void {
    this.#flush();
    let offset = 0;
    for (const chunk of this.#chunks) {
      for (let i = 0; i < chunk.length; i++) out[offset + i] = chunk[i]!;
      offset += chunk.length;
    }
  }

  get length(): number {
    return this.#total;
  }

  #flush(): void {
    if (this.#singles.length === 0) return;
    this.#chunks.push(this.#singles);
    this.#singles = [];
  }
}

/** Fixed-width numeric field (float_data, double_data): I32/I64 singles or a packed run. */
export function collectFixed(
  reader: WireReader,
  tag: FieldTag,
  collector: RepeatedCollector<number>,
  size: 4 | 8,
  what: string,
): void {
  const singleWire = size === 4 ? WireType.I32 : WireType.I64;
  if (tag.wire === singleWire) {
    reader.chargeScalars(1);
    collector.push(size === 4 ? reader.readFloat32() : reader.readFloat64());
    return;
  }
  expectWire(tag, WireType.LEN, what);
  const { start, end, reader: packed } = reader.readPackedRange();
  assertMultiple(end - start, size, tag, what);
  const chunk = size === 4 ? new Float32Array((end - start) / 4) : new Float64Array((end - start) / 8);
  for (let i = 0; i < chunk.length; i++) chunk[i] = size === 4 ? packed.readFloat32() : packed.readFloat64();
  collector.pushChunk(chunk);
}

/** Varint numeric field (int32_data, int64_data, uint64_data): singles or a packed run. */
export function collectVarints<T extends Element>(
  reader: WireReader,
  tag: FieldTag,
  collector: RepeatedCollector<T>,
  readOne: (r: WireReader) => T,
  what: string,
): void {
  if (tag.wire === WireType.VARINT) {
    reader.chargeScalars(1);
    collector.push(readOne(reader));
    return;
  }
  expectWire(tag, WireType.LEN, what);
  const { start, end, reader: packed } = reader.readPackedRange();
  const count = reader.countVarints(start, end);
  reader.chargeScalars(count);
  const chunk: T[] = new Array<T>(count);
  for (let i = 0; i < count; i++) chunk[i] = readOne(packed);
  collector.pushChunk(chunk);
}
