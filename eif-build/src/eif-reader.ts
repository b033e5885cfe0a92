import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { createError } from '@provenant/protocol';
import { Crc32 } from './crc32.js';
import {
  EIF_CRC_OFFSET,
  EIF_FLAG_ARM64,
  EIF_HEADER_BYTES,
  EIF_SECTION_HEADER_BYTES,
  decodeEifHeader,
  decodeSectionHeader,
  type EifHeader,
  type SectionKind,
} from './eif-header.js';
import { checkPcr0Signature, decodeSignatureSection, type PcrSignatureEntry } from './eif-signature.js';
import { ioError, openFile, readExactly } from './file-io.js';
import {
  EIF_READ_CHUNK_BYTES,
  MAX_EIF_CMDLINE_BYTES,
  MAX_EIF_FILE_BYTES,
  MAX_EIF_METADATA_BYTES,
  MAX_EIF_SIGNATURE_SECTION_BYTES,
} from './limits.js';
import { EifPcrSet, type EifPcrs } from './pcr-set.js';

export interface EifSection {
  readonly index: number;
  readonly kind: SectionKind;
  /** Offset of the 12-byte section header; the payload follows it. */
  readonly offset: number;
  readonly sizeBytes: number;
}

export interface EifDescription {
  readonly path: string;
  readonly sizeBytes: number;
  readonly header: EifHeader;
  readonly arch: 'x86_64' | 'aarch64';
  readonly crc32: number;
  readonly sections: readonly EifSection[];
  readonly pcrs: EifPcrs;
  readonly cmdline: string;
  /** Parsed JSON of the metadata section (not measured), or undefined when there is none. */
  readonly metadata: unknown;
  readonly signature?: { readonly entries: readonly PcrSignatureEntry[]; readonly pcr0SignatureValid: boolean };
  /** SHA-384 of the whole file, for measurements.json (not a PCR). */
  readonly fileSha384: string;
}

const PER_KIND_LIMIT: Partial<Record<SectionKind, number>> = {
  cmdline: MAX_EIF_CMDLINE_BYTES,
  metadata: MAX_EIF_METADATA_BYTES,
  signature: MAX_EIF_SIGNATURE_SECTION_BYTES,
};

/**
 * The section table must describe one contiguous run from byte 548 to the end of the file, which is what
 * nitro-cli writes and what its own reader assumes (it walks section headers sequentially and ignores
 * the table). Anything else could make two readers disagree about which bytes are measured.
 */
function checkSectionTable(header: EifHeader, fileSize: number): void {
  let expected = EIF_HEADER_BYTES;
  for (let i = 0; i < header.sectionCount; i++) {
    const offset = header.sectionOffsets[i] as number;
    const size = header.sectionSizes[i] as number;
    if (size > fileSize - EIF_HEADER_BYTES) {
      throw createError('PRV_ERR_EIF_SECTION_OUT_OF_RANGE', `section ${i} size ${size} cannot fit in a ${fileSize}-byte file`);
    }
    if (offset < expected) throw createError('PRV_ERR_EIF_SECTION_OVERLAP', `section ${i} starts at ${offset}, before byte ${expected}`);
    if (offset > expected) throw createError('PRV_ERR_EIF_SECTION_INVALID', `gap before section ${i}: it starts at ${offset}, expected ${expected}`);
    const end = offset + EIF_SECTION_HEADER_BYTES + size;
    if (end > fileSize) throw createError('PRV_ERR_EIF_TRUNCATED', `section ${i} ends at ${end}, file has ${fileSize} bytes`);
    expected = end;
  }
  if (expected !== fileSize) throw createError('PRV_ERR_EIF_SECTION_INVALID', `${fileSize - expected} trailing bytes after the last section`);
}

function checkSectionOrder(sections: readonly EifSection[]): void {
  // PCR0/PCR1 are defined over kernel || cmdline || ramdisks, and nitro-cli hashes in file order.
  if (sections[0]?.kind !== 'kernel') throw createError('PRV_ERR_EIF_SECTION_INVALID', 'section 0 is not the kernel');
  if (sections[1]?.kind !== 'cmdline') throw createError('PRV_ERR_EIF_SECTION_INVALID', 'section 1 is not the cmdline');
  const count = (kind: SectionKind) => sections.filter((s) => s.kind === kind).length;
  if (count('kernel') !== 1 || count('cmdline') !== 1) throw createError('PRV_ERR_EIF_SECTION_INVALID', 'more than one kernel or cmdline section');
  if (count('ramdisk') === 0) throw createError('PRV_ERR_EIF_SECTION_INVALID', 'no ramdisk section');
  if (count('metadata') > 1 || count('signature') > 1) throw createError('PRV_ERR_EIF_SECTION_INVALID', 'repeated metadata or signature section');
}

export interface ReadEifOptions {
  /** Default true: a CRC mismatch throws PRV_ERR_EIF_BAD_CRC after the PCRs are computed. */
  readonly verifyCrc?: boolean;
}

/** Parses and measures an EIF in one streamed pass; memory stays at one chunk plus the small sections. */
export async function readEif(path: string, options: ReadEifOptions = {}): Promise<EifDescription> {
  let fileSize: number;
  try {
    fileSize = (await stat(path)).size;
  } catch (cause) {
    throw ioError(path, 'cannot stat', cause);
  }
  if (fileSize < EIF_HEADER_BYTES) {
    throw createError('PRV_ERR_EIF_TRUNCATED', `${fileSize} bytes is shorter than the ${EIF_HEADER_BYTES}-byte header`);
  }
  if (fileSize > MAX_EIF_FILE_BYTES) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `${fileSize} bytes exceeds MAX_EIF_FILE_BYTES`);
  const handle = await openFile(path, 'r');
  try {
    const headerBytes = await readExactly(handle, path, 0, EIF_HEADER_BYTES);
    const header = decodeEifHeader(headerBytes);
    checkSectionTable(header, fileSize);
    const sections: EifSection[] = [];
    for (let i = 0; i < header.sectionCount; i++) {
      const offset = header.sectionOffsets[i] as number;
      const sectionHeader = decodeSectionHeader(await readExactly(handle, path, offset, EIF_SECTION_HEADER_BYTES), i);
      if (sectionHeader.sizeBytes !== header.sectionSizes[i]) {
        throw createError('PRV_ERR_EIF_SECTION_INVALID', `section ${i} header says ${sectionHeader.sizeBytes} bytes, table says ${header.sectionSizes[i]}`);
      }
      const limit = PER_KIND_LIMIT[sectionHeader.kind];
      if (limit !== undefined && sectionHeader.sizeBytes > limit) {
        throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `${sectionHeader.kind} section is ${sectionHeader.sizeBytes} bytes, limit ${limit}`);
      }
      sections.push({ index: i, kind: sectionHeader.kind, offset, sizeBytes: sectionHeader.sizeBytes });
    }
    checkSectionOrder(sections);
    return await measurePass(handle, path, fileSize, header, sections, options.verifyCrc ?? true);
  } finally {
    await handle.close();
  }
}

async function measurePass(
  handle: import('node:fs/promises').FileHandle,
  path: string,
  fileSize: number,
  header: EifHeader,
  sections: readonly EifSection[],
  verifyCrc: boolean,
): Promise<EifDescription> {
  const crc = new Crc32();
  const fileHash = createHash('sha384');
  const pcrs = new EifPcrSet();
  const kept = new Map<SectionKind, Uint8Array>();
  const ramdiskIndex = new Map<number, number>();
  for (const section of sections) {
    if (section.kind === 'ramdisk') ramdiskIndex.set(section.index, ramdiskIndex.size);
    if (section.kind === 'cmdline' || section.kind === 'metadata' || section.kind === 'signature') {
      kept.set(section.kind, new Uint8Array(section.sizeBytes));
    }
  }
  const buffer = new Uint8Array(EIF_READ_CHUNK_BYTES);
  for (let position = 0; position < fileSize; ) {
    const length = Math.min(buffer.length, fileSize - position);
    const chunk = buffer.subarray(0, length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await handle.read(chunk, filled, length - filled, position + filled).catch((cause: unknown) => {
        throw ioError(path, 'cannot read', cause);
      });
      if (bytesRead === 0) throw createError('PRV_ERR_EIF_TRUNCATED', `${path} shrank while being read`);
      filled += bytesRead;
    }
    fileHash.update(chunk);
    // The CRC skips only its own 4 bytes at 544..547 (EifBuilder::compute_crc).
    if (position < EIF_CRC_OFFSET + 4 && position + length > EIF_CRC_OFFSET) {
      crc.update(chunk.subarray(0, Math.max(0, EIF_CRC_OFFSET - position)));
      crc.update(chunk.subarray(Math.max(0, EIF_CRC_OFFSET + 4 - position)));
    } else {
      crc.update(chunk);
    }
    for (const section of sections) {
      const start = section.offset + EIF_SECTION_HEADER_BYTES;
      const end = start + section.sizeBytes;
      const from = Math.max(start, position);
      const to = Math.min(end, position + length);
      if (from >= to) continue;
      const part = chunk.subarray(from - position, to - position);
      if (section.kind === 'kernel' || section.kind === 'cmdline') pcrs.kernelOrCmdline(part);
      else if (section.kind === 'ramdisk') pcrs.ramdisk(ramdiskIndex.get(section.index) as number, part);
      kept.get(section.kind)?.set(part, from - start);
    }
    position += length;
  }
  if (verifyCrc && crc.value !== header.crc32) {
    throw createError('PRV_ERR_EIF_BAD_CRC', `header has 0x${hex32(header.crc32)}, contents give 0x${hex32(crc.value)}`);
  }
  const signatureBytes = kept.get('signature');
  const entries = signatureBytes === undefined ? undefined : decodeSignatureSection(signatureBytes);
  if (entries !== undefined) pcrs.certificate((entries[0] as PcrSignatureEntry).certificateDer);
  const measured = pcrs.result();
  const description: EifDescription = {
    path,
    sizeBytes: fileSize,
    header,
    arch: (header.flags & EIF_FLAG_ARM64) !== 0 ? 'aarch64' : 'x86_64',
    crc32: crc.value,
    sections,
    pcrs: measured,
    cmdline: decodeText(kept.get('cmdline') as Uint8Array, 'cmdline', 'PRV_ERR_EIF_SECTION_INVALID'),
    metadata: parseMetadata(kept.get('metadata')),
    fileSha384: fileHash.digest('hex'),
  };
  if (entries === undefined) return description;
  const pcr0 = Buffer.from(measured.PCR0, 'hex');
  return { ...description, signature: { entries, pcr0SignatureValid: checkPcr0Signature(entries[0] as PcrSignatureEntry, pcr0) } };
}

const hex32 = (value: number): string => value.toString(16).padStart(8, '0');

function decodeText(bytes: Uint8Array, what: string, code: 'PRV_ERR_EIF_SECTION_INVALID' | 'PRV_ERR_EIF_BAD_METADATA'): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw createError(code, `${what} is not UTF-8`);
  }
}

function parseMetadata(bytes: Uint8Array | undefined): unknown {
  if (bytes === undefined) return undefined;
  const text = decodeText(bytes, 'metadata', 'PRV_ERR_EIF_BAD_METADATA');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw createError('PRV_ERR_EIF_BAD_METADATA', 'metadata is not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw createError('PRV_ERR_EIF_BAD_METADATA', 'metadata is not a JSON object');
  return value;
}
