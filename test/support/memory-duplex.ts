import { Duplex } from 'node:stream';

/**
 * An in-memory stream pair: bytes written to one end are read from the other. Node 20 has no
 * stream.duplexPair (added in 22.6), so tests build their own.
 */
class MemoryEnd extends Duplex {
  peer: MemoryEnd | undefined;

  constructor(highWaterMark: number) {
    super({ allowHalfOpen: true, writableHighWaterMark: highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.peer?.push(chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.peer?.push(null);
    callback();
  }

  override _read(): void {}

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    // A destroyed end looks like a reset to the other side.
    if (this.peer !== undefined && !this.peer.destroyed) this.peer.destroy();
    callback(error);
  }
}

export function memoryDuplexPair(highWaterMark = 64 * 1024): [Duplex, Duplex] {
  const a = new MemoryEnd(highWaterMark);
  const b = new MemoryEnd(highWaterMark);
  a.peer = b;
  b.peer = a;
  return [a, b];
}

/**
 * A stream whose writes complete only when the test says so, to observe backpressure: write() returns
 * false once highWaterMark bytes wait, and 'drain' follows release().
 */
export class HeldWriteDuplex extends Duplex {
  readonly written: Uint8Array[] = [];
  #held: Array<() => void> = [];
  #flowing = false;

  constructor(highWaterMark: number) {
    super({ allowHalfOpen: true, writableHighWaterMark: highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.written.push(Uint8Array.from(chunk));
    if (this.#flowing) callback();
    else this.#held.push(() => callback());
  }

  override _read(): void {}

  /** Completes every write held so far and every later one. */
  release(): void {
    this.#flowing = true;
    const held = this.#held;
    this.#held = [];
    for (const done of held) done();
  }

  get heldCount(): number {
    return this.#held.length;
  }
}
