import type { Duplex } from 'node:stream';
import { createError } from '@provenant/protocol';
import { listen, type Listener, type TransportAddress } from '@provenant/transport';
import { LogLineSplitter, MAX_ENCLAVE_LOG_LINE_BYTES } from './untrusted-log-lines.js';

/** A parent serves a handful of enclaves; more log connections than this are refused by the listener. */
export const DEFAULT_MAX_LOG_CONNECTIONS = 64;

export interface LogReceiverOptions {
  /** vsock://ANY:5001 in production (enclaves connect to the parent, CID 3); unix:// or tcp:// in tests. */
  readonly listen: string;
  /** Receives each sanitized line with its source label, without a trailing newline. */
  readonly onLine: (source: string, line: string) => void;
  /** Connection events (no enclave text in them). */
  readonly onEvent?: (event: 'connected' | 'disconnected', source: string) => void;
  readonly maxLineBytes?: number;
  readonly maxConnections?: number;
}

export interface LogReceiver {
  readonly address: TransportAddress;
  /** Closes the listener and every open log connection. */
  close(): Promise<void>;
}

/**
 * The source label comes from the transport, never from the enclave's text: for vsock the peer CID
 * (the enclave's, as `nitro-cli describe-enclaves` lists it), for tcp host:port; a unix peer has no
 * address, so a connection number stands in.
 */
export function logSourceLabel(socket: Duplex, sequence: number): string {
  const peer = (socket as { peerAddress?: () => { cid?: number } | undefined }).peerAddress?.();
  if (typeof peer?.cid === 'number') return `enclave cid ${peer.cid}`;
  const tcp = socket as { remoteAddress?: string; remotePort?: number };
  if (typeof tcp.remoteAddress === 'string' && typeof tcp.remotePort === 'number') return `enclave ${tcp.remoteAddress}:${tcp.remotePort}`;
  return `enclave #${sequence}`;
}

/**
 * Receives enclave log lines on the parent. Each connection is read as untrusted text (bounded lines,
 * control characters replaced; see LogLineSplitter); nothing is ever written back to the enclave.
 */
export async function startLogReceiver(options: LogReceiverOptions): Promise<LogReceiver> {
  if (typeof options?.onLine !== 'function') throw createError('PRV_ERR_INVALID_ARGUMENT', 'onLine must be a function');
  const maxLineBytes = options.maxLineBytes ?? MAX_ENCLAVE_LOG_LINE_BYTES;
  const sockets = new Set<Duplex>();
  let sequence = 0;
  const listener: Listener = await listen(
    options.listen,
    (socket) => {
      sequence += 1;
      const source = logSourceLabel(socket, sequence);
      const splitter = new LogLineSplitter(maxLineBytes);
      sockets.add(socket);
      options.onEvent?.('connected', source);
      socket.on('data', (chunk: Uint8Array) => {
        for (const line of splitter.push(chunk)) options.onLine(source, line);
      });
      socket.on('end', () => {
        for (const line of splitter.end()) options.onLine(source, line);
        socket.end();
      });
      socket.on('error', () => socket.destroy());
      socket.once('close', () => {
        sockets.delete(socket);
        options.onEvent?.('disconnected', source);
      });
    },
    { maxConnections: options.maxConnections ?? DEFAULT_MAX_LOG_CONNECTIONS },
  );
  return {
    address: listener.address,
    close: async () => {
      await listener.close();
      for (const socket of sockets) socket.destroy();
    },
  };
}

