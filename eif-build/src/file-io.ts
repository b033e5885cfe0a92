import { open, type FileHandle } from 'node:fs/promises';
import { createError, isProvenantError } from '@provenant/protocol';

/** Maps a system error to PRV_ERR_EIF_IO with the errno code and the path, never the raw stack. */
export function ioError(path: string, action: string, cause: unknown): Error {
  if (isProvenantError(cause)) return cause;
  const code = typeof cause === 'object' && cause !== null && 'code' in cause ? String((cause as { code: unknown }).code) : 'unknown';
  return createError('PRV_ERR_EIF_IO', `${action} ${path}: ${code}`, { cause });
}

export async function openFile(path: string, flags: 'r' | 'w+'): Promise<FileHandle> {
  try {
    return await open(path, flags);
  } catch (cause) {
    throw ioError(path, flags === 'r' ? 'cannot open' : 'cannot create', cause);
  }
}

/** Positioned read that must return exactly `length` bytes (the file may not shrink under us). */
export async function readExactly(handle: FileHandle, path: string, position: number, length: number): Promise<Uint8Array> {
  const buffer = new Uint8Array(length);
  let filled = 0;
  while (filled < length) {
    let bytesRead: number;
    try {
      ({ bytesRead } = await handle.read(buffer, filled, length - filled, position + filled));
    } catch (cause) {
      throw ioError(path, 'cannot read', cause);
    }
    if (bytesRead === 0) throw createError('PRV_ERR_EIF_TRUNCATED', `${path} ended at byte ${position + filled}, expected ${position + length}`);
    filled += bytesRead;
  }
  return buffer;
}
