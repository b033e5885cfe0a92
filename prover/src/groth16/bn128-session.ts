import { curves } from 'snarkjs';

/**
 * ffjavascript caches one multi-threaded bn128 curve per thread (globalThis.curve_bn128) and every snarkjs
 * call reuses it; its worker pool keeps the process alive until `curve.terminate()`. Concurrent operations
 * in one thread share it, so it is counted: the last holder to finish terminates it and the process can exit.
 */
let holders = 0;

export async function withBn128<T>(operation: () => Promise<T>): Promise<T> {
  holders += 1;
  try {
    await curves.getCurveFromName('bn128');
    return await operation();
  } finally {
    holders -= 1;
    if (holders === 0) {
      const curve = await curves.getCurveFromName('bn128');
      await curve.terminate();
    }
  }
}
