export { runEifCommand, EIF_USAGE, type EifCommandIo } from './eif-command.js';
export { readEif, type EifDescription, type EifSection, type ReadEifOptions } from './eif-reader.js';
export { writeEif, type EifBuildInput, type EifSigningInput, type EifWriteResult } from './eif-writer.js';
export { measureEifInputs, type EifMeasureInput, type EifMeasureResult } from './measure.js';
export { EifPcrSet, type EifPcrs } from './pcr-set.js';
export { PcrHasher, pcrOf, PCR_BYTES } from './pcr-hasher.js';
export { Crc32, crc32 } from './crc32.js';
export { bytesSource, fileSource, type ByteSource } from './byte-source.js';
export { cpioArchive, cpioFile, type CpioEntry, type CpioEntryType } from './cpio-newc.js';
export { scanTar, type TarEntry, type TarEntryType } from './tar-reader.js';
export { rootfsRamdisk, bootstrapRamdisk, INIT_DIRECTORIES, ROOTFS_PREFIX, type ImageRunConfig } from './rootfs-ramdisk.js';
export { parseImageInspect } from './image-config.js';
export { decodeSignatureSection, encodeSignatureSection, checkPcr0Signature, type PcrSignatureEntry } from './eif-signature.js';
export {
  EIF_HEADER_BYTES,
  EIF_SECTION_HEADER_BYTES,
  EIF_MAX_SECTIONS,
  EIF_VERSION,
  SECTION_TYPES,
  decodeEifHeader,
  encodeEifHeader,
  type EifHeader,
  type SectionKind,
} from './eif-header.js';
export * from './limits.js';
