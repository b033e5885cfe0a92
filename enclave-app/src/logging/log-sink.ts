import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { createError } from '@provenant/protocol';
import { connect } from '@provenant/transport';

/** Lines held while the parent is slow or absent; beyond it the oldest line is dropped and counted. */
export const DEFAULT_LOG_SINK_BUFFERED_LINES = 1024;
export const MAX_LOG_SINK_BUFFERED_LINES = 65_536;
/**
 * A longer line is dropped (and counted) rather than cut: a cut JSON line is not JSON. The logger's
 * lines are far shorter (string fields are capped at 128 chars), so this only guards against misuse.
 */
export const MAX_LOG_SINK_LINE_BYTES = 4096;
export const DEFAULT_LOG_SINK_CONNECT_TIMEOUT_MS = 2_000;
export const DEFAULT_LOG_SINK_RECONNECT_INITIAL_MS = 100;
export const DEFAULT_LOG_SINK_RECONNECT_MAX_MS = 10_000;
/** stop() gives buffered lines this long to leave before the socket is destroyed. */
export const DEFAULT_LOG_SINK_CLOSE_TIMEOUT_MS = 1_000;

export interface LogSinkTimers {
  readonly setTimeout: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout: (handle: unknown) => void;
}

export interface LogSinkOptions {
  /** Where the parent listens: vsock://3:5001 in production, unix:// or tcp:// in tests. */
  readonly address: string;
  readonly maxBufferedLines?: number;
  readonly connectTimeoutMs?: number;
  readonly reconnectInitialMs?: number;
  readonly reconnectMaxMs?: number;
  readonly closeTimeoutMs?: number;
  /** Injectable for tests; defaults to @provenant/transport connect(). */
  readonly connect?: (address: string, options: { timeoutMs: number; signal: AbortSignal }) => Promise<Duplex>;
  /** Injectable for tests (fake timers); defaults to unref'd Node timers so the sink never keeps the process up. */
  readonly timers?: LogSinkTimers;
  /** Injectable jitter source, [0, 1). */
  readonly random?: () => number;
  readonly now?: () => number;
}

export interface LogSinkStats {
  readonly connected: boolean;
  readonly bufferedLines: number;
  /** Lines dropped since start: buffer overflow while the parent was slow or absent, or over-long lines. */
  readonly droppedLines: number;
  /** Lines handed to the socket. */
  readonly sentLines: number;
  readonly connectAttempts: number;
}

const NODE_TIMERS: LogSinkTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

function assertCount(value: number, field: string, min: number, max: number): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', `${field} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/**
 * Streams log lines to the parent over a transport connection, in addition to the console. The sink
 * must never slow the daemon (issue 5): write() is synchronous and O(1), lines wait in a bounded ring
 * whose oldest line is dropped (and counted) when full, the connection is made in the background with
 * exponential backoff and jitter, and socket backpressure (write() === false) parks the ring until
 * 'drain' (STYLE rule 13) instead of buffering in the stream. After drops, the next line sent is a
 * `log.dropped` record carrying the count, so the parent sees the gap.
 *
 * Emits 'connected' and 'disconnected' (tests wait on them instead of sleeping).
 */
export class LogSink extends EventEmitter {
  readonly #address: string;
  readonly #maxBufferedLines: number;
  readonly #connectTimeoutMs: number;
  readonly #reconnectInitialMs: number;
  readonly #reconnectMaxMs: number;
  readonly #closeTimeoutMs: number;
  readonly #connect: NonNullable<LogSinkOptions['connect']>;
  readonly #timers: LogSinkTimers;
  readonly #random: () => number;
  readonly #now: () => number;
  /** Ring buffer: #head is the oldest line, #count lines from there on (mod capacity). */
  readonly #ring: Array<string | undefined>;
  #head = 0;
  #count = 0;
  #dropped = 0;
  /** Drops not yet reported to the parent with a log.dropped line. */
  #unreportedDrops = 0;
  #sent = 0;
  #attempts = 0;
  #failures = 0;
  #socket: Duplex | undefined;
  #waitingForDrain = false;
  #reconnectTimer: unknown;
  #abort = new AbortController();
  #started = false;
  #stopped = false;

  constructor(options: LogSinkOptions) {
    super();
    if (typeof options?.address !== 'string' || options.address.length === 0) {
      throw createError('PRV_ERR_INVALID_ARGUMENT', 'address must be a transport address string');
    }
    this.#address = options.address;
    this.#maxBufferedLines = assertCount(options.maxBufferedLines ?? DEFAULT_LOG_SINK_BUFFERED_LINES, 'maxBufferedLines', 1, MAX_LOG_SINK_BUFFERED_LINES);
    this.#connectTimeoutMs = assertCount(options.connectTimeoutMs ?? DEFAULT_LOG_SINK_CONNECT_TIMEOUT_MS, 'connectTimeoutMs', 1, 60_000);
    this.#reconnectInitialMs = assertCount(options.reconnectInitialMs ?? DEFAULT_LOG_SINK_RECONNECT_INITIAL_MS, 'reconnectInitialMs', 1, 600_000);
    this.#reconnectMaxMs = assertCount(options.reconnectMaxMs ?? DEFAULT_LOG_SINK_RECONNECT_MAX_MS, 'reconnectMaxMs', this.#reconnectInitialMs, 600_000);
    this.#closeTimeoutMs = assertCount(options.closeTimeoutMs ?? DEFAULT_LOG_SINK_CLOSE_TIMEOUT_MS, 'closeTimeoutMs', 0, 60_000);
    this.#connect = options.connect ?? ((address, connectOptions) => connect(address, connectOptions));
    this.#timers = options.timers ?? NODE_TIMERS;
    this.#random = options.random ?? Math.random;
    this.#now = options.now ?? Date.now;
    this.#ring = new Array<string | undefined>(this.#maxBufferedLines);
  }

  get stats(): LogSinkStats {
    return {
      connected: this.#socket !== undefined,
      bufferedLines: this.#count,
      droppedLines: this.#dropped,
      sentLines: this.#sent,
      connectAttempts: this.#attempts,
    };
  }

  /** Starts connecting in the background; returns at once (the sink never delays boot). */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    this.#attempt();
  }

  /** Queues one line (newline-terminated, as the line logger writes it). Never blocks, never throws. */
  write(line: string): void {
    if (this.#stopped) return;
    if (line.length > MAX_LOG_SINK_LINE_BYTES || Buffer.byteLength(line) > MAX_LOG_SINK_LINE_BYTES) {
      this.#drop();
      return;
    }
    if (this.#count === this.#maxBufferedLines) {
      this.#head = (this.#head + 1) % this.#maxBufferedLines;
      this.#count -= 1;
      this.#drop();
    }
    this.#ring[(this.#head + this.#count) % this.#maxBufferedLines] = line;
    this.#count += 1;
    this.#flush();
  }

  /** Stops reconnecting, gives queued lines up to closeTimeoutMs to leave, then closes. Idempotent. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#abort.abort();
    if (this.#reconnectTimer !== undefined) this.#timers.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = undefined;
    const socket = this.#socket;
    if (socket === undefined || socket.destroyed) return;
    // 'finish' means every queued line reached the transport; the parent never answers, so there is
    // nothing to wait for after that.
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.#timers.clearTimeout(timer);
        socket.destroy();
        resolve();
      };
      const timer = this.#timers.setTimeout(done, this.#closeTimeoutMs);
      socket.once('finish', done);
      socket.once('close', done);
      socket.end();
    });
  }

  #drop(): void {
    this.#dropped += 1;
    this.#unreportedDrops += 1;
  }

  #attempt(): void {
    this.#reconnectTimer = undefined;
    if (this.#stopped) return;
    this.#attempts += 1;
    this.#connect(this.#address, { timeoutMs: this.#connectTimeoutMs, signal: this.#abort.signal }).then(
      (socket) => this.#attach(socket),
      () => this.#scheduleReconnect(),
    );
  }

  #scheduleReconnect(): void {
    if (this.#stopped) return;
    // Equal jitter: at least half the step, so enclaves that lost the parent together do not retry in lockstep.
    const step = Math.min(this.#reconnectMaxMs, this.#reconnectInitialMs * 2 ** Math.min(this.#failures, 30));
    this.#failures += 1;
    this.#reconnectTimer = this.#timers.setTimeout(() => this.#attempt(), Math.round(step / 2 + (step / 2) * this.#random()));
  }

  #attach(socket: Duplex): void {
    if (this.#stopped) {
      socket.destroy();
      return;
    }
    if (socket.destroyed) {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    this.#failures = 0;
    this.#waitingForDrain = false;
    // The parent never talks back on this channel; whatever it sends is discarded unread.
    socket.on('data', () => undefined);
    socket.on('error', () => undefined);
    socket.on('drain', () => {
      this.#waitingForDrain = false;
      this.#flush();
    });
    socket.once('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.emit('disconnected');
      this.#scheduleReconnect();
    });
    this.emit('connected');
    this.#flush();
  }

  #flush(): void {
    const socket = this.#socket;
    if (socket === undefined || this.#waitingForDrain || socket.destroyed || socket.writableEnded) return;
    while (this.#count > 0 || this.#unreportedDrops > 0) {
      let line: string;
      if (this.#unreportedDrops > 0) {
        line = `${JSON.stringify({ ts: new Date(this.#now()).toISOString(), level: 'warn', event: 'log.dropped', lines: this.#unreportedDrops })}\n`;
        this.#unreportedDrops = 0;
      } else {
        line = this.#ring[this.#head] as string;
        this.#ring[this.#head] = undefined;
        this.#head = (this.#head + 1) % this.#maxBufferedLines;
        this.#count -= 1;
      }
      this.#sent += 1;
      if (!socket.write(line)) {
        this.#waitingForDrain = true;
        return;
      }
    }
  }
}
