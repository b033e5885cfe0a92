import { defineErrors } from './error-spec.js';

/** The framed parent <-> enclave protocol (docs/protocol.md). */
export const WIRE_ERRORS = defineErrors({
  PRV_ERR_WIRE_MALFORMED: {
    message: 'malformed frame',
    status: 502,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_WIRE_FRAME_TOO_LARGE: {
    message: 'frame exceeds MAX_FRAME_BYTES',
    status: 413,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_WIRE_UNKNOWN_OP: {
    message: 'unknown operation',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_WIRE_VERSION: {
    message: 'unsupported protocol version',
    status: 502,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_WIRE_PEER_TIMEOUT: {
    message: 'the peer stopped answering heartbeats',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_WIRE_CLOSED: {
    message: 'the connection closed before the request completed',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_WIRE_DUPLICATE_ID: {
    message: 'request id already in flight',
    status: 400,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_WIRE_SEND_QUEUE_FULL: {
    message: 'the peer is not reading: outgoing frame queue is full',
    status: 503,
    base: 'Error',
    exposable: true,
  },
});
