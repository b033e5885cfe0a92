import { createError } from '../errors/index.js';

export interface MsgpackLimits {
  readonly maxDepth: number;
  readonly maxItems: number;
}

/**
 * Walks a MessagePack value once without building it and throws PRV_ERR_WIRE_MALFORMED unless the bytes are
 * exactly one value made of nil, booleans, numbers, str, bin, arrays and maps, within the limits.
 *
 * Why: msgpackr decodes extension types into Dates and custom classes, returns a placeholder object for the
 * never-used byte 0xc1, and sizes arrays from their headers. Every frame comes from the other side of a trust
 * boundary, so we accept only the plain data model and bound work by the frame size before decoding.
 * Format reference: the MessagePack specification (msgpack/msgpack spec.md, "Formats").
 */
export function assertWellFormedMsgpack(bytes: Uint8Array, limits: MsgpackLimits): void {
  const walker = new Walker(bytes, limits);
  walker.value(1);
  if (walker.offset !== bytes.length) fail(`${bytes.length - walker.offset} trailing bytes`);
}

function fail(detail: string): never {
  throw createError('PRV_ERR_WIRE_MALFORMED', detail);
}

class Walker {
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

  value(depth: number): void {
    if (depth > this.#limits.maxDepth) fail(`nesting deeper than ${this.#limits.maxDepth}`);
    if (++this.#items > this.#limits.maxItems) fail(`more than ${this.#limits.maxItems} values`);
    const at = this.offset;
    const byte = this.#u8();
    if (byte <= 0x7f || byte >= 0xe0) return; // positive / negative fixint
    if (byte >= 0x80 && byte <= 0x8f) return this.#container(byte & 0x0f, 2, depth);
    if (byte >= 0x90 && byte <= 0x9f) return this.#container(byte & 0x0f, 1, depth);
    if (byte >= 0xa0 && byte <= 0xbf) return this.#string(byte & 0x1f, at);
    switch (byte) {
      case 0xc0: // nil
      case 0xc2: // false
      case 0xc3: // true
        return;
      case 0xc4:
        return this.#skip(this.#u8(), 'bin8');
      case 0xc5:
        return this.#skip(this.#u16(), 'bin16');
      case 0xc6:
        return this.#skip(this.#u32(), 'bin32');
      case 0xca:
        return this.#skip(4, 'float32');
      case 0xcb:
        return this.#skip(8, 'float64');
      case 0xcc:
      case 0xd0:
        return this.#skip(1, 'int8');
      case 0xcd:
      case 0xd1:
        return this.#skip(2, 'int16');
      case 0xce:
      case 0xd2:
        return this.#skip(4, 'int32');
      case 0xcf:
      case 0xd3:
        return this.#skip(8, 'int64');
      case 0xd9:
        return this.#string(this.#u8(), at);
      case 0xda:
        return this.#string(this.#u16(), at);
      case 0xdb:
        return this.#string(this.#u32(), at);
      case 0xdc:
        return this.#container(this.#u16(), 1, depth);
      case 0xdd:
        return this.#container(this.#u32(), 1, depth);
      case 0xde:
        return this.#container(this.#u16(), 2, depth);
      case 0xdf:
        return this.#container(this.#u32(), 2, depth);
      default:
        // 0xc1 (never used) and the ext family 0xc7-0xc9, 0xd4-0xd8.
        fail(`type byte 0x${byte.toString(16)} is not accepted (offset ${at})`);
    }
  }

  #container(count: number, valuesPerEntry: 1 | 2, depth: number): void {
    // Every value takes at least one byte: a count the rest of the frame cannot hold is a lie.
    if (count * valuesPerEntry > this.#bytes.length - this.offset) fail(`container of ${count} entries exceeds the frame`);
    for (let i = 0; i < count * valuesPerEntry; i++) this.value(depth + 1);
  }

  #string(length: number, at: number): void {
    const start = this.offset;
    this.#skip(length, 'str');
    try {
      UTF8.decode(this.#bytes.subarray(start, this.offset));
    } catch {
      fail(`str is not valid UTF-8 (offset ${at})`);
    }
  }

  #skip(count: number, what: string): void {
    if (count > this.#bytes.length - this.offset) fail(`truncated ${what} at offset ${this.offset}`);
    this.offset += count;
  }

  #u8(): number {
    this.#skip(1, 'header');
    return this.#view.getUint8(this.offset - 1);
  }

  #u16(): number {
    this.#skip(2, 'length');
    return this.#view.getUint16(this.offset - 2);
  }

  #u32(): number {
    this.#skip(4, 'length');
    return this.#view.getUint32(this.offset - 4);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
