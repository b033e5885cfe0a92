/**
 * Ceilings for everything the EIF tooling reads from files (STYLE rule 8). Declared sizes are checked
 * against these before anything is allocated; bytes actually read are counted against the declaration.
 */

/** Largest EIF accepted. Real images are 50 MiB to a few GiB; enclave memory bounds them. */
export const MAX_EIF_FILE_BYTES = 64 * 1024 ** 3;
/** Kernel command line; x86 COMMAND_LINE_SIZE is 2048, arm64 is 2048 too; leave room. */
export const MAX_EIF_CMDLINE_BYTES = 4096;
/** Metadata section: JSON identity info with `docker inspect` output, a few KiB in practice. */
export const MAX_EIF_METADATA_BYTES = 1024 * 1024;
/** Signature section: a CBOR list of one certificate and one COSE_Sign1, each byte CBOR-encoded as an integer. */
export const MAX_EIF_SIGNATURE_SECTION_BYTES = 64 * 1024;
/** PCR signatures in a signature section; nitro-cli writes exactly one (PCR0). */
export const MAX_EIF_PCR_SIGNATURES = 4;
/** Chunk size for streamed reads and hashing: bounded memory however large the EIF is. */
export const EIF_READ_CHUNK_BYTES = 1024 * 1024;
/** Entries in a rootfs tar; a Node image with node_modules has tens of thousands. */
export const MAX_ROOTFS_ENTRIES = 1_000_000;
/** Linux PATH_MAX. */
export const MAX_TAR_PATH_BYTES = 4096;
/** A pax extended header (path, linkpath, xattrs); real ones are a few hundred bytes. */
export const MAX_PAX_HEADER_BYTES = 1024 * 1024;
/** cpio newc stores c_filesize as 8 hex digits, so no file in a ramdisk can reach 4 GiB. */
export const MAX_CPIO_FILE_BYTES = 0xffff_ffff;
/** Image config fields copied into /cmd and /env. */
export const MAX_IMAGE_CONFIG_BYTES = 16 * 1024 * 1024;
export const MAX_CMD_ENV_ENTRIES = 1024;
