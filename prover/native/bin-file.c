#include <stdio.h>
#include <string.h>
#include "bin-file.h"

int bin_file_read(const uint8_t *buf, size_t len, const char magic[4], uint32_t max_version, bin_section sections[BIN_MAX_SECTION_TYPE + 1],
                  char *msg, size_t msg_len) {
  memset(sections, 0, (BIN_MAX_SECTION_TYPE + 1) * sizeof *sections);
  if (len < 12) {
    snprintf(msg, msg_len, "%zu bytes is shorter than the 12-byte header", len);
    return -1;
  }
  if (memcmp(buf, magic, 4) != 0) {
    snprintf(msg, msg_len, "magic is not \"%.4s\"", magic);
    return -1;
  }
  uint32_t version = bin_u32(buf + 4);
  if (version == 0 || version > max_version) {
    snprintf(msg, msg_len, "version %u is not supported (1-%u)", version, max_version);
    return -1;
  }
  uint32_t count = bin_u32(buf + 8);
  size_t at = 12;
  for (uint32_t i = 0; i < count; i++) {
    if (len - at < 12) {
      snprintf(msg, msg_len, "section %u of %u: header runs past the end", i + 1, count);
      return -1;
    }
    uint32_t type = bin_u32(buf + at);
    uint64_t size = bin_u64(buf + at + 4);
    at += 12;
    if (size > len - at) {
      snprintf(msg, msg_len, "section type %u declares %llu bytes, %zu remain", type, (unsigned long long)size, len - at);
      return -1;
    }
    if (type >= 1 && type <= BIN_MAX_SECTION_TYPE) {
      if (sections[type].present) {
        snprintf(msg, msg_len, "section type %u appears twice", type);
        return -1;
      }
      sections[type] = (bin_section){buf + at, size, 1};
    }
    at += (size_t)size;
  }
  return 0;
}
