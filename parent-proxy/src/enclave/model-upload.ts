import { MODEL_CHUNK_BYTES, createError, isProvenantError } from '@provenant/protocol';
import type { LinkStream } from './enclave-link.js';

/**
 * Feeds one model body to one or more enclaves at once (concurrent fan-out, see parent-proxy/README.md):
 * the source is read once, cut into MODEL_CHUNK_BYTES chunk frames, and each chunk goes to every target
 * before the next is read, so the slowest enclave paces the upload and at most one chunk is held in memory.
 * The last chunk carries end: true once exactly `size` bytes arrived. Returns each target's outcome.
 */
export async function fanOutModel(
  targets: readonly LinkStream[],
  size: number,
  source: AsyncIterable<Uint8Array>,
): Promise<PromiseSettledResult<unknown>[]> {
  let settledCount = 0;
  for (const target of targets) void target.done.then(() => settledCount++, () => settledCount++);
  let buffer = new Uint8Array(Math.min(MODEL_CHUNK_BYTES, size));
  let fill = 0;
  let received = 0;
  const flush = async (end: boolean): Promise<void> => {
    const data = buffer.subarray(0, fill);
    buffer = new Uint8Array(Math.min(MODEL_CHUNK_BYTES, Math.max(1, size - received)));
    fill = 0;
    await Promise.all(targets.map((target) => target.sendChunk(data, end)));
  };
  try {
    for await (const piece of source) {
      if (received + piece.length > size) throw createError('PRV_ERR_PROXY_LENGTH_MISMATCH', `more than the declared ${size} bytes`);
      let at = 0;
      while (at < piece.length) {
        const take = Math.min(piece.length - at, buffer.length - fill);
        buffer.set(piece.subarray(at, at + take), fill);
        fill += take;
        at += take;
        received += take;
        if (fill === buffer.length && received < size) await flush(false);
      }
      // Every target already answered (all refused early): stop reading, nothing more will be used.
      if (settledCount === targets.length) break;
    }
    if (settledCount < targets.length) {
      if (received !== size) throw createError('PRV_ERR_PROXY_LENGTH_MISMATCH', `${received} of ${size} bytes arrived`);
      await flush(true);
    }
  } catch (error) {
    // A socket error mid-body (client reset, 'aborted') is the client's upload failing, not ours.
    const reason = isProvenantError(error) ? error : createError('PRV_ERR_PROXY_UPLOAD_ABORTED', undefined, { cause: error });
    for (const target of targets) target.abort(reason);
    throw reason;
  }
  return Promise.allSettled(targets.map((target) => target.done));
}
