import { isIPv4, isIPv6 } from 'node:net';
import { createError } from '@provenant/protocol';
import {
  MAX_TCP_PORT,
  MAX_TRANSPORT_ADDRESS_CHARS,
  MAX_UNIX_PATH_BYTES,
  MAX_VSOCK_CID,
  MAX_VSOCK_PORT,
} from './transport-limits.js';

/** vsock(7): listen on every CID this machine has. Written `ANY` in an address. */
export const VMADDR_CID_ANY = 0xffff_ffff;
/** vsock(7): the host (hypervisor side). Not an alias on purpose: nothing here should dial it. */
export const VMADDR_CID_HOST = 2;
/**
 * The parent EC2 instance as seen from inside a Nitro Enclave. Written `PARENT` in an address. The
 * enclave's init reaches the parent at CID 3 (its boot heartbeat goes to CID 3 port 9000); the
 * enclave's own CID is chosen at `nitro-cli run-enclave`.
 */
export const PARENT_CID = 3;

export interface VsockAddress {
  readonly kind: 'vsock';
  readonly cid: number;
  readonly port: number;
}
export interface UnixAddress {
  readonly kind: 'unix';
  readonly path: string;
}
export interface TcpAddress {
  readonly kind: 'tcp';
  /** An IPv4 or IPv6 literal (IPv6 without brackets) or `localhost`. */
  readonly host: string;
  readonly port: number;
}
export type TransportAddress = VsockAddress | UnixAddress | TcpAddress;

const SCHEME = /^([a-z]+):\/\/(.*)$/s;
/** Decimal, no sign, no leading zeros, at most 10 digits (u32): strict so one address has one spelling. */
const DECIMAL = /^(0|[1-9][0-9]{0,9})$/;
const VSOCK_REST = /^([^:]*):([^:]*)$/;
const TCP_V6_REST = /^\[([^\]]*)\]:([^:]*)$/;
const TCP_V4_REST = /^([^:[\]]*):([^:]*)$/;
// Controls (C0, DEL) have no business in a socket path and would hide in logs.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function bad(detail: string): Error {
  return createError('PRV_ERR_TRANSPORT_BAD_ADDRESS', detail);
}

function parseDecimal(text: string, field: string, max: number): number {
  if (!DECIMAL.test(text)) throw bad(`${field} must be a decimal integer without sign or leading zeros`);
  const value = Number(text);
  if (value > max) throw bad(`${field} ${value} is above ${max}`);
  return value;
}

function parseVsock(rest: string): VsockAddress {
  const match = VSOCK_REST.exec(rest);
  if (match === null) throw bad('vsock address must be vsock://CID:PORT');
  const [, cidText = '', portText = ''] = match;
  let cid: number;
  if (cidText === 'ANY') cid = VMADDR_CID_ANY;
  else if (cidText === 'PARENT') cid = PARENT_CID;
  else cid = parseDecimal(cidText, 'vsock CID', MAX_VSOCK_CID);
  return { kind: 'vsock', cid, port: parseDecimal(portText, 'vsock port', MAX_VSOCK_PORT) };
}

function parseUnix(rest: string): UnixAddress {
  // unix:///abs/path: the authority is empty, so what follows "unix://" must itself be absolute.
  if (!rest.startsWith('/')) throw bad('unix address must be unix:///absolute/path (no host, no relative path)');
  if (CONTROL.test(rest)) throw bad('unix path contains a control character');
  if (rest.includes('?') || rest.includes('#')) throw bad('unix address takes no query or fragment');
  if (rest.endsWith('/')) throw bad('unix path names a directory');
  const bytes = Buffer.byteLength(rest, 'utf8');
  if (bytes > MAX_UNIX_PATH_BYTES) throw bad(`unix path is ${bytes} bytes; sun_path holds ${MAX_UNIX_PATH_BYTES}`);
  return { kind: 'unix', path: rest };
}

function parseTcp(rest: string): TcpAddress {
  const v6 = TCP_V6_REST.exec(rest);
  if (v6 !== null) {
    const [, host = '', portText = ''] = v6;
    // Zone ids (fe80::1%eth0) name an interface; loopback and literal hosts never need one.
    if (!isIPv6(host) || host.includes('%')) throw bad('tcp host in brackets must be an IPv6 literal');
    return { kind: 'tcp', host: host.toLowerCase(), port: parseDecimal(portText, 'tcp port', MAX_TCP_PORT) };
  }
  const v4 = TCP_V4_REST.exec(rest);
  if (v4 === null) throw bad('tcp address must be tcp://HOST:PORT with nothing after the port');
  const [, host = '', portText = ''] = v4;
  // No DNS: the parent and enclave are configured with literals, and a name could resolve anywhere.
  if (host !== 'localhost' && !isIPv4(host)) throw bad('tcp host must be an IPv4 literal, [IPv6] or localhost');
  return { kind: 'tcp', host, port: parseDecimal(portText, 'tcp port', MAX_TCP_PORT) };
}

/**
 * Parses `vsock://CID:PORT` (CID decimal, `ANY` or `PARENT`), `unix:///absolute/path` or
 * `tcp://HOST:PORT` (IPv4 literal, `[IPv6]` literal or `localhost`). Port 0 means "pick one" and only
 * makes sense for listen. Anything else, including user info, paths, queries and fragments, is
 * PRV_ERR_TRANSPORT_BAD_ADDRESS. Unix paths are taken literally (no percent-decoding).
 */
export function parseTransportAddress(input: string): TransportAddress {
  if (typeof input !== 'string') throw bad(`address must be a string, got ${typeof input}`);
  if (input.length > MAX_TRANSPORT_ADDRESS_CHARS) throw bad(`address is over ${MAX_TRANSPORT_ADDRESS_CHARS} characters`);
  const match = SCHEME.exec(input);
  if (match === null) throw bad('address must look like scheme://...');
  const [, scheme = '', rest = ''] = match;
  switch (scheme) {
    case 'vsock':
      return parseVsock(rest);
    case 'unix':
      return parseUnix(rest);
    case 'tcp':
      return parseTcp(rest);
    default:
      throw bad(`unknown scheme ${JSON.stringify(scheme)}; expected vsock, unix or tcp`);
  }
}

/** The canonical string for an address; parseTransportAddress(formatTransportAddress(a)) equals a. */
export function formatTransportAddress(address: TransportAddress): string {
  switch (address.kind) {
    case 'vsock':
      return `vsock://${address.cid === VMADDR_CID_ANY ? 'ANY' : String(address.cid)}:${address.port}`;
    case 'unix':
      return `unix://${address.path}`;
    case 'tcp':
      return address.host.includes(':') ? `tcp://[${address.host}]:${address.port}` : `tcp://${address.host}:${address.port}`;
    default:
      throw bad('unknown address kind');
  }
}

/** Accepts a string or an address object; an object is checked by a round trip through the parser. */
export function toTransportAddress(input: string | TransportAddress): TransportAddress {
  if (typeof input === 'string') return parseTransportAddress(input);
  if (typeof input !== 'object' || input === null) throw bad(`address must be a string or an address object`);
  const kind = (input as { kind?: unknown }).kind;
  if (kind !== 'vsock' && kind !== 'unix' && kind !== 'tcp') throw bad('address object has an unknown kind');
  const parsed = parseTransportAddress(formatTransportAddress(input));
  const given = input as unknown as Record<string, unknown>;
  const expected = parsed as unknown as Record<string, unknown>;
  const keys = Object.keys(given);
  // Rule 9: unknown fields are an error, and a field the parser would normalise differently is one too.
  if (keys.length !== Object.keys(expected).length || keys.some((key) => given[key] !== expected[key])) {
    throw bad('address object has unknown fields or non-canonical values');
  }
  return parsed;
}
