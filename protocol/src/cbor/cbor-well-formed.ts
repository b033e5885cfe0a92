import { createError } from '../errors/index.js';

export interface CborLimits {
  /** Largest accepted input. */
  readonly maxBytes: number;
  /** Deepest nesting of arrays, maps and tags; the top-level item is depth 1. */
  readonly maxDepth: number;
  /** Most data items in the whole input (every array element, map key and value counts). */
  readonly maxItems: number;
  /** Tags that may appear; anything else is rejected so the decoder never builds unexpected types. */
  readonly allowedTags: ReadonlySet<number>;
}

const MAJOR_UINT = 0;
const MAJOR_NINT = 1;
const MAJOR_BYTES = 2;
const MAJOR_TEXT = 3;
const MAJOR_ARRAY = 4;
const MAJOR_MAP = 5;
const MAJOR_TAG = 6;
const MAJOR_SIMPLE = 7;

/**
 * Walks the encoded bytes once, without building values, and throws unless they are exactly one
 * well-formed, definite-length, minimally encoded CBOR item within the limits.
 *
 * Why a separate pass: general decoders allocate from declared lengths (an array header can claim 2^32
 * elements in 9 bytes) and accept encodings that two parsers may read differently (duplicate keys,
 * indefinite lengths). Checking first bounds memory by the input size and removes parser differentials
 * before cbor-x builds anything. Minimal ("preferred") argument encoding is RFC 8949 §4.2.1; serde_cbor,
 * which produces NSM messages, always emits it.
 */
export function assertWellFormedCbor(bytes: Uint8Array, limits: CborLimits): void {
  if (bytes.length > limits.maxBytes) {
    throw createError('PRV_ERR_CBOR_LIMIT', `${bytes.length} bytes exceeds the limit of ${limits.maxBytes}`);
  }
  if (bytes.length === 0) throw createError('PRV_ERR_CBOR_MALFORMED', 'empty input');
  const walker = new Walker(bytes, limits);
  walker.item(1);
  if (walker.offset !== bytes.length) {
    throw createError('PRV_ERR_CBOR_MALFORMED', `${bytes.length - walker.offset} trailing bytes after the item`);
  }
}

class Walker {
  offset = 0;
  #items = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #limits: CborLimits;

  constructor(bytes: Uint8Array, limits: CborLimits) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#limits = limits;
  }

  item(depth: number): void {
    if (depth > this.#limits.maxDepth) {
      throw createError('PRV_ERR_CBOR_LIMIT', `nesting deeper than ${this.#limits.maxDepth}`);
    }
    if (++this.#items > this.#limits.maxItems) {
      throw createError('PRV_ERR_CBOR_LIMIT', `more than ${this.#limits.maxItems} items`);
    }
    const start = this.offset;
    const initial = this.#take(1, 'item header')[0] as number;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === MAJOR_SIMPLE) return this.#simple(info, start);
    const argument = this.#argument(info, start);
    switch (major) {
      case MAJOR_UINT:
      case MAJOR_NINT:
        return;
      case MAJOR_BYTES:
      case MAJOR_TEXT:
        this.#take(this.#length(argument, start), 'string body');
        if (major === MAJOR_TEXT) this.#assertUtf8(this.offset - Number(argument), this.offset, start);
        return;
      case MAJOR_ARRAY: {
        const count = this.#length(argument, start);
        for (let i = 0; i < count; i++) this.item(depth + 1);
        return;
      }
      case MAJOR_MAP: {
        // Each entry takes at least two bytes, which bounds the loop by the input before any work.
        const count = this.#length(argument * 2n, start) / 2;
        const seen = new Set<string>();
        for (let i = 0; i < count; i++) {
          const keyStart = this.offset;
          this.item(depth + 1);
          const key = latin1(this.#bytes, keyStart, this.offset);
          if (seen.has(key)) throw createError('PRV_ERR_CBOR_MALFORMED', `duplicate map key at offset ${keyStart}`);
          seen.add(key);
          this.item(depth + 1);
        }
        return;
      }
      case MAJOR_TAG:
        if (argument > BigInt(Number.MAX_SAFE_INTEGER) || !this.#limits.allowedTags.has(Number(argument))) {
          throw createError('PRV_ERR_CBOR_MALFORMED', `tag ${argument} is not accepted here (offset ${start})`);
        }
        this.item(depth + 1);
        return;
    }
  }

  #simple(info: number, start: number): void {
    // RFC 8949 §3.3: 20-23 are false/true/null/undefined, 25-27 half/single/double floats.
    if (info >= 20 && info <= 23) return;
    if (info === 25) return void this.#take(2, 'float16');
    if (info === 26) return void this.#take(4, 'float32');
    if (info === 27) return void this.#take(8, 'float64');
    const what = info === 31 ? 'indefinite-length break' : `simple value ${info}`;
    throw createError('PRV_ERR_CBOR_MALFORMED', `${what} is not accepted (offset ${start})`);
  }

  #argument(info: number, start: number): bigint {
    if (info < 24) return BigInt(info);
    let value: bigint;
    let floor: bigint;
    if (info === 24) {
      value = BigInt(this.#take(1, 'argument')[0] as number);
      floor = 24n;
    } else if (info === 25) {
      value = BigInt(this.#view.getUint16(this.#advance(2)));
      floor = 0x100n;
    } else if (info === 26) {
      value = BigInt(this.#view.getUint32(this.#advance(4)));
      floor = 0x1_0000n;
    } else if (info === 27) {
      value = this.#view.getBigUint64(this.#advance(8));
      floor = 0x1_0000_0000n;
    } else {
      const what = info === 31 ? 'indefinite length' : `reserved additional information ${info}`;
      throw createError('PRV_ERR_CBOR_MALFORMED', `${what} at offset ${start}`);
    }
    if (value < floor) throw createError('PRV_ERR_CBOR_MALFORMED', `non-minimal length or value at offset ${start}`);
    return value;
  }

  /** A declared length or count, refused before use when the rest of the input cannot hold it. */
  #length(declared: bigint, start: number): number {
    const remaining = this.#bytes.length - this.offset;
    if (declared > BigInt(remaining)) {
      throw createError('PRV_ERR_CBOR_MALFORMED', `declared length ${declared} exceeds the ${remaining} bytes left (offset ${start})`);
    }
    return Number(declared);
  }

  #advance(count: number): number {
    const at = this.offset;
    this.#take(count, 'argument');
    return at;
  }

  #take(count: number, what: string): Uint8Array {
    if (this.offset + count > this.#bytes.length) {
      throw createError('PRV_ERR_CBOR_MALFORMED', `truncated ${what} at offset ${this.offset}`);
    }
    const slice = this.#bytes.subarray(this.offset, this.offset + count);
    this.offset += count;
    return slice;
  }

  #assertUtf8(from: number, to: number, start: number): void {
    try {
      UTF8.decode(this.#bytes.subarray(from, to));
    } catch {
      throw createError('PRV_ERR_CBOR_MALFORMED', `text string is not valid UTF-8 (offset ${start})`);
    }
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function latin1(bytes: Uint8Array, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) out += String.fromCharCode(bytes[i] as number);
  return out;
}
