/*
 * Test-only LD_PRELOAD shim: answers NSM_IOCTL_RAW the way drivers/misc/nsm.c does (reads the
 * request through request.addr/len, writes the reply through response.addr and its length back into
 * response.len), so the addon's marshalling can be exercised without a Nitro Enclave. Never built
 * into the product: test/unit/nsm-device-ioctl-abi.test.ts compiles it into a temporary directory.
 *
 * The first request byte picks the behaviour; every other ioctl goes to the real libc one.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>

struct nsm_iovec { uint64_t addr; uint64_t len; };
struct nsm_raw { struct nsm_iovec request; struct nsm_iovec response; };

#define NSM_IOCTL_RAW 0xC0200A00UL

int ioctl(int fd, unsigned long cmd, ...) {
  va_list args;
  va_start(args, cmd);
  void *argument = va_arg(args, void *);
  va_end(args);
  if (cmd != NSM_IOCTL_RAW) {
    int (*next)(int, unsigned long, ...) = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    return next(fd, cmd, argument);
  }
  struct nsm_raw *raw = argument;
  const uint8_t *request = (const uint8_t *)(uintptr_t)raw->request.addr;
  uint8_t *response = (uint8_t *)(uintptr_t)raw->response.addr;
  uint64_t capacity = raw->response.len;
  if (raw->request.len == 0) { errno = EINVAL; return -1; }
  switch (request[0]) {
    case 'E': { /* echo: u64 LE capacity we were given, then the request reversed */
      uint64_t length = 8 + raw->request.len;
      if (length > capacity) { errno = EMSGSIZE; return -1; }
      memcpy(response, &capacity, 8);
      for (uint64_t i = 0; i < raw->request.len; i += 1) response[8 + i] = request[raw->request.len - 1 - i];
      raw->response.len = length;
      return 0;
    }
    case 'F': /* fill the whole buffer */
      for (uint64_t i = 0; i < capacity; i += 1) response[i] = (uint8_t)(i * 7);
      raw->response.len = capacity;
      return 0;
    case 'Z': raw->response.len = 0; return 0;
    case 'O': raw->response.len = capacity + 1; return 0; /* a driver lying about the length */
    case 'T': errno = ETIMEDOUT; return -1;
    case 'M': errno = EMSGSIZE; return -1;
    default: errno = EIO; return -1;
  }
}
