import type { KeyObject } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import { createError } from '@provenant/protocol';
import { checkedChunks, type ByteSource } from './byte-source.js';
import { Crc32 } from './crc32.js';
import {
  EIF_FLAG_ARM64,
  EIF_HEADER_BYTES,
  EIF_MAX_SECTIONS,
  EIF_SECTION_HEADER_BYTES,
  EIF_VERSION,
  encodeEifHeader,
  encodeSectionHeader,
  type SectionKind,
} from './eif-header.js';
import { certificatePemToDer, encodeSignatureSection } from './eif-signature.js';
import { ioError, openFile } from './file-io.js';
import { EIF_READ_CHUNK_BYTES, MAX_EIF_CMDLINE_BYTES, MAX_EIF_METADATA_BYTES } from './limits.js';
import { EifPcrSet, type EifPcrs } from './pcr-set.js';

export interface EifSigningInput {
  readonly certificatePem: string;
  readonly privateKey: KeyObject | string;
}

export interface EifBuildInput {
  readonly kernel: ByteSource;
  /** Stored without a trailing NUL, as nitro-cli does (CString::into_bytes). */
  readonly cmdline: string;
  /** The first is AWS's bootstrap ramdisk (PCR1); the rest are the application (PCR2). */
  readonly ramdisks: readonly ByteSource[];
  readonly arch: 'x86_64' | 'aarch64';
  /** nitro-cli writes 1 GiB and 2 CPUs; run-enclave's flags override them. */
  readonly defaultMemBytes?: number;
  readonly defaultCpus?: number;
  /** JSON-serialisable identity metadata (not measured). */
  readonly metadata: unknown;
  readonly signing?: EifSigningInput;
}

export interface EifWriteResult {
  readonly pcrs: EifPcrs;
  readonly sizeBytes: number;
  readonly crc32: number;
}

export function encodeCmdline(cmdline: string): Uint8Array {
  const bytes = new TextEncoder().encode(cmdline);
  if (bytes.includes(0)) throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', 'cmdline contains a NUL byte');
  if (bytes.length > MAX_EIF_CMDLINE_BYTES) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `cmdline exceeds ${MAX_EIF_CMDLINE_BYTES} bytes`);
  return bytes;
}

async function writeAll(handle: FileHandle, path: string, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.length - written, position + written).catch((cause: unknown) => {
      throw ioError(path, 'cannot write', cause);
    });
    written += bytesWritten;
  }
}

/**
 * Writes an EIF laid out as nitro-cli lays it out (EifBuilder::write_to): header, kernel, cmdline,
 * metadata, ramdisks, signature. The PCRs are computed while writing; the signature (over PCR0) is
 * appended afterwards, and the header goes in last because its CRC covers everything else.
 */
export async function writeEif(path: string, input: EifBuildInput): Promise<EifWriteResult> {
  if (input.ramdisks.length === 0) throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', 'at least one ramdisk is required');
  const sectionCount = 3 + input.ramdisks.length + (input.signing === undefined ? 0 : 1);
  if (sectionCount > EIF_MAX_SECTIONS) throw createError('PRV_ERR_EIF_BAD_BUILD_INPUT', `${sectionCount} sections exceed ${EIF_MAX_SECTIONS}`);
  const cmdline = encodeCmdline(input.cmdline);
  const metadata = new TextEncoder().encode(JSON.stringify(input.metadata ?? null));
  if (metadata.length > MAX_EIF_METADATA_BYTES) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', 'metadata too large');
  const pcrs = new EifPcrSet();
  const offsets: number[] = [];
  const sizes: number[] = [];
  const handle = await openFile(path, 'w+');
  try {
    let position = EIF_HEADER_BYTES;
    const section = async (kind: SectionKind, chunks: AsyncIterable<Uint8Array>, sizeBytes: number, measure?: (chunk: Uint8Array) => void) => {
      offsets.push(position);
      sizes.push(sizeBytes);
      await writeAll(handle, path, encodeSectionHeader(kind, sizeBytes), position);
      position += EIF_SECTION_HEADER_BYTES;
      for await (const chunk of chunks) {
        measure?.(chunk);
        await writeAll(handle, path, chunk, position);
        position += chunk.length;
      }
    };
    const once = async function* (bytes: Uint8Array) {
      yield bytes;
    };
    await section('kernel', checkedChunks(input.kernel, 'kernel'), input.kernel.sizeBytes, (c) => pcrs.kernelOrCmdline(c));
    await section('cmdline', once(cmdline), cmdline.length, (c) => pcrs.kernelOrCmdline(c));
    await section('metadata', once(metadata), metadata.length);
    for (const [index, ramdisk] of input.ramdisks.entries()) {
      await section('ramdisk', checkedChunks(ramdisk, `ramdisk ${index}`), ramdisk.sizeBytes, (c) => pcrs.ramdisk(index, c));
    }
    if (input.signing !== undefined) {
      // The signature covers PCR0, which no later section changes; PCR8 is the certificate itself.
      const { PCR0 } = pcrs.result();
      pcrs.certificate(certificatePemToDer(input.signing.certificatePem));
      const signature = encodeSignatureSection(input.signing.certificatePem, input.signing.privateKey, Buffer.from(PCR0, 'hex'));
      await section('signature', once(signature), signature.length);
    }
    const measured = pcrs.result();
    const header = encodeEifHeader({
      version: EIF_VERSION,
      flags: input.arch === 'aarch64' ? EIF_FLAG_ARM64 : 0,
      defaultMemBytes: input.defaultMemBytes ?? 1024 * 1024 * 1024,
      defaultCpus: input.defaultCpus ?? 2,
      sectionCount,
      sectionOffsets: offsets,
      sectionSizes: sizes,
      crc32: 0,
    });
    const crc = await checksumBody(handle, path, header, position);
    new DataView(header.buffer).setUint32(EIF_HEADER_BYTES - 4, crc);
    await writeAll(handle, path, header, 0);
    return { pcrs: measured, sizeBytes: position, crc32: crc };
  } finally {
    await handle.close();
  }
}

/** Reads the body back: the CRC runs over the header first, so it can only be computed once the header is known. */
async function checksumBody(handle: FileHandle, path: string, header: Uint8Array, fileSize: number): Promise<number> {
  const crc = new Crc32().update(header.subarray(0, EIF_HEADER_BYTES - 4));
  const buffer = new Uint8Array(EIF_READ_CHUNK_BYTES);
  for (let position = EIF_HEADER_BYTES; position < fileSize; ) {
    const length = Math.min(buffer.length, fileSize - position);
    const { bytesRead } = await handle.read(buffer, 0, length, position).catch((cause: unknown) => {
      throw ioError(path, 'cannot read back', cause);
    });
    if (bytesRead === 0) throw createError('PRV_ERR_EIF_IO', `${path} is shorter than what was written`);
    crc.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return crc.value;
}
