import type { Duplex } from 'node:stream';
import { createError } from '@provenant/protocol';
import { connectAddon } from './addon/addon-connect.js';
import { connectNet } from './net/net-connect.js';
import { toTransportAddress, VMADDR_CID_ANY, type TransportAddress } from './transport-address.js';
import { checkConnectOptions, type ConnectOptions } from './transport-options.js';

/**
 * Connects to a vsock, unix or tcp address. Rejects with PRV_ERR_TRANSPORT_CONNECT_TIMEOUT after
 * `timeoutMs`, PRV_ERR_TRANSPORT_ABORTED when `signal` fires, PRV_ERR_TRANSPORT_CONNECT_REFUSED when
 * nothing listens. The socket is half-open capable and, for tcp, has Nagle's algorithm off.
 */
export async function connect(address: string | TransportAddress, options: ConnectOptions): Promise<Duplex> {
  const parsed = toTransportAddress(address);
  const checked = checkConnectOptions(parsed, options);
  if (parsed.kind !== 'unix' && parsed.port === 0) {
    throw createError('PRV_ERR_TRANSPORT_BAD_ADDRESS', 'port 0 is only meaningful for listen');
  }
  if (parsed.kind === 'vsock' && parsed.cid === VMADDR_CID_ANY) {
    throw createError('PRV_ERR_TRANSPORT_BAD_ADDRESS', 'CID ANY is only meaningful for listen');
  }
  if (parsed.kind === 'tcp' || (parsed.kind === 'unix' && checked.backend === 'net')) return connectNet(parsed, checked);
  return connectAddon(parsed, checked);
}
