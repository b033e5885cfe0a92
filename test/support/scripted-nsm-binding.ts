import assert from 'node:assert/strict';
import { MAX_NSM_REQUEST_BYTES, MAX_NSM_RESPONSE_BYTES } from '@provenant/protocol';
import { NSM_IOCTL_RAW, NSM_RAW_STRUCT_BYTES, type NativeNsmBinding } from '@provenant/enclave';

/** A Node-style system error, as the addon throws or rejects with. */
export function errnoError(code: string, syscall = 'ioctl'): Error {
  return Object.assign(new Error(`${syscall}: ${code}`), { code, errno: 1, syscall });
}

/** A stand-in addon whose every ioctl waits until the test answers it. */
export class ScriptedBinding implements NativeNsmBinding {
  readonly ioctlRaw = NSM_IOCTL_RAW;
  readonly rawStructBytes = NSM_RAW_STRUCT_BYTES;
  readonly maxRequestBytes = MAX_NSM_REQUEST_BYTES;
  readonly maxResponseBytes = MAX_NSM_RESPONSE_BYTES;
  openError: Error | undefined;
  readonly closedFds: number[] = [];
  readonly pending: { bytes: Uint8Array; answer: (result: Uint8Array | Error) => void }[] = [];
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;

  open(): number {
    if (this.openError !== undefined) throw this.openError;
    return 42;
  }

  close(fd: number): void {
    this.closedFds.push(fd);
  }

  request(_fd: number, bytes: Uint8Array): Promise<Uint8Array> {
    this.calls += 1;
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise((resolve, reject) => {
      this.pending.push({
        bytes,
        answer: (result) => {
          this.inFlight -= 1;
          if (result instanceof Error) reject(result);
          else resolve(result);
        },
      });
    });
  }

  /** Answers the oldest outstanding call. */
  answer(result: Uint8Array | Error): Uint8Array {
    const next = this.pending.shift();
    assert.ok(next !== undefined, 'no outstanding device call');
    next.answer(result);
    return next.bytes;
  }
}
