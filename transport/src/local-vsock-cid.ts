import { loadAddon } from './addon/addon-binding.js';
import { listenError, errnoName } from './transport-errno.js';

/**
 * This machine's vsock CID (vsock(7): IOCTL_VM_SOCKETS_GET_LOCAL_CID on /dev/vsock). Inside an
 * enclave it is the CID given to `nitro-cli run-enclave`; the parent dials that one.
 */
export function getLocalVsockCid(): number {
  const cid = loadAddon().localCid();
  if (cid < 0) throw listenError(errnoName(cid), 'vsock local CID (/dev/vsock)');
  return cid;
}
