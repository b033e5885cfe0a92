import type { FileHandle } from 'node:fs/promises';
import { createError } from '@provenant/protocol';
import { bytesSource, type ByteSource } from './byte-source.js';
import { cpioArchive, cpioFile, type CpioEntry } from './cpio-newc.js';
import { ioError, openFile } from './file-io.js';
import { EIF_READ_CHUNK_BYTES, MAX_CMD_ENV_ENTRIES } from './limits.js';
import { scanTar, type TarEntry } from './tar-reader.js';

/*
 * The customer ramdisk nitro-cli asks linuxkit for (aws-nitro-enclaves-cli enclave_build
 * yaml_generator.rs `get_customer_ramfs`): the image filesystem under the prefix "rootfs/", the
 * directories rootfs/{dev,run,sys,var,proc,tmp} with mode 0755, and top-level files "cmd" and "env"
 * (mode 0644) holding the image's CMD (or ENTRYPOINT when there is no CMD) and ENV, one element per
 * line, each followed by "\n" (enclave_build docker.rs `write_config`). The enclave init reads those two
 * files, chroots into /rootfs and execs cmd with env; it ignores WORKDIR.
 */

export const ROOTFS_PREFIX = 'rootfs';
/** Mount points the init expects; nitro-cli adds them after the image, so their 0755 mode wins. */
export const INIT_DIRECTORIES = ['dev', 'run', 'sys', 'var', 'proc', 'tmp'] as const;
const DIR_MODE = 0o755;
const CONFIG_FILE_MODE = 0o644;

export interface ImageRunConfig {
  /** argv of the enclave's process: the image CMD, or its ENTRYPOINT when it has no CMD. */
  readonly cmd: readonly string[];
  /** "NAME=value" lines. */
  readonly env: readonly string[];
}

/** One line per element; a newline inside an element would split it into two arguments. */
export function encodeConfigLines(lines: readonly string[], what: 'cmd' | 'env'): Uint8Array {
  if (lines.length > MAX_CMD_ENV_ENTRIES) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `${what} has more than ${MAX_CMD_ENV_ENTRIES} entries`);
  for (const [i, line] of lines.entries()) {
    if (typeof line !== 'string' || /[\n\0]/.test(line)) throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', `${what}[${i}] contains a newline or NUL`);
    if (what === 'env' && !/^[^=]+=/.test(line)) throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', `env[${i}] is not NAME=value`);
  }
  if (what === 'cmd' && (lines.length === 0 || lines[0] === '')) throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', 'cmd is empty');
  return new TextEncoder().encode(lines.map((line) => `${line}\n`).join(''));
}

interface SharedHandle {
  handle: FileHandle | undefined;
}

function tarRange(path: string, shared: SharedHandle, offset: number, sizeBytes: number): ByteSource {
  return {
    sizeBytes,
    async *chunks() {
      const handle = shared.handle;
      if (handle === undefined) throw createError('PRV_ERR_INTERNAL', 'tar content read outside its ramdisk stream');
      for (let done = 0; done < sizeBytes; ) {
        const length = Math.min(EIF_READ_CHUNK_BYTES, sizeBytes - done);
        const buffer = new Uint8Array(length);
        const { bytesRead } = await handle.read(buffer, 0, length, offset + done).catch((cause: unknown) => {
          throw ioError(path, 'cannot read', cause);
        });
        if (bytesRead === 0) throw createError('PRV_ERR_EIF_TAR_MALFORMED', `${path} shrank while being read`);
        done += bytesRead;
        yield buffer.subarray(0, bytesRead);
      }
    },
  };
}

function toCpioEntries(tarPath: string, entries: readonly TarEntry[], shared: SharedHandle): CpioEntry[] {
  const byName = new Map<string, TarEntry>();
  for (const entry of entries) {
    if (byName.has(entry.name)) throw createError('PRV_ERR_EIF_TAR_MALFORMED', `duplicate entry '${entry.name}'`);
    byName.set(entry.name, entry);
  }
  const result = new Map<string, CpioEntry>();
  const prefixed = (name: string) => `${ROOTFS_PREFIX}/${name}`;
  for (const entry of entries) {
    const name = prefixed(entry.name);
    switch (entry.type) {
      case 'file':
        result.set(name, { name, type: 'file', mode: entry.mode, data: tarRange(tarPath, shared, entry.dataOffset, entry.sizeBytes) });
        break;
      case 'hardlink': {
        // A newc hard link needs shared inode numbers; a copy of the content gives the same files to
        // the enclave (linuxkit turns them into symlinks instead; both are documented deviations).
        const target = byName.get(entry.linkName as string);
        if (target?.type !== 'file') throw createError('PRV_ERR_EIF_TAR_MALFORMED', `hard link '${entry.name}' points at no regular file`);
        result.set(name, { name, type: 'file', mode: target.mode, data: tarRange(tarPath, shared, target.dataOffset, target.sizeBytes) });
        break;
      }
      case 'symlink':
        result.set(name, { name, type: 'symlink', mode: 0o777, data: bytesSource(new TextEncoder().encode(entry.linkName as string)) });
        break;
      case 'char':
      case 'block':
        result.set(name, { name, type: entry.type, mode: entry.mode, rdevMajor: entry.devMajor, rdevMinor: entry.devMinor });
        break;
      case 'dir':
      case 'fifo':
        result.set(name, { name, type: entry.type, mode: entry.mode });
        break;
    }
  }
  for (const dir of INIT_DIRECTORIES) {
    const name = prefixed(dir);
    const existing = result.get(name);
    if (existing !== undefined && existing.type !== 'dir') throw createError('PRV_ERR_EIF_TAR_UNSUPPORTED', `'${dir}' must be a directory for the enclave init`);
    result.set(name, { name, type: 'dir', mode: DIR_MODE });
  }
  result.set(ROOTFS_PREFIX, { name: ROOTFS_PREFIX, type: 'dir', mode: DIR_MODE });
  // The kernel's initramfs unpacker does not create missing parents, so every ancestor gets an entry.
  for (const name of [...result.keys()]) {
    for (let slash = name.lastIndexOf('/'); slash > 0; slash = name.lastIndexOf('/', slash - 1)) {
      const parent = name.slice(0, slash);
      const existing = result.get(parent);
      if (existing === undefined) result.set(parent, { name: parent, type: 'dir', mode: DIR_MODE });
      else if (existing.type !== 'dir') throw createError('PRV_ERR_EIF_TAR_MALFORMED', `'${parent}' is not a directory but has children`);
      else break;
    }
  }
  return [...result.values()];
}

/**
 * Builds the customer ramdisk from a flattened rootfs tar (`docker export` of a container created from
 * the image). The result streams from the tar with positioned reads; call chunks() as often as needed.
 */
export async function rootfsRamdisk(tarPath: string, config: ImageRunConfig): Promise<ByteSource> {
  const cmd = encodeConfigLines(config.cmd, 'cmd');
  const env = encodeConfigLines(config.env, 'env');
  const shared: SharedHandle = { handle: undefined };
  const entries = toCpioEntries(tarPath, await scanTar(tarPath), shared);
  entries.push(cpioFile('cmd', CONFIG_FILE_MODE, cmd), cpioFile('env', CONFIG_FILE_MODE, env));
  const archive = cpioArchive(entries);
  return {
    sizeBytes: archive.sizeBytes,
    async *chunks() {
      if (shared.handle !== undefined) throw createError('PRV_ERR_INTERNAL', 'ramdisk streamed twice at once');
      shared.handle = await openFile(tarPath, 'r');
      try {
        yield* archive.chunks();
      } finally {
        const handle = shared.handle;
        shared.handle = undefined;
        await handle.close();
      }
    },
  };
}

/** The bootstrap ramdisk nitro-cli builds from its blobs (yaml_generator.rs `get_bootstrap_ramfs`). */
export function bootstrapRamdisk(init: Uint8Array, nsmKo: Uint8Array): ByteSource {
  return cpioArchive([
    { name: 'dev', type: 'dir', mode: DIR_MODE },
    cpioFile('init', 0o755, init),
    cpioFile('nsm.ko', 0o755, nsmKo),
  ]);
}
