import { createError } from '../errors/index.js';

export interface MsgpackLimits {
  readonly maxDepth: number;
  readonly maxItems: number;
}

/**
 * Decodes exactly one MessagePack value made of nil, booleans, numbers, str, bin, arrays and maps with str
 * keys, within the limits, or throws PRV_ERR_WIRE_MALFORMED. Maps become plain objects; bin values become
 * standalone Uint8Array copies, never views of the receive buffer.
 *
 * Why not msgpackr's decoder (which encodes our frames): it turns extension types into Dates and custom
 * classes, returns a placeholder object for the never-used byte 0xc1, sizes arrays from their headers and
 * hands out Buffers that alias its input. Every frame comes from the other side of a trust boundary, so
 * the decoder accepts only the plain data model, bounds its work by the frame's size and limits, and
 * checks and builds in the same pass, so what was checked is what is used.
 * Format reference: the MessagePack specification (msgpack/msgpack spec.md, "Formats").
 */
export function decodeStrictMsgpack(bytes: Uint8Array, limits: MsgpackLimits): unknown {
  const reader = new Reader(bytes, limits);
  const value = reader.value(1);
  if (reader.offset !== bytes.length) fail(`${bytes.length - reader.offset} trailing bytes`);
  return value;
}

function fail(detail: string): never {
  throw createError('PRV_ERR_WIRE_MALFORMED', detail);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
/** Keys and short ASCII strings are built directly; TextDecoder's call overhead dominates below this. */
const SHORT_STRING = 32;

class Reader {
  offset = 0;
  #items = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #limits: MsgpackLimits;

  constructor(bytes: Uint8Array, limits: MsgpackLimits) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#limits = limits;
  }

  value(depth: number): unknown {
    if (depth > this.#limits.maxDepth) fail(`nesting deeper than ${this.#limits.maxDepth}`);
    if (++this.#items > this.#limits.maxItems) fail(`more than ${this.#limits.maxItems} values`);
    const at = this.offset;
    const byte = this.#u8();
    if (byte <= 0x7f) return byte; // positive fixint
    if (byte >= 0xe0) return byte - 0x100; // negative fixint
    if (byte <= 0x8f) return this.#map(byte & 0x0f, depth);
    if (byte <= 0x9f) return this.#array(byte & 0x0f, depth);
    if (byte <= 0xbf) return this.#string(byte & 0x1f, at);
    switch (byte) {
      case 0xc0:
        return null;
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc4:
        return this.#bin(this.#u8());
      case 0xc5:
        return this.#bin(this.#u16());
      case 0xc6:
        return this.#bin(this.#u32());
      case 0xca:
        return this.#view.getFloat32(this.#skip(4, 'float32'));
      case 0xcb:
        return this.#view.getFloat64(this.#skip(8, 'float64'));
      case 0xcc:
        return this.#u8();
      case 0xcd:
        return this.#u16();
      case 0xce:
        return this.#u32();
      case 0xcf:
        return this.#safe(this.#view.getBigUint64(this.#skip(8, 'uint64')), at);
      case 0xd0:
        return this.#view.getInt8(this.#skip(1, 'int8'));
      case 0xd1:
        return this.#view.getInt16(this.#skip(2, 'int16'));
      case 0xd2:
        return this.#view.getInt32(this.#skip(4, 'int32'));
      case 0xd3:
        return this.#safe(this.#view.getBigInt64(this.#skip(8, 'int64')), at);
      case 0xd9:
        return this.#string(this.#u8(), at);
      case 0xda:
        return this.#string(this.#u16(), at);
      case 0xdb:
        return this.#string(this.#u32(), at);
      case 0xdc:
        return this.#array(this.#u16(), depth);
      case 0xdd:
        return this.#array(this.#u32(), depth);
      case 0xde:
        return this.#map(this.#u16(), depth);
      case 0xdf:
        return this.#map(this.#u32(), depth);
      default:
        // 0xc1 (never used) and the ext family 0xc7-0xc9, 0xd4-0xd8.
        return fail(`type byte 0x${byte.toString(16)} is not accepted (offset ${at})`);
    }
  }

  #array(count: number, depth: number): unknown[] {
    // Every value takes at least one byte: a count the rest of the frame cannot hold is a lie.
    if (count > this.#bytes.length - this.offset) fail(`array of ${count} items exceeds the frame`);
    const out = new Array<unknown>(count);
    for (let i = 0; i < count; i++) out[i] = this.value(depth + 1);
    return out;
  }

  #map(count: number, depth: number): Record<string, unknown> {
    if (2 * count > this.#bytes.length - this.offset) fail(`map of ${count} entries exceeds the frame`);
    const out: Record<string, unknown> = {};
    for (let i = 0; i < count; i++) {
      const at = this.offset;
      const key = this.value(depth + 1);
      if (typeof key !== 'string') fail(`map key at offset ${at} is not a str`);
      // A "__proto__" key would set the object's prototype instead of a field; no message uses one.
      if (key === '__proto__') fail(`map key __proto__ at offset ${at}`);
      if (Object.hasOwn(out, key)) fail(`map key repeated at offset ${at}`);
      out[key] = this.value(depth + 1);
    }
    return out;
  }

  #string(length: number, at: number): string {
    const start = this.#skip(length, 'str');
    const bytes = this.#bytes;
    if (length <= SHORT_STRING) {
      let text = '';
      let i = start;
      for (; i < start + length && (bytes[i] as number) < 0x80; i++) text += String.fromCharCode(bytes[i] as number);
      if (i === start + length) return text;
    }
    try {
      return UTF8.decode(bytes.subarray(start, start + length));
    } catch {
      return fail(`str is not valid UTF-8 (offset ${at})`);
    }
  }

  #bin(length: number): Uint8Array {
    const start = this.#skip(length, 'bin');
    // A copy made by hand: Buffer (which socket data is) overrides slice() to return a view.
    const out = new Uint8Array(length);
    out.set(this.#bytes.subarray(start, start + length));
    return out;
  }

  #safe(value: bigint, at: number): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) fail(`integer beyond 2^53 at offset ${at}`);
    return Number(value);
  }

  /** Claims `count` bytes and returns where they start. */
  #skip(count: number, what: string): number {
    const start = this.offset;
    if (count > this.#bytes.length - start) fail(`truncated ${what} at offset ${start}`);
    this.offset = start + count;
    return start;
  }

  #u8(): number {
    return this.#view.getUint8(this.#skip(1, 'header'));
  }

  #u16(): number {
    return this.#view.getUint16(this.#skip(2, 'length'));
  }

  #u32(): number {
    return this.#view.getUint32(this.#skip(4, 'length'));
  }
}
