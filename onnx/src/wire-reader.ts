import { createError } from '@provenant/protocol';
import type { OnnxDecodeLimits } from './onnx-limits.js';

/**
 * Protobuf wire format reader (protobuf.dev/programming-guides/encoding), bounded for hostile input.
 * One reader covers one message's byte range [pos, end); sub-messages get their own reader over a
 * sub-range of the same buffer, one level deeper, sharing the decode-wide budget.
 */

/** Wire types from the encoding guide; 3 and 4 (groups) are deprecated and never used by ONNX. */
export const WireType = Object.freeze({ VARINT: 0, I64: 1, LEN: 2, SGROUP: 3, EGROUP: 4, I32: 5 } as const);

/** Budget shared by every reader of one decode, so counts are bounded per model, not per message. */
export interface DecodeBudget {
  readonly limits: OnnxDecodeLimits;
  messages: number;
  repeatedScalars: number;
}

const TWO_POW_32 = 2 ** 32;
/** Field numbers are 29-bit (encoding guide, "Message Structure"). */
const MAX_FIELD_NUMBER = 2 ** 29 - 1;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export interface FieldTag {
  readonly field: number;
  readonly wire: number;
  /** Offset of the tag, for error details. */
  readonly at: number;
}

export class WireReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #pos: number;
  readonly #end: number;
  readonly depth: number;
  readonly budget: DecodeBudget;

  constructor(bytes: Uint8Array, start: number, end: number, depth: number, budget: DecodeBudget) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
    this.depth = depth;
    this.budget = budget;
  }

  get pos(): number {
    return this.#pos;
  }

  atEnd(): boolean {
    return this.#pos >= this.#end;
  }

  readTag(): FieldTag {
    const at = this.#pos;
    const tag = this.readVarint();
    if (tag >= TWO_POW_32) throw createError('PRV_ERR_ONNX_MALFORMED', `tag at offset ${at} exceeds 32 bits`);
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (field === 0 || field > MAX_FIELD_NUMBER) {
      throw createError('PRV_ERR_ONNX_MALFORMED', `invalid field number ${field} at offset ${at}`);
    }
    return { field, wire, at };
  }

  /** Unsigned varint that must fit a safe integer: tags, lengths, enums, counts. */
  readVarint(): number {
    const start = this.#pos;
    const value = this.#readVarintFast();
    if (value < 0) throw createError('PRV_ERR_ONNX_UNSUPPORTED', `varint at offset ${start} exceeds 2^53`);
    return value;
  }

  /** A varint as the low 64 bits, unsigned. */
  readVarintBig(): bigint {
    const start = this.#pos;
    const fast = this.#readVarintFast();
    if (fast >= 0) return BigInt(fast);
    let value = 0n;
    let shift = 0n;
    for (let i = start; i < this.#pos; i++) {
      value |= BigInt(this.#bytes[i]! & 0x7f) << shift;
      shift += 7n;
    }
    return BigInt.asUintN(64, value);
  }

  /** proto int64: two's complement in 64 bits; refused unless it is a safe JS integer. */
  readInt64Number(what: string): number {
    const start = this.#pos;
    const fast = this.#readVarintFast();
    if (fast >= 0) return fast;
    this.#pos = start;
    const value = BigInt.asIntN(64, this.readVarintBig());
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw createError('PRV_ERR_ONNX_UNSUPPORTED', `${what} at offset ${start} is not a safe integer`);
    }
    return Number(value);
  }

  /** proto int32: negative values are sign-extended to 10 bytes on the wire; keep the low 32 bits. */
  readInt32(): number {
    const start = this.#pos;
    const fast = this.#readVarintFast();
    if (fast >= 0) return (fast % TWO_POW_32) | 0;
    this.#pos = start;
    return Number(BigInt.asIntN(32, this.readVarintBig()));
  }

  readFloat32(): number {
    this.#need(4);
    const value = this.#view.getFloat32(this.#pos, true);
    this.#pos += 4;
    return value;
  }

  readFloat64(): number {
    this.#need(8);
    const value = this.#view.getFloat64(this.#pos, true);
    this.#pos += 8;
    return value;
  }

  readFixed64Big(): bigint {
    this.#need(8);
    const value = this.#view.getBigUint64(this.#pos, true);
    this.#pos += 8;
    return value;
  }

  /** Length prefix of a LEN field, checked against the bytes this message has left (rule 8). */
  readLength(): number {
    const at = this.#pos;
    const length = this.readVarint();
    const remaining = this.#end - this.#pos;
    if (length > remaining) {
      throw createError('PRV_ERR_ONNX_TRUNCATED', `length ${length} at offset ${at} exceeds the ${remaining} bytes left`);
    }
    return length;
  }

  /** A copy, so decoded tensors never alias (or pin) the caller's buffer. */
  readBytes(): Uint8Array {
    const length = this.readLength();
    const out = this.#bytes.slice(this.#pos, this.#pos + length);
    this.#pos += length;
    return out;
  }

  readString(what: string): string {
    const at = this.#pos;
    const length = this.readLength();
    if (length > this.budget.limits.maxStringBytes) {
      throw createError('PRV_ERR_ONNX_LIMIT_EXCEEDED', `${what} at offset ${at} is ${length} bytes, limit ${this.budget.limits.maxStringBytes}`);
    }
    const slice = this.#bytes.subarray(this.#pos, this.#pos + length);
    this.#pos += length;
    try {
      return utf8.decode(slice);
    } catch {
      throw createError('PRV_ERR_ONNX_MALFORMED', `${what} at offset ${at} is not valid UTF-8`);
    }
  }

  /** Reader over an embedded message; counts it against the budget and the depth limit. */
  readMessage(): WireReader {
    const length = this.readLength();
    const depth = this.depth + 1;
    if (depth > this.budget.limits.maxDepth) {
      throw createError('PRV_ERR_ONNX_TOO_DEEP', `message at offset ${this.#pos} is at depth ${depth}, limit ${this.budget.limits.maxDepth}`);
    }
    this.budget.messages += 1;
    if (this.budget.messages > this.budget.limits.maxMessages) {
      throw createError('PRV_ERR_ONNX_LIMIT_EXCEEDED', `more than ${this.budget.limits.maxMessages} messages`);
    }
    const sub = new WireReader(this.#bytes, this.#pos, this.#pos + length, depth, this.budget);
    this.#pos += length;
    return sub;
  }

  /** Packed payload of a repeated scalar: the raw byte range, for the caller to split. */
  readPackedRange(): { start: number; end: number; reader: WireReader } {
    const length = this.readLength();
    const start = this.#pos;
    this.#pos += length;
    return { start, end: start + length, reader: new WireReader(this.#bytes, start, start + length, this.depth, this.budget) };
  }

  /** Number of varints in [start, end): each ends at a byte below 0x80. */
  countVarints(start: number, end: number): number {
    let count = 0;
    for (let i = start; i < end; i++) if (this.#bytes[i]! < 0x80) count += 1;
    if (end > start && this.#bytes[end - 1]! >= 0x80) {
      throw createError('PRV_ERR_ONNX_TRUNCATED', `packed varints end mid-value at offset ${end}`);
    }
    return count;
  }

  chargeScalars(count: number): void {
    this.budget.repeatedScalars += count;
    if (this.budget.repeatedScalars > this.budget.limits.maxRepeatedScalars) {
      throw createError('PRV_ERR_ONNX_LIMIT_EXCEEDED', `more than ${this.budget.limits.maxRepeatedScalars} repeated scalars`);
    }
  }

  /** Skips a field this codec does not model (protobuf: unknown fields must be skippable). */
  skip(tag: FieldTag): void {
    switch (tag.wire) {
      case WireType.VARINT:
        this.readVarintBig();
        return;
      case WireType.I64:
        this.#need(8);
        this.#pos += 8;
        return;
      case WireType.LEN: {
        // Read the length first: `this.#pos += this.readLength()` would add to the pre-length position.
        const length = this.readLength();
        this.#pos += length;
        return;
      }
      case WireType.I32:
        this.#need(4);
        this.#pos += 4;
        return;
      default:
        throw createError('PRV_ERR_ONNX_MALFORMED', `wire type ${tag.wire} (field ${tag.field}) at offset ${tag.at} is not used by ONNX`);
    }
  }

  /**
   * Varint as a number, or -1 when it does not fit 2^53 (the caller re-reads it as a BigInt).
   * A 10th byte above 1 would set bits past 64: protobuf parsers treat that as corrupt.
   */
  #readVarintFast(): number {
    const start = this.#pos;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.#pos >= this.#end) throw createError('PRV_ERR_ONNX_TRUNCATED', `varint at offset ${start} runs past the end`);
      const byte = this.#bytes[this.#pos++]!;
      if (i === 9 && byte > 1) throw createError('PRV_ERR_ONNX_MALFORMED', `varint at offset ${start} overflows 64 bits`);
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value <= Number.MAX_SAFE_INTEGER ? value : -1;
      scale *= 128;
    }
    throw createError('PRV_ERR_ONNX_MALFORMED', `varint at offset ${start} is longer than 10 bytes`);
  }

  #need(count: number): void {
    if (this.#end - this.#pos < count) {
      throw createError('PRV_ERR_ONNX_TRUNCATED', `${count}-byte value at offset ${this.#pos} runs past the end`);
    }
  }
}
