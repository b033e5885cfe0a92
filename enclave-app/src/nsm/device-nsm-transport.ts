import { MAX_NSM_REQUEST_BYTES, createError } from '@provenant/protocol';
import type { NsmTransport } from './nsm-transport.js';
import { loadNativeNsmBinding, type NativeNsmBinding } from './native-nsm-binding.js';
import { nsmErrorFromNative } from './nsm-errno.js';

export const DEFAULT_NSM_DEVICE_PATH = '/dev/nsm';
/**
 * Deadline per request, queue wait included. The driver itself gives up after 120 s
 * (NSM_DEFAULT_TIMEOUT_MSECS in drivers/misc/nsm.c); a healthy NSM answers in milliseconds, so a
 * caller learns of a stuck device long before that.
 */
export const DEFAULT_NSM_REQUEST_TIMEOUT_MS = 30_000;
/** setTimeout clamps larger delays to 1 ms, which would turn a long deadline into an instant one. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface DeviceNsmTransportOptions {
  /** Device node to open; default /dev/nsm. */
  devicePath?: string;
  /** Per-request deadline in milliseconds (queue wait included); default DEFAULT_NSM_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** The native addon; default the node-gyp build in enclave-app/build. Tests pass a stand-in. */
  binding?: NativeNsmBinding;
}

/**
 * NsmTransport over the real /dev/nsm. The descriptor is opened once and requests go to the device
 * one at a time, in call order: the driver serialises on a mutex anyway, and queuing in JS keeps
 * at most one libuv threadpool thread per transport blocked in the ioctl.
 *
 * An ioctl cannot be cancelled. When a caller's signal or the deadline fires, its promise rejects
 * with PRV_ERR_NSM_TIMEOUT at once, but an ioctl already in flight runs to completion in the
 * background (bounded by the driver's 120 s) and its answer is discarded; the next request waits
 * for it. A request still queued when its deadline passes never reaches the device.
 */
export class DeviceNsmTransport implements NsmTransport {
  readonly #binding: NativeNsmBinding;
  readonly #fd: number;
  readonly #devicePath: string;
  readonly #requestTimeoutMs: number;
  /** Settles when the last queued device call has finished; never rejects. */
  #tail: Promise<void> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(binding: NativeNsmBinding, fd: number, devicePath: string, requestTimeoutMs: number) {
    this.#binding = binding;
    this.#fd = fd;
    this.#devicePath = devicePath;
    this.#requestTimeoutMs = requestTimeoutMs;
  }

  /**
   * Opens the device (synchronously: opening a misc device does not wait on the NSM). Throws
   * PRV_ERR_NSM_NO_DEVICE outside an enclave, PRV_ERR_NSM_ADDON_UNAVAILABLE if the addon is not built.
   */
  static open(options: DeviceNsmTransportOptions = {}): DeviceNsmTransport {
    const devicePath = options.devicePath ?? DEFAULT_NSM_DEVICE_PATH;
    assertDevicePath(devicePath);
    const requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_NSM_REQUEST_TIMEOUT_MS;
    assertTimeoutMs(requestTimeoutMs);
    const binding = options.binding ?? loadNativeNsmBinding();
    let fd: number;
    try {
      fd = binding.open(devicePath);
    } catch (error) {
      throw nsmErrorFromNative(error, 'open', devicePath);
    }
    return new DeviceNsmTransport(binding, fd, devicePath, requestTimeoutMs);
  }

  get devicePath(): string {
    return this.#devicePath;
  }

  request(encoded: Uint8Array, options: { signal?: AbortSignal } = {}): Promise<Uint8Array> {
    if (!(encoded instanceof Uint8Array)) {
      return Promise.reject(createError('PRV_ERR_NSM_MALFORMED', 'request must be a Uint8Array'));
    }
    if (encoded.byteLength === 0) {
      return Promise.reject(createError('PRV_ERR_NSM_MALFORMED', 'request is empty'));
    }
    if (encoded.byteLength > MAX_NSM_REQUEST_BYTES) {
      return Promise.reject(
        createError('PRV_ERR_NSM_INPUT_TOO_LARGE', `${encoded.byteLength} bytes > MAX_NSM_REQUEST_BYTES`),
      );
    }
    if (this.#closed) return Promise.reject(closedError());
    const { signal } = options;
    if (signal?.aborted === true) {
      return Promise.reject(createError('PRV_ERR_NSM_TIMEOUT', 'aborted by the caller', { cause: signal.reason }));
    }
    // The caller may reuse its buffer while this request waits in the queue.
    const bytes = encoded.slice();
    return new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      const settle = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        outcome();
      };
      const onAbort = (): void =>
        settle(() => reject(createError('PRV_ERR_NSM_TIMEOUT', 'aborted by the caller', { cause: signal?.reason })));
      const timer = setTimeout(
        () => settle(() => reject(createError('PRV_ERR_NSM_TIMEOUT', `no answer within ${this.#requestTimeoutMs} ms`))),
        this.#requestTimeoutMs,
      );
      signal?.addEventListener('abort', onAbort, { once: true });

      this.#tail = this.#tail.then(async () => {
        if (settled) return; // gave up while queued: never touch the device
        if (this.#closed) {
          settle(() => reject(closedError()));
          return;
        }
        try {
          const response = await this.#binding.request(this.#fd, bytes);
          settle(() => resolve(response));
        } catch (error) {
          settle(() => reject(nsmErrorFromNative(error, 'ioctl', this.#devicePath)));
        }
      });
    });
  }

  /**
   * Rejects every request not yet sent, waits for the one in flight (the descriptor must outlive
   * its ioctl, or a reused fd number could receive it), then closes the device. Idempotent.
   */
  close(): Promise<void> {
    if (this.#closing === undefined) {
      this.#closed = true;
      this.#closing = this.#tail.then(() => {
        try {
          this.#binding.close(this.#fd);
        } catch (error) {
          throw nsmErrorFromNative(error, 'close', this.#devicePath);
        }
      });
    }
    return this.#closing;
  }
}

function closedError() {
  return createError('PRV_ERR_NSM_IO', 'the transport is closed');
}

function assertDevicePath(value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.includes('\0')) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', `devicePath must be a non-empty string without NUL, got ${typeof value}`);
  }
}

function assertTimeoutMs(value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMER_MS) {
    throw createError('PRV_ERR_OUT_OF_RANGE', `requestTimeoutMs must be an integer in [1, ${MAX_TIMER_MS}], got ${String(value)}`);
  }
}
