import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { formatTransportAddress, type TcpAddress, type TransportAddress, type UnixAddress } from '../transport-address.js';
import { listenError, systemErrorName } from '../transport-errno.js';
import type { ConnectionHandler, Listener } from '../listener.js';
import type { CheckedListenOptions } from '../transport-options.js';
import { prepareUnixListenPath } from '../unix-socket-path.js';

/** unix and tcp listeners on node:net, with the same half-open and limit semantics as the addon. */
export async function listenNet(
  address: UnixAddress | TcpAddress,
  onConnection: ConnectionHandler,
  options: CheckedListenOptions,
): Promise<Listener> {
  const target = formatTransportAddress(address);
  if (address.kind === 'unix') await prepareUnixListenPath(address.path);
  // noDelay: frames are small request/response messages; Nagle would hold them back (RFC 896).
  const server = createServer({ allowHalfOpen: true, noDelay: address.kind === 'tcp' });
  // node:net closes connections beyond maxConnections as they arrive, as the addon listener does.
  server.maxConnections = options.maxConnections;
  const connections = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.once('close', () => connections.delete(socket));
    onConnection(socket);
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => reject(listenError(systemErrorName(error), target, error));
    server.once('error', onError);
    const listening = (): void => {
      server.off('error', onError);
      resolve();
    };
    if (address.kind === 'unix') server.listen({ path: address.path, backlog: options.backlog }, listening);
    else server.listen({ host: address.host, port: address.port, backlog: options.backlog, exclusive: true }, listening);
  });
  server.on('error', (error) => options.onError?.(error));
  const bound: TransportAddress =
    address.kind === 'tcp' ? { ...address, port: (server.address() as AddressInfo).port } : address;
  let closed = false;
  return {
    address: bound,
    get connectionCount() {
      return connections.size;
    },
    close(): Promise<void> {
      if (closed) return Promise.resolve();
      closed = true;
      // libuv closes the listening descriptor (and unlinks a unix socket path) synchronously inside
      // uv_close(); server.close()'s callback would instead wait for every accepted connection.
      server.close();
      return Promise.resolve();
    },
  };
}
