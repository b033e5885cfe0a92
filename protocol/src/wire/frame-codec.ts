import { Packr, RESERVE_START_SPACE } from 'msgpackr';
import { createError } from '../errors/index.js';
import { MAX_FRAME_BYTES, MAX_FRAME_DEPTH, MAX_FRAME_VALUES } from '../limits.js';
import { decodeStrictMsgpack } from './msgpack-strict-decode.js';

/** Every frame is a 4-byte big-endian length followed by that many bytes of MessagePack (docs/protocol.md). */
export const FRAME_HEADER_BYTES = 4;

// useRecords: false keeps msgpackr to the plain MessagePack data model, which is all the decoder accepts.
const packr = new Packr({ useRecords: false, variableMapSize: true });

/**
 * One frame, header included. msgpackr leaves the header's bytes free at the start of its output and never
 * writes over an output it returned (later ones go after it, or into a new buffer), so the header is
 * written in place and the body is not copied.
 */
export function encodeFrame(message: unknown, maxFrameBytes = MAX_FRAME_BYTES): Uint8Array {
  const packed: Uint8Array = packr.pack(message, RESERVE_START_SPACE | FRAME_HEADER_BYTES);
  const length = packed.length - FRAME_HEADER_BYTES;
  if (length > maxFrameBytes) {
    throw createError('PRV_ERR_WIRE_FRAME_TOO_LARGE', `${length} bytes exceeds ${maxFrameBytes}`);
  }
  // A plain Uint8Array view (msgpackr hands out a Buffer on Node, whose slice() does not copy).
  const frame = new Uint8Array(packed.buffer, packed.byteOffset, packed.length);
  new DataView(frame.buffer, frame.byteOffset, FRAME_HEADER_BYTES).setUint32(0, length);
  return frame;
}

/** Decodes one frame body (without its length header). */
export function decodeFrameBody(body: Uint8Array): unknown {
  return decodeStrictMsgpack(body, { maxDepth: MAX_FRAME_DEPTH, maxItems: MAX_FRAME_VALUES });
}

/**
 * Reassembles frames from a byte stream. A declared length above the limit is refused as soon as the
 * 4 header bytes arrive, before anything is buffered for it (STYLE rule 8).
 */
export class FrameDecoder {
  readonly #maxFrameBytes: number;
  #chunks: Uint8Array[] = [];
  #buffered = 0;
  #expected = -1;

  constructor(maxFrameBytes = MAX_FRAME_BYTES) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Feeds bytes and returns every complete frame body they finish, in order. Throws on an oversize frame. */
  push(chunk: Uint8Array): Uint8Array[] {
    const bodies: Uint8Array[] = [];
    if (chunk.length > 0) {
      this.#chunks.push(chunk);
      this.#buffered += chunk.length;
    }
    for (;;) {
      if (this.#expected < 0) {
        if (this.#buffered < FRAME_HEADER_BYTES) break;
        const header = this.#take(FRAME_HEADER_BYTES);
        const declared = new DataView(header.buffer, header.byteOffset, FRAME_HEADER_BYTES).getUint32(0);
        if (declared > this.#maxFrameBytes) {
          throw createError('PRV_ERR_WIRE_FRAME_TOO_LARGE', `declared ${declared} bytes, limit ${this.#maxFrameBytes}`);
        }
        if (declared === 0) throw createError('PRV_ERR_WIRE_MALFORMED', 'empty frame');
        this.#expected = declared;
      }
      if (this.#buffered < this.#expected) break;
      bodies.push(this.#take(this.#expected));
      this.#expected = -1;
    }
    return bodies;
  }

  #take(count: number): Uint8Array {
    const first = this.#chunks[0] as Uint8Array;
    let out: Uint8Array;
    if (first.length >= count) {
      out = first.subarray(0, count);
      if (first.length === count) this.#chunks.shift();
      else this.#chunks[0] = first.subarray(count);
    } else {
      out = new Uint8Array(count);
      let filled = 0;
      while (filled < count) {
        const head = this.#chunks[0] as Uint8Array;
        const part = Math.min(head.length, count - filled);
        out.set(head.subarray(0, part), filled);
        filled += part;
        if (part === head.length) this.#chunks.shift();
        else this.#chunks[0] = head.subarray(part);
      }
    }
    this.#buffered -= count;
    return out;
  }
}
