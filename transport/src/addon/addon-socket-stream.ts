import { Duplex } from 'node:stream';
import { ERRNO, ioError } from '../transport-errno.js';
import {
  MAX_READS_PER_EVENT,
  READ_CHUNK_BYTES,
  READ_COPY_THRESHOLD_BYTES,
  STREAM_HIGH_WATER_MARK_BYTES,
} from '../transport-limits.js';
import { loadAddon, type NativeAddress, type NativeSocketHandle, type RelayedHandle } from './addon-binding.js';

interface PendingWrite {
  readonly chunks: Uint8Array[];
  /** Index of the first chunk not fully written; chunks before it are done. */
  next: number;
  readonly callback: (error?: Error | null) => void;
}

/**
 * A stream.Duplex over a connected addon socket, with backpressure both ways:
 * - reading: the fd is polled for readability only while Node wants data; when push() returns false
 *   polling stops, and _read() starts it again (same shape as undici's pause()/resume()).
 * - writing: a chunk the kernel will not take (EAGAIN) is kept and the write callback waits for
 *   writability, so write() returns false once the highWaterMark is buffered.
 * Half-close: end() becomes shutdown(SHUT_WR) after the last write; EOF from the peer becomes
 * push(null). allowHalfOpen is true, like every transport here. destroy() closes the fd once.
 */
export class AddonSocketStream extends Duplex {
  readonly #handle: NativeSocketHandle;
  readonly #readable: number;
  readonly #writable: number;
  readonly #maxIov: number;
  #wantRead = false;
  #pending: PendingWrite | null = null;
  #closed = false;
  #scratch: Buffer = Buffer.allocUnsafe(READ_CHUNK_BYTES);

  constructor(relayed: RelayedHandle) {
    super({ allowHalfOpen: true, highWaterMark: STREAM_HIGH_WATER_MARK_BYTES });
    const { constants } = loadAddon();
    this.#readable = constants.EVENT_READABLE;
    this.#writable = constants.EVENT_WRITABLE;
    this.#maxIov = constants.MAX_IOV;
    this.#handle = relayed.handle;
    relayed.onEvent = (status, events) => this.#onEvent(status, events);
  }

  override _read(): void {
    if (this.#closed) return;
    this.#wantRead = true;
    this.#updatePoll();
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#pending = { chunks: [chunk], next: 0, callback };
    this.#flush();
  }

  override _writev(entries: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.#pending = { chunks: entries.map((entry) => entry.chunk), next: 0, callback };
    this.#flush();
  }

  /**
   * The connected peer, `{cid, port}` on vsock (`{path}` on unix), or undefined once closed or when
   * getpeername fails. The parent's log receiver labels enclaves by CID with it.
   */
  peerAddress(): NativeAddress | undefined {
    if (this.#closed) return undefined;
    const address = this.#handle.peerAddress();
    return typeof address === 'number' ? undefined : address;
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.#closed) return callback();
    const rc = this.#handle.shutdown();
    // ENOTCONN: the peer is already gone; our half is closed either way.
    callback(rc < 0 && rc !== -ERRNO.ENOTCONN ? ioError('shutdown', rc) : null);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const pending = this.#pending;
    this.#close();
    // The write in flight (its bytes are not all in the kernel) fails, as libuv cancels a net.Socket's
    // write requests with ECANCELED on close. Writable fails the writes buffered behind it and the
    // end() callbacks only from inside that callback, so dropping it would leave every one of them,
    // and anything awaiting them, pending forever. On a destroyed stream this emits no 'error'.
    // nextTick: the callback runs user code, which must not re-enter destroy().
    if (pending !== null) process.nextTick(pending.callback, error ?? ioError('write', -ERRNO.ECANCELED));
    callback(error);
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#wantRead = false;
    this.#pending = null;
    this.#handle.close();
  }

  #onEvent(status: number, events: number): void {
    if (this.#closed) return;
    if (status < 0) {
      // libuv reports POLLERR as EBADF; SO_ERROR holds the real cause (ECONNRESET, EPIPE, ...).
      const soError = this.#handle.soError();
      this.destroy(ioError('poll', soError > 0 ? -soError : status));
      return;
    }
    if ((events & this.#writable) !== 0 && this.#pending !== null) this.#flush();
    if ((events & this.#readable) !== 0 && this.#wantRead) this.#readSome();
    this.#updatePoll();
  }

  #readSome(): void {
    for (let i = 0; i < MAX_READS_PER_EVENT && this.#wantRead && !this.#closed; i++) {
      const n = this.#handle.read(this.#scratch);
      if (n === -ERRNO.EAGAIN) return;
      if (n < 0) {
        this.destroy(ioError('read', n));
        return;
      }
      if (n === 0) {
        this.#wantRead = false;
        this.push(null);
        return;
      }
      let chunk: Buffer;
      if (n < READ_COPY_THRESHOLD_BYTES) {
        chunk = Buffer.from(this.#scratch.subarray(0, n));
      } else {
        chunk = this.#scratch.subarray(0, n);
        this.#scratch = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      }
      if (!this.push(chunk)) this.#wantRead = false;
    }
  }

  #flush(): void {
    const pending = this.#pending;
    if (pending === null || this.#closed) return;
    const { chunks } = pending;
    while (pending.next < chunks.length) {
      const whole = pending.next === 0 && chunks.length <= this.#maxIov;
      const batch = whole ? chunks : chunks.slice(pending.next, pending.next + this.#maxIov);
      const n = this.#handle.writev(batch);
      if (n === -ERRNO.EAGAIN) {
        this.#updatePoll();
        return;
      }
      if (n < 0) {
        this.#pending = null;
        this.#updatePoll();
        pending.callback(ioError('write', n));
        return;
      }
      advance(pending, n);
    }
    this.#pending = null;
    this.#updatePoll();
    pending.callback();
  }

  #updatePoll(): void {
    if (this.#closed) return;
    const mask = (this.#wantRead ? this.#readable : 0) | (this.#pending !== null ? this.#writable : 0);
    const rc = this.#handle.poll(mask);
    if (rc < 0) this.destroy(ioError('poll', rc));
  }
}

/** Drops `written` bytes from the front of the pending chunks (partial writes keep the tail). */
function advance(pending: PendingWrite, written: number): void {
  let left = written;
  const { chunks } = pending;
  while (pending.next < chunks.length) {
    const chunk = chunks[pending.next] as Uint8Array;
    if (chunk.byteLength > left) {
      chunks[pending.next] = chunk.subarray(left);
      return;
    }
    left -= chunk.byteLength;
    pending.next += 1;
  }
}
