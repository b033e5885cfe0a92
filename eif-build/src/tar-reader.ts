import { stat } from 'node:fs/promises';
import { createError } from '@provenant/protocol';
import { ioError, openFile, readExactly } from './file-io.js';
import { MAX_PAX_HEADER_BYTES, MAX_ROOTFS_ENTRIES, MAX_TAR_PATH_BYTES } from './limits.js';

/*
 * A strict reader for what `docker export` writes (Go archive/tar: POSIX ustar, with pax 'x' records
 * for long names, sometimes GNU 'L'/'K'). It only indexes the archive: each entry keeps the offset of
 * its data in the tar file, so the ramdisk builder can read contents later, in sorted order, with
 * positioned reads and bounded memory. Format: POSIX.1-2017 pax(1) "ustar Interchange Format" and
 * "pax Extended Header".
 */

export type TarEntryType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'dir' | 'fifo';

export interface TarEntry {
  /** Normalised: relative, no "./" prefix, no trailing "/", no "." or ".." components. */
  readonly name: string;
  readonly type: TarEntryType;
  readonly mode: number;
  readonly sizeBytes: number;
  /** Offset of the entry's data in the tar file. */
  readonly dataOffset: number;
  /** Symlink target as written, or the normalised name a hard link points at. */
  readonly linkName?: string;
  readonly devMajor: number;
  readonly devMinor: number;
}

const BLOCK = 512;
const TYPES: Readonly<Record<string, TarEntryType>> = {
  '0': 'file',
  '\0': 'file',
  '7': 'file', // contiguous file: a regular file to every modern reader
  '1': 'hardlink',
  '2': 'symlink',
  '3': 'char',
  '4': 'block',
  '5': 'dir',
  '6': 'fifo',
};
const utf8 = new TextDecoder('utf-8', { fatal: true });

function malformed(detail: string): never {
  throw createError('PRV_ERR_EIF_TAR_MALFORMED', detail);
}

function text(block: Uint8Array, offset: number, length: number, field: string): string {
  const raw = block.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  try {
    return utf8.decode(end === -1 ? raw : raw.subarray(0, end));
  } catch {
    return malformed(`${field} is not UTF-8`);
  }
}

/** Octal number field: digits, optionally led by spaces and ended by NUL or space. */
function octal(block: Uint8Array, offset: number, length: number, field: string, at: number): number {
  const raw = block.subarray(offset, offset + length);
  if (((raw[0] as number) & 0x80) !== 0) throw createError('PRV_ERR_EIF_TAR_UNSUPPORTED', `base-256 ${field} at byte ${at}`);
  const digits = String.fromCharCode(...raw).replace(/[\0 ]+$/, '').replace(/^ +/, '');
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) malformed(`${field} '${digits.slice(0, 16)}' is not octal at byte ${at}`);
  return Number.parseInt(digits, 8);
}

function checksumMatches(block: Uint8Array, at: number): boolean {
  const stored = octal(block, 148, 8, 'checksum', at);
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : (block[i] as number);
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  // Historic tars summed signed chars; POSIX says unsigned. Accept either, as GNU tar does.
  return stored === unsigned || stored === signed;
}

export function normaliseTarPath(raw: string, at: number): string {
  if (new TextEncoder().encode(raw).length > MAX_TAR_PATH_BYTES) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `path longer than ${MAX_TAR_PATH_BYTES} bytes at byte ${at}`);
  let path = raw;
  while (path.startsWith('./')) path = path.slice(2);
  path = path.replace(/^\/+/, '').replace(/\/+$/, '');
  if (path === '' || path === '.') return '';
  const parts = path.split('/');
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') malformed(`path '${raw.slice(0, 128)}' has an empty, '.' or '..' component at byte ${at}`);
  }
  return path;
}

/** pax records: "<len> <key>=<value>\n", len counting the whole record in bytes. */
function parsePax(bytes: Uint8Array, at: number): Map<string, string> {
  const records = new Map<string, string>();
  let position = 0;
  while (position < bytes.length) {
    const space = bytes.indexOf(0x20, position);
    if (space === -1 || space - position > 8) malformed(`pax record without a length at byte ${at}`);
    const lengthText = String.fromCharCode(...bytes.subarray(position, space));
    if (!/^[1-9][0-9]*$/.test(lengthText)) malformed(`pax record length '${lengthText}' at byte ${at}`);
    const length = Number(lengthText);
    const end = position + length;
    if (end > bytes.length || bytes[end - 1] !== 0x0a) malformed(`pax record overruns its header at byte ${at}`);
    let record: string;
    try {
      record = utf8.decode(bytes.subarray(space + 1, end - 1));
    } catch {
      return malformed(`pax record is not UTF-8 at byte ${at}`);
    }
    const equals = record.indexOf('=');
    if (equals <= 0) malformed(`pax record without key at byte ${at}`);
    records.set(record.slice(0, equals), record.slice(equals + 1));
    position = end;
  }
  return records;
}

const isZeroBlock = (block: Uint8Array): boolean => block.every((b) => b === 0);

/** Indexes every entry of an uncompressed tar file. Memory: the entry list, never file contents. */
export async function scanTar(path: string): Promise<TarEntry[]> {
  let fileSize: number;
  try {
    fileSize = (await stat(path)).size;
  } catch (cause) {
    throw ioError(path, 'cannot stat', cause);
  }
  const handle = await openFile(path, 'r');
  const entries: TarEntry[] = [];
  try {
    let position = 0;
    let pax = new Map<string, string>();
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      if (position + BLOCK > fileSize) malformed(`archive ends at byte ${fileSize} without an end-of-archive block`);
      const block = await readExactly(handle, path, position, BLOCK);
      if (isZeroBlock(block)) break;
      const at = position;
      if (!checksumMatches(block, at)) malformed(`header checksum mismatch at byte ${at}`);
      const magic = String.fromCharCode(...block.subarray(257, 265));
      if (magic !== 'ustar\x0000' && magic !== 'ustar  \x00') malformed(`not a ustar header at byte ${at}`);
      const typeflag = String.fromCharCode(block[156] as number);
      let size = octal(block, 124, 12, 'size', at);
      if (pax.has('size')) {
        const paxSize = pax.get('size') as string;
        if (!/^[0-9]{1,16}$/.test(paxSize)) malformed(`pax size '${paxSize.slice(0, 20)}' at byte ${at}`);
        size = Number(paxSize);
      }
      const dataOffset = position + BLOCK;
      const dataEnd = dataOffset + size;
      if (dataEnd > fileSize) malformed(`entry at byte ${at} declares ${size} bytes past the end of the archive`);
      position = dataEnd + ((BLOCK - (size % BLOCK)) % BLOCK);

      if (typeflag === 'x' || typeflag === 'g' || typeflag === 'L' || typeflag === 'K') {
        if (size > MAX_PAX_HEADER_BYTES) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `extended header of ${size} bytes at byte ${at}`);
        const body = await readExactly(handle, path, dataOffset, size);
        // 'g' (global) records set defaults for later entries; none of them affects a ramdisk entry here.
        if (typeflag === 'x') pax = parsePax(body, at);
        else if (typeflag === 'L' || typeflag === 'K') {
          const end = body.indexOf(0);
          let value: string;
          try {
            value = utf8.decode(end === -1 ? body : body.subarray(0, end));
          } catch {
            return malformed(`GNU long name is not UTF-8 at byte ${at}`);
          }
          if (typeflag === 'L') longName = value;
          else longLink = value;
        }
        continue;
      }
      const type = TYPES[typeflag];
      if (type === undefined) throw createError('PRV_ERR_EIF_TAR_UNSUPPORTED', `typeflag '${typeflag.replace(/[^\x20-\x7e]/g, '?')}' at byte ${at}`);
      const prefix = text(block, 345, 155, 'prefix');
      const ustarName = text(block, 0, 100, 'name');
      const rawName = pax.get('path') ?? longName ?? (prefix === '' ? ustarName : `${prefix}/${ustarName}`);
      const rawLink = pax.get('linkpath') ?? longLink ?? text(block, 157, 100, 'linkname');
      pax = new Map();
      longName = undefined;
      longLink = undefined;
      const name = normaliseTarPath(rawName, at);
      if (name === '') continue; // the archive root "./": the ramdisk builder creates rootfs/ itself
      if (entries.length >= MAX_ROOTFS_ENTRIES) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `more than ${MAX_ROOTFS_ENTRIES} entries`);
      const hasData = type === 'file';
      if (!hasData && type !== 'hardlink' && size !== 0) malformed(`${type} '${name}' carries ${size} data bytes`);
      let linkName: string | undefined;
      if (type === 'symlink') {
        if (rawLink === '' || new TextEncoder().encode(rawLink).length > MAX_TAR_PATH_BYTES) malformed(`symlink '${name}' has an empty or too long target`);
        linkName = rawLink;
      } else if (type === 'hardlink') {
        linkName = normaliseTarPath(rawLink, at);
        if (linkName === '') malformed(`hard link '${name}' has no target`);
      }
      const entry: TarEntry = {
        name,
        type,
        mode: octal(block, 100, 8, 'mode', at) & 0o7777,
        sizeBytes: hasData ? size : 0,
        dataOffset,
        devMajor: octal(block, 329, 8, 'devmajor', at),
        devMinor: octal(block, 337, 8, 'devminor', at),
        ...(linkName === undefined ? {} : { linkName }),
      };
      entries.push(entry);
    }
    return entries;
  } finally {
    await handle.close();
  }
}
