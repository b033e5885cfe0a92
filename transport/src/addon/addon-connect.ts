import type { Duplex } from 'node:stream';
import { createError } from '@provenant/protocol';
import { formatTransportAddress, type UnixAddress, type VsockAddress } from '../transport-address.js';
import { connectError, ERRNO, errnoName } from '../transport-errno.js';
import { VSOCK_KERNEL_CONNECT_MARGIN_MS } from '../transport-limits.js';
import type { CheckedConnectOptions } from '../transport-options.js';
import { familyOf, loadAddon, nativeTarget, openHandle, type RelayedHandle } from './addon-binding.js';
import { AddonSocketStream } from './addon-socket-stream.js';

/**
 * Nonblocking connect(2): EINPROGRESS, then writability, then SO_ERROR says how it ended (connect(2),
 * "EINPROGRESS"). Our timer and the caller's signal close the socket if it has not ended by then.
 */
export function connectAddon(address: VsockAddress | UnixAddress, options: CheckedConnectOptions): Promise<Duplex> {
  const target = formatTransportAddress(address);
  const { signal, timeoutMs } = options;
  if (signal?.aborted === true) return Promise.reject(createError('PRV_ERR_TRANSPORT_ABORTED', `connect to ${target}`));
  let relayed: RelayedHandle;
  try {
    relayed = openHandle(familyOf(address));
  } catch (error) {
    return Promise.reject(error);
  }
  const { handle } = relayed;
  const { constants } = loadAddon();

  return new Promise<Duplex>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error !== null) {
        handle.close();
        reject(error);
        return;
      }
      handle.poll(0);
      resolve(new AddonSocketStream(relayed));
    };
    const onAbort = (): void => finish(createError('PRV_ERR_TRANSPORT_ABORTED', `connect to ${target}`));
    const timer = setTimeout(
      () => finish(createError('PRV_ERR_TRANSPORT_CONNECT_TIMEOUT', `${target} after ${timeoutMs} ms`)),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });

    if (address.kind === 'vsock') {
      // vsock(7): the kernel gives up on its own after 2 s by default; let our timeout govern instead.
      const rc = handle.setConnectTimeout(timeoutMs + VSOCK_KERNEL_CONNECT_MARGIN_MS);
      if (rc < 0) return finish(connectError(errnoName(rc), target));
    }
    const rc = handle.connect(...nativeTarget(address));
    if (rc === 0) return finish(null);
    if (rc !== -ERRNO.EINPROGRESS) return finish(connectError(errnoName(rc), target));
    relayed.onEvent = () => {
      const soError = handle.soError();
      finish(soError === 0 ? null : connectError(errnoName(soError), target));
    };
    const pollRc = handle.poll(constants.EVENT_WRITABLE);
    if (pollRc < 0) finish(connectError(errnoName(pollRc), target));
  });
}
