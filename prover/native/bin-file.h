/*
 * The iden3 binary container (.zkey, .wtns; github.com/iden3/binfileutils): 4-byte magic, u32 version,
 * u32 section count, then sections of { u32 type, u64 size, size bytes }, all little-endian. Every
 * length is checked against the bytes that remain before it is used.
 */
#ifndef PROVENANT_BIN_FILE_H
#define PROVENANT_BIN_FILE_H

#include <stddef.h>
#include <stdint.h>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the prover reads little-endian files in place and needs a little-endian host"
#endif

typedef struct {
  const uint8_t *data;
  uint64_t size;
  int present;
} bin_section;

#define BIN_MAX_SECTION_TYPE 15

/* Fills sections[1..BIN_MAX_SECTION_TYPE]; returns 0, or -1 with a reason in msg (a duplicate section is an error). */
int bin_file_read(const uint8_t *buf, size_t len, const char magic[4], uint32_t max_version, bin_section sections[BIN_MAX_SECTION_TYPE + 1],
                  char *msg, size_t msg_len);

static inline uint32_t bin_u32(const uint8_t *p) {
  uint32_t v;
  __builtin_memcpy(&v, p, 4);
  return v;
}

static inline uint64_t bin_u64(const uint8_t *p) {
  uint64_t v;
  __builtin_memcpy(&v, p, 8);
  return v;
}

#endif
