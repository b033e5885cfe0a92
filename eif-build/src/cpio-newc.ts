import { createError } from '@provenant/protocol';
import { bytesSource, checkedChunks, type ByteSource } from './byte-source.js';
import { EIF_READ_CHUNK_BYTES, MAX_CPIO_FILE_BYTES, MAX_TAR_PATH_BYTES } from './limits.js';

/*
 * SVR4 "newc" cpio, the only format the Linux initramfs unpacker reads (kernel
 * Documentation/driver-api/early-userspace/buffer-format.rst): a 110-byte ASCII header of "070701" and
 * thirteen 8-digit hex fields, the NUL-terminated name, padding to 4 bytes, the data, padding to 4.
 * The archive ends with an entry named TRAILER!!!.
 *
 * Field conventions follow the writer linuxkit uses for nitro-cli's ramdisks (github.com/surma/gocpio
 * pkg/cpio/writer.go): inode numbers count up from 721, nlink is 2 for directories and 1 otherwise,
 * c_devmajor:c_devminor is 3:1, c_check is 0, and the archive is zero-padded to 512 bytes. Unlike
 * linuxkit (which keeps tar order, owners and mtimes), every entry here is sorted by its UTF-8 name,
 * owned by 0:0 and dated 0, so the bytes depend only on names, modes and contents.
 */

export type CpioEntryType = 'file' | 'dir' | 'symlink' | 'char' | 'block' | 'fifo';

export interface CpioEntry {
  /** Relative path, no leading "/" or "./", no trailing "/". */
  readonly name: string;
  readonly type: CpioEntryType;
  /** Permission bits including setuid/setgid/sticky (0..0o7777). */
  readonly mode: number;
  /** File content, or the target of a symlink. Absent for other types. */
  readonly data?: ByteSource;
  readonly rdevMajor?: number;
  readonly rdevMinor?: number;
}

const TYPE_BITS: Readonly<Record<CpioEntryType, number>> = {
  fifo: 0o010000,
  char: 0o020000,
  dir: 0o040000,
  block: 0o060000,
  file: 0o100000,
  symlink: 0o120000,
};
const HEADER_BYTES = 110;
const FIRST_INODE = 721;
const TRAILER = 'TRAILER!!!';
const ARCHIVE_ALIGN_BYTES = 512;
const encoder = new TextEncoder();

const pad4 = (n: number): number => (4 - (n % 4)) % 4;

function hex8(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function headerBytes(ino: number, mode: number, nlink: number, fileSize: number, rdevMajor: number, rdevMinor: number, name: Uint8Array): Uint8Array {
  const fields = [ino, mode, 0, 0, nlink, 0, fileSize, 3, 1, rdevMajor, rdevMinor, name.length + 1, 0];
  const text = `070701${fields.map(hex8).join('')}`;
  const total = HEADER_BYTES + name.length + 1;
  const bytes = new Uint8Array(total + pad4(total));
  bytes.set(encoder.encode(text), 0);
  bytes.set(name, HEADER_BYTES);
  return bytes;
}

interface PreparedEntry {
  readonly entry: CpioEntry;
  readonly nameBytes: Uint8Array;
  readonly dataBytes: number;
}

function prepare(entries: readonly CpioEntry[]): PreparedEntry[] {
  const prepared = entries.map((entry) => {
    const nameBytes = encoder.encode(entry.name);
    if (nameBytes.length === 0 || nameBytes.length > MAX_TAR_PATH_BYTES || nameBytes.includes(0)) {
      throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', `cpio name '${entry.name.slice(0, 64)}' is empty, too long or has a NUL`);
    }
    if (!Number.isInteger(entry.mode) || entry.mode < 0 || entry.mode > 0o7777) {
      throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', `cpio mode ${entry.mode} of '${entry.name}' is not 0..0o7777`);
    }
    const hasData = entry.type === 'file' || entry.type === 'symlink';
    if (hasData !== (entry.data !== undefined)) throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', `'${entry.name}': data only for files and symlinks`);
    const dataBytes = entry.data?.sizeBytes ?? 0;
    if (dataBytes > MAX_CPIO_FILE_BYTES) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `'${entry.name}' is ${dataBytes} bytes; newc holds < 4 GiB`);
    return { entry, nameBytes, dataBytes };
  });
  prepared.sort((a, b) => Buffer.compare(a.nameBytes, b.nameBytes));
  for (let i = 1; i < prepared.length; i++) {
    if (Buffer.compare((prepared[i - 1] as PreparedEntry).nameBytes, (prepared[i] as PreparedEntry).nameBytes) === 0) {
      throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', `duplicate cpio entry '${(prepared[i] as PreparedEntry).entry.name}'`);
    }
  }
  return prepared;
}

function archiveSize(prepared: readonly PreparedEntry[]): number {
  let size = 0;
  const add = (nameLength: number, dataBytes: number) => {
    const head = HEADER_BYTES + nameLength + 1;
    size += head + pad4(head) + dataBytes + pad4(dataBytes);
  };
  for (const p of prepared) add(p.nameBytes.length, p.dataBytes);
  add(TRAILER.length, 0);
  return size + ((ARCHIVE_ALIGN_BYTES - (size % ARCHIVE_ALIGN_BYTES)) % ARCHIVE_ALIGN_BYTES);
}

/** Gathers small pieces into chunks of about EIF_READ_CHUNK_BYTES so thousands of tiny files do not become thousands of writes. */
class Coalescer {
  #parts: Uint8Array[] = [];
  #bytes = 0;

  push(part: Uint8Array): Uint8Array | undefined {
    this.#parts.push(part);
    this.#bytes += part.length;
    return this.#bytes >= EIF_READ_CHUNK_BYTES ? this.flush() : undefined;
  }

  flush(): Uint8Array | undefined {
    if (this.#bytes === 0) return undefined;
    const out = this.#parts.length === 1 ? (this.#parts[0] as Uint8Array) : Buffer.concat(this.#parts);
    this.#parts = [];
    this.#bytes = 0;
    return out;
  }
}

/**
 * A deterministic newc archive as a ByteSource: its size is known before a byte is produced (the EIF
 * header needs it) and it can be streamed as many times as needed without being held in memory.
 */
export function cpioArchive(entries: readonly CpioEntry[]): ByteSource {
  const prepared = prepare(entries);
  const sizeBytes = archiveSize(prepared);
  return {
    sizeBytes,
    async *chunks() {
      const out = new Coalescer();
      let ino = FIRST_INODE;
      let written = 0;
      const emit = (part: Uint8Array) => {
        written += part.length;
        return out.push(part);
      };
      for (const { entry, nameBytes, dataBytes } of prepared) {
        const mode = TYPE_BITS[entry.type] | entry.mode;
        const nlink = entry.type === 'dir' ? 2 : 1;
        let full = emit(headerBytes(ino++, mode, nlink, dataBytes, entry.rdevMajor ?? 0, entry.rdevMinor ?? 0, nameBytes));
        if (full !== undefined) yield full;
        if (entry.data !== undefined) {
          for await (const chunk of checkedChunks(entry.data, entry.name)) {
            full = emit(chunk);
            if (full !== undefined) yield full;
          }
          full = emit(new Uint8Array(pad4(dataBytes)));
          if (full !== undefined) yield full;
        }
      }
      const trailerName = encoder.encode(TRAILER);
      const last = emit(headerBytes(ino, 0, 1, 0, 0, 0, trailerName));
      if (last !== undefined) yield last;
      const tail = emit(new Uint8Array(sizeBytes - written));
      if (tail !== undefined) yield tail;
      const rest = out.flush();
      if (rest !== undefined) yield rest;
    },
  };
}

/** Convenience for small archives built from in-memory files (the bootstrap ramdisk, tests). */
export function cpioFile(name: string, mode: number, content: Uint8Array): CpioEntry {
  return { name, type: 'file', mode, data: bytesSource(content) };
}
