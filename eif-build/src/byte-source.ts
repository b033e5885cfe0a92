import { stat } from 'node:fs/promises';
import { createError } from '@provenant/protocol';
import { EIF_READ_CHUNK_BYTES } from './limits.js';
import { ioError, openFile } from './file-io.js';

/**
 * Section content for the writer and the measurer: a declared size and a re-iterable chunk stream, so
 * a multi-GB ramdisk is never held in memory and can be read twice (once to measure, once to write).
 */
export interface ByteSource {
  readonly sizeBytes: number;
  chunks(): AsyncIterable<Uint8Array>;
}

export function bytesSource(bytes: Uint8Array): ByteSource {
  const copy = Uint8Array.from(bytes);
  return {
    sizeBytes: copy.length,
    async *chunks() {
      yield copy;
    },
  };
}

export async function fileSource(path: string): Promise<ByteSource> {
  let sizeBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', `${path} is not a regular file`);
    sizeBytes = info.size;
  } catch (cause) {
    throw ioError(path, 'cannot stat', cause);
  }
  return {
    sizeBytes,
    async *chunks() {
      const handle = await openFile(path, 'r');
      try {
        let position = 0;
        while (position < sizeBytes) {
          const length = Math.min(EIF_READ_CHUNK_BYTES, sizeBytes - position);
          const buffer = new Uint8Array(length);
          const { bytesRead } = await handle.read(buffer, 0, length, position).catch((cause: unknown) => {
            throw ioError(path, 'cannot read', cause);
          });
          if (bytesRead === 0) throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', `${path} shrank while being read`);
          position += bytesRead;
          yield buffer.subarray(0, bytesRead);
        }
      } finally {
        await handle.close();
      }
    },
  };
}

/** Streams a source and fails if it yields a different number of bytes than it declared (STYLE rule 8). */
export async function* checkedChunks(source: ByteSource, what: string): AsyncIterable<Uint8Array> {
  let seen = 0;
  for await (const chunk of source.chunks()) {
    seen += chunk.length;
    if (seen > source.sizeBytes) break;
    yield chunk;
  }
  if (seen !== source.sizeBytes) {
    throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', `${what} declared ${source.sizeBytes} bytes but produced ${seen}`);
  }
}
