import { createRequire } from 'node:module';
import { MAX_NSM_REQUEST_BYTES, MAX_NSM_RESPONSE_BYTES, createError } from '@provenant/protocol';

/** _IOWR(0x0A, 0, struct nsm_raw): Linux include/uapi/linux/nsm.h, same value on x86_64 and arm64. */
export const NSM_IOCTL_RAW = 0xc0200a00;
/** sizeof(struct nsm_raw): two { u64 addr; u64 len } iovecs. */
export const NSM_RAW_STRUCT_BYTES = 32;

/**
 * What the C addon (native/nsm-addon.c) exports. Failures carry Node-style system-error fields
 * (`code` = errno name, `errno`, `syscall`); nsm-errno.ts turns them into Provenant codes.
 */
export interface NativeNsmBinding {
  /** open(path, O_RDWR | O_CLOEXEC); throws on failure. */
  open(path: string): number;
  close(fd: number): void;
  /** One NSM_IOCTL_RAW on a threadpool thread; resolves with a fresh copy of response.len bytes. */
  request(fd: number, encoded: Uint8Array): Promise<Uint8Array>;
  readonly ioctlRaw: number;
  readonly rawStructBytes: number;
  readonly maxRequestBytes: number;
  readonly maxResponseBytes: number;
}

/** Where node-gyp puts the addon, relative to dist/nsm/ (the compiled location of this file). */
const ADDON_CANDIDATES = ['../../build/Release/nsm.node', '../../build/Debug/nsm.node'] as const;

const requireFromHere = createRequire(import.meta.url);
let cached: NativeNsmBinding | undefined;

/**
 * Loads the addon on first use, never at import time, so `@provenant/enclave` imports cleanly on
 * machines where it was not built (the parent, CI without a compiler, the mock NSM in tests).
 */
export function loadNativeNsmBinding(): NativeNsmBinding {
  if (cached !== undefined) return cached;
  const failures: string[] = [];
  for (const candidate of ADDON_CANDIDATES) {
    let loaded: unknown;
    try {
      loaded = requireFromHere(candidate);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'MODULE_NOT_FOUND') {
        failures.push(`${candidate}: not built`);
        continue;
      }
      // Present but unloadable (wrong architecture, libc or Node ABI): do not fall through to Debug.
      throw createError('PRV_ERR_NSM_ADDON_UNAVAILABLE', `${candidate}: ${String(code ?? error)}`, { cause: error });
    }
    cached = assertNativeNsmBinding(loaded, candidate);
    return cached;
  }
  throw createError(
    'PRV_ERR_NSM_ADDON_UNAVAILABLE',
    `${failures.join('; ')} (run npm ci with a C toolchain; see enclave-app/native/README.md)`,
  );
}

/** A stale or foreign build with a different ABI must fail at load, not as EINVAL on the first request. */
export function assertNativeNsmBinding(value: unknown, source: string): NativeNsmBinding {
  const binding = value as Partial<Record<keyof NativeNsmBinding, unknown>> | null;
  const fail = (what: string): never => {
    throw createError('PRV_ERR_NSM_ADDON_UNAVAILABLE', `${source}: ${what}`);
  };
  if (typeof binding !== 'object' || binding === null) return fail('does not export an object');
  for (const name of ['open', 'close', 'request'] as const) {
    if (typeof binding[name] !== 'function') fail(`${name} is not a function`);
  }
  const expected = {
    ioctlRaw: NSM_IOCTL_RAW,
    rawStructBytes: NSM_RAW_STRUCT_BYTES,
    maxRequestBytes: MAX_NSM_REQUEST_BYTES,
    maxResponseBytes: MAX_NSM_RESPONSE_BYTES,
  } as const;
  for (const [name, want] of Object.entries(expected)) {
    const got = binding[name as keyof typeof expected];
    if (got !== want) fail(`${name} is ${String(got)}, expected ${want}`);
  }
  return binding as NativeNsmBinding;
}
