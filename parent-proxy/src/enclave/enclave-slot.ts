import type { Duplex } from 'node:stream';
import { createError, type ProvenantError } from '@provenant/protocol';
import { FramedConnection, connect } from '@provenant/transport';
import { backoffDelayMs } from './backoff.js';
import { EnclaveLink } from './enclave-link.js';

export interface SlotOptions {
  readonly connectTimeoutMs: number;
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  /** Runs on every new link before it takes traffic (the pool loads the startup model directory here). */
  readonly onLink: (link: EnclaveLink) => Promise<void>;
  readonly log: (line: string) => void;
  /** Injectable for tests. */
  readonly random?: () => number;
}

/**
 * One enclave address: keeps a link to it, reconnecting with exponential backoff and jitter after any
 * failure (connect refused, hello refused, heartbeat silence, reset). A link takes requests only after
 * its hello and its onLink step completed.
 */
export class EnclaveSlot {
  readonly address: string;
  readonly #options: SlotOptions;
  #link: EnclaveLink | undefined;
  #attempt = 0;
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #connecting: AbortController | undefined;
  #running: Promise<void> | undefined;
  /** Successful connections since start; a test hook for reconnects and a metric. */
  connects = 0;

  constructor(address: string, options: SlotOptions) {
    this.address = address;
    this.#options = options;
  }

  /** The usable link, if the enclave is connected and synced. */
  get link(): EnclaveLink | undefined {
    return this.#link?.isOpen === true ? this.#link : undefined;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#connecting?.abort();
    const link = this.#link;
    this.#link = undefined;
    await link?.close();
    await this.#running;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#connectOnce();
    }, delayMs);
  }

  async #connectOnce(): Promise<void> {
    const controller = new AbortController();
    this.#connecting = controller;
    let connection: FramedConnection | undefined;
    try {
      const stream: Duplex = await connect(this.address, { timeoutMs: this.#options.connectTimeoutMs, signal: controller.signal });
      stream.on('error', () => undefined); // FramedConnection reports failures through 'close'
      connection = new FramedConnection(stream, {
        role: 'parent',
        heartbeatIntervalMs: this.#options.heartbeatIntervalMs,
        heartbeatTimeoutMs: this.#options.heartbeatTimeoutMs,
      });
      await withTimeout(connection.ready, this.#options.connectTimeoutMs, 'hello');
      if (this.#stopped) throw createError('PRV_ERR_WIRE_CLOSED', 'proxy stopping');
      const link = new EnclaveLink(this.address, connection);
      await this.#options.onLink(link);
      if (!link.isOpen) throw createError('PRV_ERR_WIRE_CLOSED', 'closed during sync');
      this.#link = link;
      this.#attempt = 0;
      this.connects++;
      this.#options.log(`enclave ${this.address}: connected`);
      void connection.closed.then((error) => this.#onClosed(link, error));
    } catch (error) {
      void connection?.close();
      const code = (error as { code?: string }).code ?? 'error';
      const delay = backoffDelayMs(this.#attempt++, {
        initialMs: this.#options.reconnectInitialMs,
        maxMs: this.#options.reconnectMaxMs,
        ...(this.#options.random === undefined ? {} : { random: this.#options.random }),
      });
      if (!this.#stopped) this.#options.log(`enclave ${this.address}: ${code}; retrying in ${delay} ms`);
      this.#schedule(delay);
    } finally {
      this.#connecting = undefined;
    }
  }

  #onClosed(link: EnclaveLink, error: ProvenantError | undefined): void {
    if (this.#link === link) this.#link = undefined;
    if (this.#stopped) return;
    this.#options.log(`enclave ${this.address}: disconnected (${error?.code ?? 'clean close'})`);
    this.#schedule(backoffDelayMs(this.#attempt++, {
      initialMs: this.#options.reconnectInitialMs,
      maxMs: this.#options.reconnectMaxMs,
      ...(this.#options.random === undefined ? {} : { random: this.#options.random }),
    }));
  }
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(createError('PRV_ERR_WIRE_PEER_TIMEOUT', `no ${what} within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
