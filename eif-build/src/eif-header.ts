import { createError } from '@provenant/protocol';
import { MAX_EIF_FILE_BYTES } from './limits.js';

/*
 * Layout from aws-nitro-enclaves-image-format `src/defs/mod.rs` (EifHeader::to_be_bytes,
 * EifSectionHeader::to_be_bytes). Everything is big-endian.
 *   0 magic ".eif" | 4 version u16 | 6 flags u16 | 8 default_mem u64 | 16 default_cpus u64
 *  24 reserved u16 | 26 num_sections u16 | 28 offsets [u64; 32] | 284 sizes [u64; 32]
 * 540 unused u32 | 544 eif_crc32 u32 | 548 end
 */
export const EIF_MAGIC = Uint8Array.of(0x2e, 0x65, 0x69, 0x66);
export const EIF_VERSION = 4;
export const EIF_HEADER_BYTES = 548;
export const EIF_CRC_OFFSET = 544;
export const EIF_MAX_SECTIONS = 32;
export const EIF_SECTION_HEADER_BYTES = 12;
/** Header flag bit 0: the image targets aarch64 (cleared for x86_64). No other bit is defined. */
export const EIF_FLAG_ARM64 = 0x1;

const OFFSETS_AT = 28;
const SIZES_AT = OFFSETS_AT + 8 * EIF_MAX_SECTIONS;
const UNUSED_AT = SIZES_AT + 8 * EIF_MAX_SECTIONS;

export const SECTION_TYPES = { kernel: 1, cmdline: 2, ramdisk: 3, signature: 4, metadata: 5 } as const;
export type SectionKind = keyof typeof SECTION_TYPES;
const KIND_BY_TYPE = new Map<number, SectionKind>(
  Object.entries(SECTION_TYPES).map(([kind, type]) => [type, kind as SectionKind]),
);

export interface EifHeader {
  readonly version: number;
  readonly flags: number;
  readonly defaultMemBytes: number;
  readonly defaultCpus: number;
  readonly sectionCount: number;
  /** Only the first `sectionCount` slots; the rest must be zero on disk. */
  readonly sectionOffsets: readonly number[];
  readonly sectionSizes: readonly number[];
  readonly crc32: number;
}

export interface SectionHeader {
  readonly kind: SectionKind;
  readonly flags: number;
  readonly sizeBytes: number;
}

/** A u64 read as a Number only after checking it is below `max` (which is far below 2^53). */
function readBoundedU64(view: DataView, at: number, max: number, field: string): number {
  const value = view.getBigUint64(at);
  if (value > BigInt(max)) throw createError('PRV_ERR_EIF_LIMIT_EXCEEDED', `${field} = ${value} exceeds ${max}`);
  return Number(value);
}

export function decodeEifHeader(bytes: Uint8Array): EifHeader {
  if (bytes.length !== EIF_HEADER_BYTES) throw createError('PRV_ERR_EIF_TRUNCATED', `header is ${bytes.length} bytes, expected ${EIF_HEADER_BYTES}`);
  for (let i = 0; i < EIF_MAGIC.length; i++) {
    if (bytes[i] !== EIF_MAGIC[i]) throw createError('PRV_ERR_EIF_BAD_MAGIC');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(4);
  // V1->V2 added the CRC, V3 the signature section, V4 the metadata section (defs/mod.rs CURRENT_VERSION).
  if (version !== EIF_VERSION) throw createError('PRV_ERR_EIF_UNSUPPORTED', `version ${version}; only ${EIF_VERSION} is read`);
  const flags = view.getUint16(6);
  if ((flags & ~EIF_FLAG_ARM64) !== 0) throw createError('PRV_ERR_EIF_UNSUPPORTED', `header flags 0x${flags.toString(16)}`);
  const defaultMemBytes = readBoundedU64(view, 8, Number.MAX_SAFE_INTEGER, 'default_mem');
  const defaultCpus = readBoundedU64(view, 16, Number.MAX_SAFE_INTEGER, 'default_cpus');
  if (view.getUint16(24) !== 0) throw createError('PRV_ERR_EIF_UNSUPPORTED', 'reserved header field is not zero');
  const sectionCount = view.getUint16(26);
  if (sectionCount === 0 || sectionCount > EIF_MAX_SECTIONS) {
    throw createError('PRV_ERR_EIF_SECTION_INVALID', `section count ${sectionCount} is not in 1..${EIF_MAX_SECTIONS}`);
  }
  const sectionOffsets: number[] = [];
  const sectionSizes: number[] = [];
  for (let i = 0; i < EIF_MAX_SECTIONS; i++) {
    if (i < sectionCount) {
      sectionOffsets.push(readBoundedU64(view, OFFSETS_AT + 8 * i, MAX_EIF_FILE_BYTES, `section ${i} offset`));
      sectionSizes.push(readBoundedU64(view, SIZES_AT + 8 * i, MAX_EIF_FILE_BYTES, `section ${i} size`));
    } else if (view.getBigUint64(OFFSETS_AT + 8 * i) !== 0n || view.getBigUint64(SIZES_AT + 8 * i) !== 0n) {
      throw createError('PRV_ERR_EIF_SECTION_INVALID', `unused section slot ${i} is not zero`);
    }
  }
  if (view.getUint32(UNUSED_AT) !== 0) throw createError('PRV_ERR_EIF_UNSUPPORTED', 'unused header field is not zero');
  return {
    version,
    flags,
    defaultMemBytes,
    defaultCpus,
    sectionCount,
    sectionOffsets,
    sectionSizes,
    crc32: view.getUint32(EIF_CRC_OFFSET),
  };
}

export function encodeEifHeader(header: EifHeader): Uint8Array {
  const bytes = new Uint8Array(EIF_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  bytes.set(EIF_MAGIC, 0);
  view.setUint16(4, header.version);
  view.setUint16(6, header.flags);
  view.setBigUint64(8, BigInt(header.defaultMemBytes));
  view.setBigUint64(16, BigInt(header.defaultCpus));
  view.setUint16(26, header.sectionCount);
  for (let i = 0; i < header.sectionCount; i++) {
    view.setBigUint64(OFFSETS_AT + 8 * i, BigInt(header.sectionOffsets[i] ?? 0));
    view.setBigUint64(SIZES_AT + 8 * i, BigInt(header.sectionSizes[i] ?? 0));
  }
  view.setUint32(EIF_CRC_OFFSET, header.crc32 >>> 0);
  return bytes;
}

export function decodeSectionHeader(bytes: Uint8Array, index: number): SectionHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(0);
  const kind = KIND_BY_TYPE.get(type);
  // Type 0 is EifSectionInvalid in defs/mod.rs; anything above 5 is unknown.
  if (kind === undefined) throw createError('PRV_ERR_EIF_SECTION_INVALID', `section ${index} has type ${type}`);
  const flags = view.getUint16(2);
  if (flags !== 0) throw createError('PRV_ERR_EIF_UNSUPPORTED', `section ${index} has flags 0x${flags.toString(16)}`);
  return { kind, flags, sizeBytes: readBoundedU64(view, 4, MAX_EIF_FILE_BYTES, `section ${index} header size`) };
}

export function encodeSectionHeader(kind: SectionKind, sizeBytes: number): Uint8Array {
  const bytes = new Uint8Array(EIF_SECTION_HEADER_BYTES);
  const view = new DataView(bytes.buffer);
  view.setUint16(0, SECTION_TYPES[kind]);
  view.setBigUint64(4, BigInt(sizeBytes));
  return bytes;
}
