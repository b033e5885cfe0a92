import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createError } from '@provenant/protocol';
import { formatTransportAddress, type TcpAddress, type UnixAddress } from '../transport-address.js';
import { connectError, systemErrorName } from '../transport-errno.js';
import type { CheckedConnectOptions } from '../transport-options.js';

export function connectNet(address: UnixAddress | TcpAddress, options: CheckedConnectOptions): Promise<Duplex> {
  const target = formatTransportAddress(address);
  const { signal, timeoutMs } = options;
  if (signal?.aborted === true) return Promise.reject(createError('PRV_ERR_TRANSPORT_ABORTED', `connect to ${target}`));
  return new Promise<Duplex>((resolve, reject) => {
    const socket: Socket =
      address.kind === 'unix'
        ? netConnect({ path: address.path, allowHalfOpen: true })
        : netConnect({ host: address.host, port: address.port, allowHalfOpen: true, noDelay: true });
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('connect', onConnect);
      socket.off('error', onError);
      if (error !== null) {
        socket.destroy();
        reject(error);
      } else {
        resolve(socket);
      }
    };
    const onConnect = (): void => finish(null);
    const onError = (error: Error): void => finish(connectError(systemErrorName(error), target, error));
    const onAbort = (): void => finish(createError('PRV_ERR_TRANSPORT_ABORTED', `connect to ${target}`));
    const timer = setTimeout(
      () => finish(createError('PRV_ERR_TRANSPORT_CONNECT_TIMEOUT', `${target} after ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.once('connect', onConnect);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
