import { WireType } from './wire-reader.js';

/**
 * Protobuf wire format writer. Output depends only on the calls made, so the encoder's fixed field
 * order makes encoding deterministic. Bytes are kept as a chunk list: a nested message is appended
 * by reference, and large payloads (raw_data) are copied once, in finish().
 */
export class WireWriter {
  readonly #chunks: Uint8Array[] = [];
  #pending: number[] = [];
  #length = 0;

  get length(): number {
    return this.#length + this.#pending.length;
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** Non-negative safe integer. */
  varint(value: number): void {
    let rest = value;
    while (rest >= 0x80) {
      this.#pending.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.#pending.push(rest);
  }

  /** Unsigned 64-bit value (negative int64 is passed as its two's complement, 10 bytes on the wire). */
  varintBig(value: bigint): void {
    let rest = BigInt.asUintN(64, value);
    while (rest >= 0x80n) {
      this.#pending.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    this.#pending.push(Number(rest));
  }

  /** proto int64/int32 from a safe integer: negatives are sign-extended to 64 bits (encoding guide). */
  int64(value: number): void {
    if (value >= 0) this.varint(value);
    else this.varintBig(BigInt(value));
  }

  float32(value: number): void {
    const bytes = new Uint8Array(4);
    new DataView(bytes.buffer).setFloat32(0, value, true);
    for (const byte of bytes) this.#pending.push(byte);
  }

  bytesField(field: number, data: Uint8Array): void {
    this.tag(field, WireType.LEN);
    this.varint(data.length);
    this.#append(data);
  }

  stringField(field: number, value: string): void {
    this.bytesField(field, new TextEncoder().encode(value));
  }

  varintField(field: number, value: number): void {
    this.tag(field, WireType.VARINT);
    this.int64(value);
  }

  messageField(field: number, message: WireWriter): void {
    this.tag(field, WireType.LEN);
    this.varint(message.length);
    message.#flush();
    for (const chunk of message.#chunks) this.#append(chunk);
  }

  finish(): Uint8Array {
    this.#flush();
    const out = new Uint8Array(this.#length);
    let offset = 0;
    for (const chunk of this.#chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }

  #append(chunk: Uint8Array): void {
    this.#flush();
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#chunks.push(Uint8Array.from(this.#pending));
    this.#length += this.#pending.length;
    this.#pending = [];
  }
}
