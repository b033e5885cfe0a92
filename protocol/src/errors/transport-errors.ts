import { defineErrors } from './error-spec.js';

/**
 * Byte-stream transports between parent and enclave (vsock, Unix socket, TCP). None of these is
 * exposable: details name internal addresses (CIDs, ports, socket paths) and errno values, which an
 * HTTP client of the proxy has no use for; the code and fixed message are enough to act on.
 */
export const TRANSPORT_ERRORS = defineErrors({
  PRV_ERR_TRANSPORT_BAD_ADDRESS: {
    message: 'malformed transport address',
    status: 500,
    base: 'TypeError',
    exposable: false,
  },
  PRV_ERR_TRANSPORT_CONNECT_TIMEOUT: {
    message: 'transport connect timed out',
    status: 504,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_TRANSPORT_CONNECT_REFUSED: {
    message: 'transport connect refused: nothing is listening there',
    status: 502,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_TRANSPORT_CONNECT_FAILED: {
    message: 'transport connect failed',
    status: 502,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_TRANSPORT_ABORTED: {
    message: 'transport operation aborted by the caller',
    status: 503,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_TRANSPORT_ADDRESS_IN_USE: {
    message: 'transport address already in use',
    status: 500,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_TRANSPORT_NOT_A_SOCKET: {
    message: 'unix socket path exists and is not a socket; refusing to remove it',
    status: 500,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_TRANSPORT_LISTEN_FAILED: {
    message: 'transport listen failed',
    status: 500,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_TRANSPORT_IO: {
    message: 'transport I/O failed',
    status: 502,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_TRANSPORT_ADDON_UNAVAILABLE: {
    message: 'the native socket addon is not built or cannot load on this platform',
    status: 500,
    base: 'Error',
    exposable: false,
  },
  PRV_ERR_TRANSPORT_VSOCK_UNAVAILABLE: {
    message: 'this kernel has no AF_VSOCK support',
    status: 503,
    base: 'Error',
    exposable: false,
  },
});
