import { readFile } from 'node:fs/promises';
import { createError } from '@provenant/protocol';
import { fileSource, type ByteSource } from './byte-source.js';
import { readEif } from './eif-reader.js';
import { EIF_SECTION_HEADER_BYTES } from './eif-header.js';
import { ioError, openFile } from './file-io.js';
import { EIF_READ_CHUNK_BYTES, MAX_EIF_CMDLINE_BYTES } from './limits.js';
import { parseImageInspect } from './image-config.js';
import { bootstrapRamdisk, rootfsRamdisk, type ImageRunConfig } from './rootfs-ramdisk.js';

/** Flags shared by `eif measure` and `eif build-from-rootfs`, already syntax-checked by parseArgs. */
export interface BuildInputFlags {
  readonly blobs?: string;
  readonly kernel?: string;
  readonly cmdline?: string;
  readonly 'cmdline-file'?: string;
  readonly 'bootstrap-ramdisk'?: string;
  readonly init?: string;
  readonly 'nsm-ko'?: string;
  readonly 'bootstrap-from-eif'?: string;
  readonly rootfs?: string;
  readonly 'image-inspect'?: string;
  readonly cmd?: string;
  readonly env?: readonly string[];
  readonly arch?: string;
}

export interface ResolvedBuildInputs {
  readonly kernel: ByteSource;
  readonly cmdline: string;
  readonly bootstrap: ByteSource;
  readonly customer: ByteSource;
  readonly arch: 'x86_64' | 'aarch64';
  readonly run: ImageRunConfig;
}

/** A wrong flag combination: the command answers with exit code 2 and its usage text. */
export class UsageError extends Error {}

async function readSmall(path: string, limit: number): Promise<Uint8Array> {
  try {
    const bytes = await readFile(path);
    if (bytes.length > limit) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `${path} is over ${limit} bytes`);
    return new Uint8Array(bytes);
  } catch (cause) {
    throw ioError(path, 'cannot read', cause);
  }
}

function eifRange(path: string, offset: number, sizeBytes: number): ByteSource {
  return {
    sizeBytes,
    async *chunks() {
      const handle = await openFile(path, 'r');
      try {
        for (let done = 0; done < sizeBytes; ) {
          const length = Math.min(EIF_READ_CHUNK_BYTES, sizeBytes - done);
          const buffer = new Uint8Array(length);
          const { bytesRead } = await handle.read(buffer, 0, length, offset + done);
          if (bytesRead === 0) throw createError('PRV_ERR_EIF_TRUNCATED', `${path} shrank while being read`);
          done += bytesRead;
          yield buffer.subarray(0, bytesRead);
        }
      } finally {
        await handle.close();
      }
    },
  };
}

function parseRunConfig(flags: BuildInputFlags, inspectText: string | undefined): ImageRunConfig {
  if (inspectText !== undefined) {
    if (flags.cmd !== undefined || (flags.env?.length ?? 0) > 0) throw new UsageError('--image-inspect excludes --cmd and --env');
    return parseImageInspect(inspectText);
  }
  if (flags.cmd === undefined) throw new UsageError('give --image-inspect FILE or --cmd JSON_ARRAY');
  let cmd: unknown;
  try {
    cmd = JSON.parse(flags.cmd);
  } catch {
    throw new UsageError('--cmd must be a JSON array of strings, e.g. \'["node","/app/main.js"]\'');
  }
  if (!Array.isArray(cmd) || !cmd.every((item) => typeof item === 'string')) throw new UsageError('--cmd must be a JSON array of strings');
  return { cmd, env: flags.env ?? [] };
}

function parseArch(value: string | undefined): 'x86_64' | 'aarch64' | undefined {
  if (value === undefined || value === 'x86_64' || value === 'aarch64') return value;
  throw new UsageError(`--arch must be x86_64 or aarch64, not '${value}'`);
}

/**
 * Kernel, cmdline and bootstrap ramdisk come from one of: an existing EIF (--bootstrap-from-eif, e.g.
 * one nitro-cli built, so PCR1 matches it exactly), the nitro-cli blobs directory (--blobs), or explicit
 * files. Explicit files override single blobs.
 */
export async function resolveBuildInputs(flags: BuildInputFlags): Promise<ResolvedBuildInputs> {
  if (flags.rootfs === undefined) throw new UsageError('--rootfs TAR is required');
  let arch = parseArch(flags.arch);
  const inspectText = flags['image-inspect'] === undefined ? undefined : new TextDecoder().decode(await readSmall(flags['image-inspect'], 16 * 1024 * 1024));
  const run = parseRunConfig(flags, inspectText);
  let kernel: ByteSource;
  let cmdline: string;
  let bootstrap: ByteSource;
  const fromEif = flags['bootstrap-from-eif'];
  if (fromEif !== undefined) {
    for (const conflicting of ['blobs', 'kernel', 'cmdline', 'cmdline-file', 'bootstrap-ramdisk', 'init', 'nsm-ko'] as const) {
      if (flags[conflicting] !== undefined) throw new UsageError(`--bootstrap-from-eif excludes --${conflicting}`);
    }
    const eif = await readEif(fromEif);
    const at = (kind: string) => eif.sections.find((s) => s.kind === kind);
    const k = at('kernel');
    const r = at('ramdisk');
    if (k === undefined || r === undefined) throw createError('PRV_ERR_EIF_SECTION_INVALID', 'source EIF lacks a kernel or ramdisk');
    kernel = eifRange(fromEif, k.offset + EIF_SECTION_HEADER_BYTES, k.sizeBytes);
    bootstrap = eifRange(fromEif, r.offset + EIF_SECTION_HEADER_BYTES, r.sizeBytes);
    cmdline = eif.cmdline;
    if (arch !== undefined && arch !== eif.arch) throw new UsageError(`--arch ${arch} differs from the source EIF's ${eif.arch}`);
    arch = eif.arch;
  } else {
    const blob = (name: string) => (flags.blobs === undefined ? undefined : `${flags.blobs}/${name}`);
    arch ??= 'x86_64';
    // nitro-cli's blobs: bzImage (x86_64) or Image (aarch64), cmdline, init, nsm.ko (src/lib.rs).
    const kernelPath = flags.kernel ?? blob(arch === 'aarch64' ? 'Image' : 'bzImage');
    if (kernelPath === undefined) throw new UsageError('give --blobs DIR, --kernel FILE or --bootstrap-from-eif FILE');
    kernel = await fileSource(kernelPath);
    if (flags.cmdline !== undefined && flags['cmdline-file'] !== undefined) throw new UsageError('--cmdline and --cmdline-file exclude each other');
    const cmdlinePath = flags['cmdline-file'] ?? blob('cmdline');
    if (flags.cmdline !== undefined) cmdline = flags.cmdline;
    else if (cmdlinePath !== undefined) cmdline = new TextDecoder().decode(await readSmall(cmdlinePath, MAX_EIF_CMDLINE_BYTES * 2)).trim(); // nitro-cli trims it
    else throw new UsageError('give --cmdline, --cmdline-file or --blobs');
    if (flags['bootstrap-ramdisk'] !== undefined) {
      if (flags.init !== undefined || flags['nsm-ko'] !== undefined) throw new UsageError('--bootstrap-ramdisk excludes --init and --nsm-ko');
      bootstrap = await fileSource(flags['bootstrap-ramdisk']);
    } else {
      const initPath = flags.init ?? blob('init');
      const nsmPath = flags['nsm-ko'] ?? blob('nsm.ko');
      if (initPath === undefined || nsmPath === undefined) throw new UsageError('give --bootstrap-ramdisk FILE, or --init and --nsm-ko, or --blobs');
      bootstrap = bootstrapRamdisk(await readSmall(initPath, 64 * 1024 * 1024), await readSmall(nsmPath, 64 * 1024 * 1024));
    }
  }
  const customer = await rootfsRamdisk(flags.rootfs, run);
  return { kernel, cmdline, bootstrap, customer, arch, run };
}
