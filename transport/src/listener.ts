import type { Duplex } from 'node:stream';
import type { TransportAddress } from './transport-address.js';

/** What listen() resolves to, whatever the transport. */
export interface Listener {
  /** The bound address; a requested port 0 is replaced by the port the kernel chose. */
  readonly address: TransportAddress;
  /** Accepted connections not yet closed. */
  readonly connectionCount: number;
  /**
   * Stops accepting, closes the listening socket and (unix) removes its socket file, then resolves.
   * Accepted connections are left to whoever received them; destroy them to drop them.
   */
  close(): Promise<void>;
}

export type ConnectionHandler = (socket: Duplex) => void;
