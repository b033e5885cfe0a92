import { createError, type ProvenantError } from '@provenant/protocol';

/**
 * errno -> Provenant code for the two system calls the device transport makes. Errno meanings are
 * those of Linux drivers/misc/nsm.c and open(2); native/README.md has the full table.
 */
const OPEN_ERRNO = {
  ENOENT: 'PRV_ERR_NSM_NO_DEVICE', // no /dev/nsm: not inside an enclave
  ENXIO: 'PRV_ERR_NSM_NO_DEVICE', // device node present, no driver bound to it
  ENODEV: 'PRV_ERR_NSM_NO_DEVICE',
  EISDIR: 'PRV_ERR_NSM_NOT_A_DEVICE', // configured path is a directory
} as const;

const IOCTL_ERRNO = {
  ENOTTY: 'PRV_ERR_NSM_NOT_A_DEVICE', // the file has no ioctl handler for this cmd (regular file, /dev/null)
  EINVAL: 'PRV_ERR_NSM_NOT_A_DEVICE', // nsm.c answers EINVAL for a cmd or _IOC_SIZE it does not know
  EMSGSIZE: 'PRV_ERR_NSM_INPUT_TOO_LARGE', // nsm.c: request.len > NSM_REQUEST_MAX_SIZE
  ETIMEDOUT: 'PRV_ERR_NSM_TIMEOUT', // nsm.c: no reply within NSM_DEFAULT_TIMEOUT_MSECS (120 s)
} as const;

const HINTS: Partial<Record<string, string>> = {
  EACCES: 'permission denied; the daemon must be able to open the device read-write',
  EPERM: 'operation not permitted',
  EOVERFLOW: 'the driver reported a response longer than the buffer it was given',
};

type Syscall = 'open' | 'ioctl' | 'close';

/** Turns a Node-style system error from the addon into a ProvenantError; anything else is PRV_ERR_NSM_IO. */
export function nsmErrorFromNative(error: unknown, syscall: Syscall, devicePath: string): ProvenantError {
  const errnoName = readErrnoName(error);
  const table: Partial<Record<string, ProvenantError['code']>> =
    syscall === 'open' ? OPEN_ERRNO : syscall === 'ioctl' ? IOCTL_ERRNO : {};
  const code = table[errnoName] ?? 'PRV_ERR_NSM_IO';
  const hint = HINTS[errnoName];
  const detail = `${syscall} ${devicePath}: ${errnoName}${hint === undefined ? '' : ` (${hint})`}`;
  return createError(code, detail, { cause: error });
}

function readErrnoName(error: unknown): string {
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,31}$/.test(code)) return code;
  }
  return 'EUNKNOWN';
}
