export { connect } from './connect.js';
export { listen } from './listen.js';
export type { ConnectionHandler, Listener } from './listener.js';
export { getLocalVsockCid } from './local-vsock-cid.js';
export {
  PARENT_CID,
  VMADDR_CID_ANY,
  VMADDR_CID_HOST,
  formatTransportAddress,
  parseTransportAddress,
  type TcpAddress,
  type TransportAddress,
  type UnixAddress,
  type VsockAddress,
} from './transport-address.js';
export {
  DEFAULT_BACKLOG,
  DEFAULT_MAX_CONNECTIONS,
  MAX_CONNECT_TIMEOUT_MS,
  MAX_TRANSPORT_ADDRESS_CHARS,
  MAX_UNIX_PATH_BYTES,
  STREAM_HIGH_WATER_MARK_BYTES,
} from './transport-limits.js';
export type { ConnectOptions, ListenOptions, TransportBackend } from './transport-options.js';
export {
  DEFAULT_CLOSE_TIMEOUT_MS,
  DEFAULT_HEARTBEAT_INTERVAL_MS,
  DEFAULT_HEARTBEAT_TIMEOUT_MS,
  DEFAULT_MAX_QUEUED_BYTES,
  FramedConnection,
  type ApplicationFrame,
  type ConnectionTimers,
  type FramedConnectionOptions,
  type FramedConnectionStats,
  type OutgoingFrame,
  type WireRole,
} from './framed-connection.js';
