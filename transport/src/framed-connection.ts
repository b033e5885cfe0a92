import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import {
  FrameDecoder,
  MAX_FRAME_BYTES,
  WIRE_VERSION,
  createError,
  decodeFrameBody,
  encodeFrame,
  isProvenantError,
  parseFrame,
  toPublicError,
  type ErrorCode,
  type Frame,
  type ProvenantError,
} from '@provenant/protocol';

export type WireRole = 'parent' | 'enclave';

/** Frames the application sees; hello, ping and pong are handled here. */
export type ApplicationFrame = Exclude<Frame, { k: 'hello' } | { k: 'ping' } | { k: 'pong' }>;
/** Frames the application may send. */
export type OutgoingFrame = ApplicationFrame;

/** Timer functions, injectable so heartbeat tests can drive time by hand (STYLE rule 16). */
export interface ConnectionTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface FramedConnectionOptions {
  readonly role: WireRole;
  /** Largest frame either way; defaults to MAX_FRAME_BYTES and may only be lower. */
  readonly maxFrameBytes?: number;
  /** A ping goes out after this long without receiving anything. */
  readonly heartbeatIntervalMs?: number;
  /** The connection closes with PRV_ERR_WIRE_PEER_TIMEOUT after this long without receiving anything. */
  readonly heartbeatTimeoutMs?: number;
  /** Encoded bytes that may wait for 'drain' before send() refuses more. */
  readonly maxQueuedBytes?: number;
  /** How long close() waits for buffered bytes to flush before destroying the stream. */
  readonly closeTimeoutMs?: number;
  readonly timers?: ConnectionTimers;
}

export interface FramedConnectionStats {
  readonly framesIn: number;
  readonly framesOut: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly queuedBytes: number;
}

export const DEFAULT_HEARTBEAT_INTERVAL_MS = 5_000;
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 15_000;
/** Four maximal frames: enough to ride out a slow reader, small enough to refuse a stuck one. */
export const DEFAULT_MAX_QUEUED_BYTES = 4 * MAX_FRAME_BYTES;
export const DEFAULT_CLOSE_TIMEOUT_MS = 2_000;
const MAX_TIMER_MS = 24 * 3600 * 1000;

const REAL_TIMERS: ConnectionTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Pending {
  readonly bytes: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * One parent <-> enclave connection over any Duplex (docs/protocol.md): length-prefixed msgpack frames,
 * the hello exchange, heartbeats and backpressure. Events:
 * - 'ready' (peer hello) once the peer announced a compatible version and the opposite role;
 * - 'frame' (ApplicationFrame) for req, chunk, res, err (id != 0) and cancel frames;
 * - 'close' (error?: ProvenantError) exactly once; error is set when the close was not clean.
 *
 * A malformed or oversize frame, a version or role mismatch, or heartbeat silence sends an err frame with
 * id 0 (connection-level) when the stream is still writable, then closes.
 */
export class FramedConnection extends EventEmitter {
  readonly role: WireRole;
  /** Resolves when the peer's hello arrived; rejects if the connection closes first. */
  readonly ready: Promise<void>;
  /** Resolves when the connection has fully closed, with the error that closed it (if any). */
  readonly closed: Promise<ProvenantError | undefined>;

  readonly #stream: Duplex;
  readonly #decoder: FrameDecoder;
  readonly #maxFrameBytes: number;
  readonly #intervalMs: number;
  readonly #timeoutMs: number;
  readonly #maxQueuedBytes: number;
  readonly #closeTimeoutMs: number;
  readonly #timers: ConnectionTimers;
  #queue: Pending[] = [];
  #queuedBytes = 0;
  #waitingForDrain = false;
  /** Frames written after the first one in an event-loop turn are held (cork) until setImmediate. */
  #corked = false;
  #peerReady = false;
  #closing = false;
  #closeError: ProvenantError | undefined;
  #finished = false;
  #heartbeat: unknown;
  #silentMs = 0;
  #receivedSinceTick = false;
  #pingCounter = 0;
  #framesIn = 0;
  #framesOut = 0;
  #bytesIn = 0;
  #bytesOut = 0;
  #resolveReady!: () => void;
  #rejectReady!: (error: Error) => void;
  #resolveClosed!: (error: ProvenantError | undefined) => void;

  constructor(stream: Duplex, options: FramedConnectionOptions) {
    super();
    if (options.role !== 'parent' && options.role !== 'enclave') throw createError('PRV_ERR_INVALID_ARGUMENT', 'role must be parent or enclave');
    this.role = options.role;
    this.#maxFrameBytes = positive(options.maxFrameBytes ?? MAX_FRAME_BYTES, 'maxFrameBytes', MAX_FRAME_BYTES);
    this.#intervalMs = positive(options.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS, 'heartbeatIntervalMs', MAX_TIMER_MS);
    this.#timeoutMs = positive(options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS, 'heartbeatTimeoutMs', MAX_TIMER_MS);
    if (this.#timeoutMs < this.#intervalMs) throw createError('PRV_ERR_INVALID_ARGUMENT', 'heartbeatTimeoutMs must be at least heartbeatIntervalMs');
    this.#maxQueuedBytes = positive(options.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES, 'maxQueuedBytes', Number.MAX_SAFE_INTEGER);
    this.#closeTimeoutMs = positive(options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS, 'closeTimeoutMs', MAX_TIMER_MS);
    this.#timers = options.timers ?? REAL_TIMERS;
    this.#stream = stream;
    this.#decoder = new FrameDecoder(this.#maxFrameBytes);
    this.ready = new Promise((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    this.ready.catch(() => undefined); // callers who never await ready must not see an unhandled rejection
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));

    stream.on('data', (chunk: Uint8Array) => this.#onData(chunk));
    stream.on('drain', () => this.#flush());
    stream.on('end', () => this.#shutdown(this.#peerReady ? undefined : createError('PRV_ERR_WIRE_CLOSED', 'peer ended the stream before hello')));
    stream.on('error', (error: unknown) => this.#shutdown(asProvenant(error, 'PRV_ERR_WIRE_CLOSED')));
    stream.on('close', () => this.#finish());
    this.#write({ k: 'hello', v: WIRE_VERSION, role: this.role });
    this.#armHeartbeat();
  }

  get isOpen(): boolean {
    return !this.#closing;
  }

  get isReady(): boolean {
    return this.#peerReady && !this.#closing;
  }

  get stats(): FramedConnectionStats {
    return {
      framesIn: this.#framesIn,
      framesOut: this.#framesOut,
      bytesIn: this.#bytesIn,
      bytesOut: this.#bytesOut,
      queuedBytes: this.#queuedBytes,
    };
  }

  /**
   * Sends one frame. Resolves once the frame is handed to the stream; while the stream is above its
   * high-water mark frames wait for 'drain' (STYLE rule 13), and past maxQueuedBytes the send is refused
   * with PRV_ERR_WIRE_SEND_QUEUE_FULL instead of buffering without bound.
   */
  send(frame: OutgoingFrame): Promise<void> {
    if (this.#closing) return Promise.reject(createError('PRV_ERR_WIRE_CLOSED', 'send after close'));
    let bytes: Uint8Array;
    try {
      bytes = encodeFrame(frame, this.#maxFrameBytes);
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.#waitingForDrain && this.#queue.length === 0) {
      this.#writeBytes(bytes);
      return Promise.resolve();
    }
    if (this.#queuedBytes + bytes.length > this.#maxQueuedBytes) {
      return Promise.reject(createError('PRV_ERR_WIRE_SEND_QUEUE_FULL', `${this.#queuedBytes} bytes already wait for the peer`));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ bytes, resolve, reject });
      this.#queuedBytes += bytes.length;
    });
  }

  /** Sends an err frame for a request (or id 0 for the connection) carrying only the public part of the error. */
  sendError(id: number, error: unknown): Promise<void> {
    const { code, message } = toPublicError(error);
    return this.send({ k: 'err', id, code, message });
  }

  /**
   * Closes the connection. With an error, an err frame (id 0) tells the peer why first. Idempotent: later
   * calls return the same promise outcome.
   */
  async close(error?: unknown): Promise<ProvenantError | undefined> {
    if (!this.#closing) {
      const reason = error === undefined ? undefined : asProvenant(error, 'PRV_ERR_INTERNAL');
      if (reason !== undefined && !this.#stream.destroyed && this.#stream.writable) {
        const { code, message } = toPublicError(reason);
        // Bypass the queue: the peer should learn why even if earlier frames are still waiting.
        this.#write({ k: 'err', id: 0, code, message });
      }
      this.#shutdown(reason);
    }
    return this.closed;
  }

  #onData(chunk: Uint8Array): void {
    if (this.#closing) return;
    this.#bytesIn += chunk.length;
    this.#receivedSinceTick = true;
    let frames: Frame[];
    try {
      frames = this.#decoder.push(chunk).map((body) => parseFrame(decodeFrameBody(body)));
    } catch (error) {
      void this.close(asProvenant(error, 'PRV_ERR_WIRE_MALFORMED'));
      return;
    }
    for (const frame of frames) {
      if (this.#closing) return;
      this.#framesIn++;
      this.#onFrame(frame);
    }
  }

  #onFrame(frame: Frame): void {
    if (!this.#peerReady) {
      if (frame.k !== 'hello') {
        void this.close(createError('PRV_ERR_WIRE_MALFORMED', `first frame must be hello, got ${frame.k}`));
        return;
      }
      if (frame.v !== WIRE_VERSION) {
        void this.close(createError('PRV_ERR_WIRE_VERSION', `peer speaks version ${frame.v}, this side ${WIRE_VERSION}`));
        return;
      }
      if (frame.role === this.role) {
        void this.close(createError('PRV_ERR_WIRE_MALFORMED', `peer announced role ${frame.role}, the same as this side`));
        return;
      }
      this.#peerReady = true;
      this.#resolveReady();
      this.emit('ready', frame);
      return;
    }
    switch (frame.k) {
      case 'hello':
        void this.close(createError('PRV_ERR_WIRE_MALFORMED', 'second hello'));
        return;
      case 'ping':
        this.#write({ k: 'pong', n: frame.n });
        return;
      case 'pong':
        return;
      case 'err':
        if (frame.id === 0) {
          // The peer is closing the connection and told us why; do not answer with an err of our own.
          this.#shutdown(createError(frame.code, `peer closed the connection: ${frame.message}`));
          return;
        }
        this.emit('frame', frame);
        return;
      default:
        this.emit('frame', frame);
    }
  }

  #armHeartbeat(): void {
    this.#heartbeat = this.#timers.setTimeout(() => this.#tick(), this.#intervalMs);
  }

  /**
   * Runs every heartbeatIntervalMs. Silence is counted in whole intervals, which needs no clock: a tick
   * that saw no byte adds one interval and sends a ping so an idle but live peer answers with a pong.
   */
  #tick(): void {
    if (this.#closing) return;
    if (this.#receivedSinceTick) {
      this.#silentMs = 0;
      this.#receivedSinceTick = false;
    } else {
      this.#silentMs += this.#intervalMs;
      if (this.#silentMs >= this.#timeoutMs) {
        void this.close(createError('PRV_ERR_WIRE_PEER_TIMEOUT', `nothing received for ${this.#silentMs} ms`));
        return;
      }
      this.#pingCounter = (this.#pingCounter + 1) >>> 0;
      if (!this.#waitingForDrain) this.#write({ k: 'ping', n: this.#pingCounter });
    }
    this.#armHeartbeat();
  }

  #write(frame: Frame): void {
    this.#writeBytes(encodeFrame(frame, this.#maxFrameBytes));
  }

  /**
   * The first frame of an event-loop turn is written at once, so a lone request or answer pays no added
   * latency. The stream is then corked until the check phase: frames sent in the same turn (many HTTP
   * requests read in one poll phase, answers settled together) leave in one writev and wake the peer
   * once, instead of one syscall and one wakeup each. write()'s return value still reflects the corked
   * bytes, so backpressure (STYLE rule 13) is unchanged; end() uncorks, so close() flushes them.
   */
  #writeBytes(bytes: Uint8Array): void {
    if (this.#stream.destroyed || !this.#stream.writable) return;
    this.#framesOut++;
    this.#bytesOut += bytes.length;
    if (!this.#stream.write(bytes)) this.#waitingForDrain = true;
    if (!this.#corked) {
      this.#corked = true;
      this.#stream.cork();
      setImmediate(() => this.#uncork());
    }
  }

  #uncork(): void {
    this.#corked = false;
    this.#stream.uncork();
  }

  #flush(): void {
    this.#waitingForDrain = false;
    while (!this.#waitingForDrain && this.#queue.length > 0 && !this.#closing) {
      const next = this.#queue.shift() as Pending;
      this.#queuedBytes -= next.bytes.length;
      this.#writeBytes(next.bytes);
      next.resolve();
    }
  }

  #shutdown(error: ProvenantError | undefined): void {
    if (this.#closing) return;
    this.#closing = true;
    this.#closeError = error;
    this.#timers.clearTimeout(this.#heartbeat);
    const pending = this.#queue;
    this.#queue = [];
    this.#queuedBytes = 0;
    for (const entry of pending) entry.reject(createError('PRV_ERR_WIRE_CLOSED', 'connection closed with the frame still queued'));
    if (!this.#peerReady) this.#rejectReady(error ?? createError('PRV_ERR_WIRE_CLOSED', 'closed before the peer said hello'));
    const stream = this.#stream;
    if (stream.destroyed) {
      this.#finish();
      return;
    }
    const force = this.#timers.setTimeout(() => stream.destroy(), this.#closeTimeoutMs);
    stream.once('close', () => this.#timers.clearTimeout(force));
    if (stream.writable && !stream.writableEnded) stream.end(() => stream.destroy());
    else stream.destroy();
  }

  #finish(): void {
    if (!this.#closing) {
      // The stream closed under us (peer reset, destroy from outside).
      this.#shutdown(this.#peerReady ? createError('PRV_ERR_WIRE_CLOSED', 'stream closed') : createError('PRV_ERR_WIRE_CLOSED', 'stream closed before hello'));
      return;
    }
    if (!this.#stream.destroyed || this.#finished) return;
    this.#finished = true;
    this.#resolveClosed(this.#closeError);
    this.emit('close', this.#closeError);
    this.removeAllListeners('frame');
  }
}

function positive(value: number, name: string, max: number): number {
  if (!Number.isSafeInteger(value) || value <= 0 || value > max) throw createError('PRV_ERR_INVALID_ARGUMENT', `${name} must be an integer in [1, ${max}]`);
  return value;
}

function asProvenant(error: unknown, fallback: ErrorCode): ProvenantError {
  return isProvenantError(error) ? error : createError(fallback, undefined, { cause: error });
}
