import type { Duplex } from 'node:stream';
import { toPublicError } from '@provenant/protocol';
import { FramedConnection, listen, type Listener, type TransportAddress } from '@provenant/transport';
import type { HeartbeatConfig } from '../config/enclave-config.js';
import type { EnclaveLogger } from '../logging/enclave-logger.js';
import { EnclaveConnection } from './enclave-connection.js';
import type { EnclaveService } from './enclave-service.js';

export interface EnclaveServerOptions {
  readonly listen: string;
  readonly service: EnclaveService;
  readonly logger: EnclaveLogger;
  readonly maxFrameBytes: number;
  readonly maxInFlightPerConnection: number;
  readonly heartbeat: HeartbeatConfig;
}

/** Accepts parent connections on the configured transport and serves each with an EnclaveConnection. */
export class EnclaveServer {
  readonly #options: EnclaveServerOptions;
  readonly #connections = new Set<FramedConnection>();
  #listener: Listener | undefined;

  constructor(options: EnclaveServerOptions) {
    this.#options = options;
  }

  get address(): TransportAddress | undefined {
    return this.#listener?.address;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  async start(): Promise<TransportAddress> {
    this.#listener = await listen(this.#options.listen, (socket) => this.#accept(socket));
    return this.#listener.address;
  }

  #accept(socket: Duplex): void {
    const { logger } = this.#options;
    const connection = new FramedConnection(socket, {
      role: 'enclave',
      maxFrameBytes: this.#options.maxFrameBytes,
      heartbeatIntervalMs: this.#options.heartbeat.intervalMs,
      heartbeatTimeoutMs: this.#options.heartbeat.timeoutMs,
    });
    this.#connections.add(connection);
    new EnclaveConnection(connection, this.#options.service, { maxInFlight: this.#options.maxInFlightPerConnection, logger });
    logger.log('info', 'connection.open', { connections: this.#connections.size });
    connection.on('close', (error?: unknown) => {
      this.#connections.delete(connection);
      const stats = connection.stats;
      logger.log(error === undefined ? 'info' : 'warn', 'connection.closed', {
        code: error === undefined ? null : toPublicError(error).code,
        framesIn: stats.framesIn,
        framesOut: stats.framesOut,
        connections: this.#connections.size,
      });
    });
  }

  /** Stops accepting, then closes every connection (their in-flight requests end with PRV_ERR_WIRE_CLOSED). */
  async stop(): Promise<void> {
    const listener = this.#listener;
    this.#listener = undefined;
    await listener?.close();
    await Promise.all([...this.#connections].map((connection) => connection.close()));
  }
}
