import { createRequire } from 'node:module';
import { createError } from '@provenant/protocol';
import type { UnixAddress, VsockAddress } from '../transport-address.js';
import { errnoName, ERRNO } from '../transport-errno.js';

/** The Node-API surface of native/vsock.c. Socket failures come back as negative errno values. */
export interface NativeSocketHandle {
  /** 0, or the negative errno of socket(2) when the constructor could not create one. */
  readonly createErrno: number;
  bind(...target: NativeTarget): number;
  listen(backlog: number): number;
  connect(...target: NativeTarget): number;
  setConnectTimeout(timeoutMs: number): number;
  /** Positive errno from SO_ERROR, 0 when none. */
  soError(): number;
  accept(): number;
  read(buffer: Uint8Array): number;
  writev(chunks: readonly Uint8Array[]): number;
  shutdown(): number;
  poll(mask: number): number;
  /** true the first time (the descriptor was closed), false after. */
  close(): boolean;
  localAddress(): NativeAddress | number;
  peerAddress(): NativeAddress | number;
}

/** (cid, port) for vsock, (path) for unix. */
export type NativeTarget = readonly [cid: number, port: number] | readonly [path: string];

export interface NativeAddress {
  readonly cid?: number;
  readonly port?: number;
  readonly path?: string;
}

type EventCallback = (status: number, events: number) => void;

interface AddonModule {
  NativeSocket: new (family: number, onEvent: EventCallback, fd?: number) => NativeSocketHandle;
  localCid(): number;
  closeFd(fd: number): number;
  constants: {
    AF_UNIX: number;
    AF_VSOCK: number;
    VMADDR_CID_ANY: number;
    VMADDR_PORT_ANY: number;
    EVENT_READABLE: number;
    EVENT_WRITABLE: number;
    MAX_IOV: number;
  };
}

// dist/addon/addon-binding.js -> transport/build/Release (node-gyp's output, built at npm install).
const ADDON_PATH = '../../build/Release/provenant_transport.node';

let cached: AddonModule | undefined;

export function loadAddon(): AddonModule {
  if (cached !== undefined) return cached;
  if (process.platform !== 'linux') {
    throw createError('PRV_ERR_TRANSPORT_ADDON_UNAVAILABLE', `AF_VSOCK is Linux-only; platform is ${process.platform}`);
  }
  try {
    cached = createRequire(import.meta.url)(ADDON_PATH) as AddonModule;
  } catch (cause) {
    throw createError('PRV_ERR_TRANSPORT_ADDON_UNAVAILABLE', 'run `npm run build:native -w @provenant/transport`', { cause });
  }
  return cached;
}

/**
 * A native handle whose event callback can be re-pointed: the connect phase listens for writability,
 * then the stream that adopts the handle takes the events over.
 */
export interface RelayedHandle {
  readonly handle: NativeSocketHandle;
  onEvent: EventCallback;
}

export function familyOf(address: VsockAddress | UnixAddress): number {
  const { constants } = loadAddon();
  return address.kind === 'vsock' ? constants.AF_VSOCK : constants.AF_UNIX;
}

/** Opens a new nonblocking socket, or adopts `fd` (an accepted descriptor). */
export function openHandle(family: number, fd = -1): RelayedHandle {
  const addon = loadAddon();
  let relayed: RelayedHandle | undefined;
  const handle = new addon.NativeSocket(family, (status, events) => relayed?.onEvent(status, events), fd);
  if (handle.createErrno !== 0) {
    const name = errnoName(handle.createErrno);
    if (-handle.createErrno === ERRNO.EAFNOSUPPORT) throw createError('PRV_ERR_TRANSPORT_VSOCK_UNAVAILABLE', `socket: ${name}`);
    throw createError('PRV_ERR_TRANSPORT_IO', `socket: ${name}`);
  }
  relayed = { handle, onEvent: () => undefined };
  return relayed;
}

/** Passes the address the way native/vsock.c expects: (cid, port) or (path). */
export function nativeTarget(address: VsockAddress | UnixAddress, port?: number): NativeTarget {
  return address.kind === 'vsock' ? [address.cid, port ?? address.port] : [address.path];
}
