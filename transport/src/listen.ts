import { createError } from '@provenant/protocol';
import { listenAddon } from './addon/addon-listener.js';
import type { ConnectionHandler, Listener } from './listener.js';
import { listenNet } from './net/net-listener.js';
import { toTransportAddress, type TransportAddress } from './transport-address.js';
import { checkListenOptions, type ListenOptions } from './transport-options.js';

/**
 * Listens on a vsock, unix or tcp address and hands every accepted connection to `onConnection` as
 * a stream.Duplex (half-open allowed: the peer's end() does not end ours). Attach an 'error'
 * listener to each connection: a hostile peer can reset it at any time.
 */
export async function listen(
  address: string | TransportAddress,
  onConnection: ConnectionHandler,
  options?: ListenOptions,
): Promise<Listener> {
  const parsed = toTransportAddress(address);
  if (typeof onConnection !== 'function') throw createError('PRV_ERR_INVALID_ARGUMENT', 'onConnection must be a function');
  const checked = checkListenOptions(parsed, options);
  if (parsed.kind === 'tcp' || (parsed.kind === 'unix' && checked.backend === 'net')) {
    return listenNet(parsed, onConnection, checked);
  }
  return listenAddon(parsed, onConnection, checked);
}
