import { createError } from '@provenant/protocol';
import { formatTransportAddress, type TransportAddress, type UnixAddress, type VsockAddress } from '../transport-address.js';
import { ERRNO, errnoName, listenError } from '../transport-errno.js';
import { ACCEPT_BACKOFF_MS, MAX_ACCEPTS_PER_EVENT } from '../transport-limits.js';
import type { ConnectionHandler, Listener } from '../listener.js';
import type { CheckedListenOptions } from '../transport-options.js';
import { prepareUnixListenPath, removeUnixSocketFile } from '../unix-socket-path.js';
import { familyOf, loadAddon, nativeTarget, openHandle, type NativeSocketHandle, type RelayedHandle } from './addon-binding.js';
import { AddonSocketStream } from './addon-socket-stream.js';

/** accept(2) errors that concern one pending connection, not the listener: skip it and go on. */
const SKIPPABLE = new Set([ERRNO.ECONNABORTED, ERRNO.EINTR, ERRNO.EPROTO, ERRNO.EPERM]);
/** Out of descriptors or memory: accepting again at once would spin on a level-triggered poll. */
const EXHAUSTED = new Set([ERRNO.EMFILE, ERRNO.ENFILE, ERRNO.ENOBUFS, ERRNO.ENOMEM]);

export async function listenAddon(
  address: VsockAddress | UnixAddress,
  onConnection: ConnectionHandler,
  options: CheckedListenOptions,
): Promise<Listener> {
  const target = formatTransportAddress(address);
  const { constants } = loadAddon();
  if (address.kind === 'unix') await prepareUnixListenPath(address.path);
  const relayed = openHandle(familyOf(address));
  const { handle } = relayed;
  // Port 0 in our syntax means "pick one"; vsock spells that VMADDR_PORT_ANY (vsock(7)), and a
  // literal port 0 is a real, fixed port there.
  const port = address.kind === 'vsock' && address.port === 0 ? constants.VMADDR_PORT_ANY : undefined;
  const bindRc = handle.bind(...nativeTarget(address, port));
  const listenRc = bindRc === 0 ? handle.listen(options.backlog) : bindRc;
  const local = listenRc === 0 ? handle.localAddress() : listenRc;
  if (typeof local === 'number') {
    handle.close();
    if (address.kind === 'unix' && bindRc === 0) await removeUnixSocketFile(address.path);
    throw listenError(errnoName(local), target);
  }
  const bound: TransportAddress =
    address.kind === 'vsock' ? { kind: 'vsock', cid: address.cid, port: local.port ?? address.port } : address;
  return new AddonListener(relayed, bound, onConnection, options);
}

class AddonListener implements Listener {
  readonly address: TransportAddress;
  readonly #handle: NativeSocketHandle;
  readonly #family: number;
  readonly #onConnection: ConnectionHandler;
  readonly #options: CheckedListenOptions;
  readonly #connections = new Set<AddonSocketStream>();
  #closed = false;
  #backoff: NodeJS.Timeout | undefined;

  constructor(relayed: RelayedHandle, address: TransportAddress, onConnection: ConnectionHandler, options: CheckedListenOptions) {
    this.address = address;
    this.#handle = relayed.handle;
    this.#family = familyOf(address as VsockAddress | UnixAddress);
    this.#onConnection = onConnection;
    this.#options = options;
    relayed.onEvent = (status) => this.#acceptSome(status);
    this.#resume();
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#backoff);
    this.#handle.close();
    if (this.address.kind === 'unix') await removeUnixSocketFile(this.address.path);
  }

  #resume(): void {
    if (this.#closed) return;
    const rc = this.#handle.poll(loadAddon().constants.EVENT_READABLE);
    if (rc < 0) this.#report(listenError(errnoName(rc), `poll ${formatTransportAddress(this.address)}`));
  }

  #report(error: Error): void {
    this.#options.onError?.(error);
  }

  #acceptSome(status: number): void {
    if (this.#closed) return;
    if (status < 0) {
      // libuv stopped the handle on POLLERR; report and re-arm rather than go deaf.
      this.#report(listenError(errnoName(this.#handle.soError() || status), formatTransportAddress(this.address)));
      this.#resume();
      return;
    }
    const addon = loadAddon();
    for (let i = 0; i < MAX_ACCEPTS_PER_EVENT && !this.#closed; i++) {
      const fd = this.#handle.accept();
      if (fd === -ERRNO.EAGAIN) return;
      if (fd < 0 && SKIPPABLE.has(-fd)) continue;
      if (fd < 0) {
        this.#report(createError('PRV_ERR_TRANSPORT_IO', `accept: ${errnoName(fd)}`));
        if (EXHAUSTED.has(-fd)) this.#backOff();
        return;
      }
      // Peers are hostile: beyond the limit a connection is closed before any byte is read.
      if (this.#connections.size >= this.#options.maxConnections) {
        addon.closeFd(fd);
        continue;
      }
      let stream: AddonSocketStream;
      try {
        stream = new AddonSocketStream(openHandle(this.#family, fd));
      } catch (error) {
        addon.closeFd(fd);
        this.#report(error as Error);
        continue;
      }
      this.#connections.add(stream);
      stream.once('close', () => this.#connections.delete(stream));
      this.#onConnection(stream);
    }
  }

  #backOff(): void {
    this.#handle.poll(0);
    this.#backoff = setTimeout(() => {
      this.#backoff = undefined;
      this.#resume();
    }, ACCEPT_BACKOFF_MS);
  }
}
