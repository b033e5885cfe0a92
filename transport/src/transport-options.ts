import { createError } from '@provenant/protocol';
import type { TransportAddress } from './transport-address.js';
import {
  DEFAULT_BACKLOG,
  DEFAULT_MAX_CONNECTIONS,
  MAX_BACKLOG,
  MAX_CONNECT_TIMEOUT_MS,
  MAX_MAX_CONNECTIONS,
} from './transport-limits.js';

/**
 * Which socket implementation carries the bytes. `net` is node:net (unix, tcp); `addon` is the
 * project's Node-API addon (vsock, and unix so its I/O path can be tested where vsock has no loopback).
 */
export type TransportBackend = 'net' | 'addon';

export interface ListenOptions {
  /** Accepted connections open at once; a connection beyond it is closed at once. Default 1024. */
  readonly maxConnections?: number;
  /** listen(2) backlog. Default 511, capped by the kernel at net.core.somaxconn. */
  readonly backlog?: number;
  /** Only unix may choose; vsock is always `addon`, tcp always `net`. */
  readonly backend?: TransportBackend;
  /** Errors after listen succeeded (accept failures such as EMFILE); accepting goes on. */
  readonly onError?: (error: Error) => void;
}

export interface ConnectOptions {
  /** Required: no connect waits without a bound (STYLE rule 14). */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal;
  readonly backend?: TransportBackend;
}

export interface CheckedListenOptions {
  readonly maxConnections: number;
  readonly backlog: number;
  readonly backend: TransportBackend;
  readonly onError: ((error: Error) => void) | undefined;
}

export interface CheckedConnectOptions {
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  readonly backend: TransportBackend;
}

const LISTEN_KEYS = new Set(['maxConnections', 'backlog', 'backend', 'onError']);
const CONNECT_KEYS = new Set(['timeoutMs', 'signal', 'backend']);

function assertKnownKeys(options: object, known: Set<string>, where: string): void {
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw createError('PRV_ERR_INVALID_ARGUMENT', `${where}: unknown option ${JSON.stringify(key)}`);
  }
}

function assertIntegerInRange(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', `${field} must be an integer, got ${String(value)}`);
  }
  if (value < min || value > max) throw createError('PRV_ERR_OUT_OF_RANGE', `${field} ${value} is outside ${min}..${max}`);
  return value;
}

function resolveBackend(address: TransportAddress, requested: unknown): TransportBackend {
  if (requested !== undefined && requested !== 'net' && requested !== 'addon') {
    throw createError('PRV_ERR_INVALID_ARGUMENT', `backend must be 'net' or 'addon', got ${String(requested)}`);
  }
  if (address.kind === 'vsock') {
    // libuv does not know AF_VSOCK, so node:net cannot adopt such a socket.
    if (requested === 'net') throw createError('PRV_ERR_INVALID_ARGUMENT', "vsock needs backend 'addon'");
    return 'addon';
  }
  if (address.kind === 'tcp') {
    if (requested === 'addon') throw createError('PRV_ERR_INVALID_ARGUMENT', "tcp needs backend 'net'");
    return 'net';
  }
  return requested ?? 'net';
}

export function checkListenOptions(address: TransportAddress, options: ListenOptions | undefined): CheckedListenOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', 'listen options must be an object');
  }
  const given = options ?? {};
  assertKnownKeys(given, LISTEN_KEYS, 'listen');
  if (given.onError !== undefined && typeof given.onError !== 'function') {
    throw createError('PRV_ERR_INVALID_ARGUMENT', 'onError must be a function');
  }
  return {
    maxConnections:
      given.maxConnections === undefined
        ? DEFAULT_MAX_CONNECTIONS
        : assertIntegerInRange(given.maxConnections, 'maxConnections', 1, MAX_MAX_CONNECTIONS),
    backlog: given.backlog === undefined ? DEFAULT_BACKLOG : assertIntegerInRange(given.backlog, 'backlog', 1, MAX_BACKLOG),
    backend: resolveBackend(address, given.backend),
    onError: given.onError,
  };
}

export function checkConnectOptions(address: TransportAddress, options: ConnectOptions): CheckedConnectOptions {
  if (typeof options !== 'object' || options === null) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', 'connect options must be an object with timeoutMs');
  }
  assertKnownKeys(options, CONNECT_KEYS, 'connect');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', 'signal must be an AbortSignal');
  }
  return {
    timeoutMs: assertIntegerInRange(options.timeoutMs, 'timeoutMs', 1, MAX_CONNECT_TIMEOUT_MS),
    signal: options.signal,
    backend: resolveBackend(address, options.backend),
  };
}
