import { constants } from 'node:os';
import { getSystemErrorName } from 'node:util';
import { createError, type ProvenantError } from '@provenant/protocol';

/** errno numbers the addon returns negated; names come from Node so they match node:net's codes. */
export const ERRNO = constants.errno;

/** 'ECONNRESET' for -104 (or 104); never throws on an unknown number. */
export function errnoName(errno: number): string {
  try {
    return getSystemErrorName(-Math.abs(errno));
  } catch {
    return `errno ${Math.abs(errno)}`;
  }
}

/** Node's system errors carry the name in `.code`; anything else is reported as unknown. */
export function systemErrorName(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

const REFUSED = new Set(['ECONNREFUSED', 'ENOENT', 'EAGAIN']);

/**
 * connect(2) failures. ENOENT: a unix path with nothing at it. EAGAIN: unix(7) says a nonblocking
 * connect to a listener whose backlog is full fails this way; the listener is not taking connections.
 */
export function connectError(name: string, target: string, cause?: unknown): ProvenantError {
  const options = cause === undefined ? undefined : { cause };
  if (REFUSED.has(name)) return createError('PRV_ERR_TRANSPORT_CONNECT_REFUSED', `${target}: ${name}`, options);
  if (name === 'ETIMEDOUT') return createError('PRV_ERR_TRANSPORT_CONNECT_TIMEOUT', `${target}: kernel ETIMEDOUT`, options);
  if (name === 'EAFNOSUPPORT') return createError('PRV_ERR_TRANSPORT_VSOCK_UNAVAILABLE', `${target}: ${name}`, options);
  return createError('PRV_ERR_TRANSPORT_CONNECT_FAILED', `${target}: ${name}`, options);
}

export function listenError(name: string, target: string, cause?: unknown): ProvenantError {
  const options = cause === undefined ? undefined : { cause };
  if (name === 'EADDRINUSE') return createError('PRV_ERR_TRANSPORT_ADDRESS_IN_USE', target, options);
  if (name === 'EAFNOSUPPORT') return createError('PRV_ERR_TRANSPORT_VSOCK_UNAVAILABLE', `${target}: ${name}`, options);
  return createError('PRV_ERR_TRANSPORT_LISTEN_FAILED', `${target}: ${name}`, options);
}

export function ioError(operation: string, errno: number): ProvenantError {
  return createError('PRV_ERR_TRANSPORT_IO', `${operation}: ${errnoName(errno)}`);
}
