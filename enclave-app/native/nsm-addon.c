/*
 * Node-API addon for the Nitro Secure Module: open /dev/nsm, issue NSM_IOCTL_RAW, close.
 *
 * ABI: Linux include/uapi/linux/nsm.h (the header only ships with kernel 6.8+ headers, so the
 * layout is restated here and pinned by static assertions). The driver, drivers/misc/nsm.c:
 *   - rejects any other cmd, or a cmd whose _IOC_SIZE is not sizeof(struct nsm_raw), with EINVAL;
 *   - rejects request.len > NSM_REQUEST_MAX_SIZE with EMSGSIZE;
 *   - waits for the device with wait_event_timeout (not interruptible) and fails with ETIMEDOUT;
 *   - truncates the reply to response.len and writes the reply length back into response.len.
 *
 * Only errno names cross into JS (error.code = "ENOENT", ...); mapping them to Provenant error
 * codes happens in TypeScript (src/nsm/nsm-errno.ts) so the table lives in one place.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/ioctl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <node_api.h>

#define NSM_MAGIC 0x0A
#define NSM_REQUEST_MAX_SIZE 0x1000  /* 4096 bytes, uapi nsm.h */
#define NSM_RESPONSE_MAX_SIZE 0x3000 /* 12288 bytes, uapi nsm.h; aws-nitro-enclaves-nsm-api uses the same */

struct nsm_iovec {
  uint64_t addr; /* user virtual address of the buffer */
  uint64_t len;  /* buffer length; for the response, the driver writes the reply length back */
};

struct nsm_raw {
  struct nsm_iovec request;
  struct nsm_iovec response;
};

#define NSM_IOCTL_RAW _IOWR(NSM_MAGIC, 0x0, struct nsm_raw)

/* A mismatch here would make the driver answer EINVAL (wrong _IOC_SIZE) or read the wrong fields. */
_Static_assert(sizeof(struct nsm_iovec) == 16, "nsm_iovec is two u64");
_Static_assert(sizeof(struct nsm_raw) == 32, "nsm_raw is 32 bytes (uapi nsm.h)");
_Static_assert(offsetof(struct nsm_raw, request) == 0, "request iovec first");
_Static_assert(offsetof(struct nsm_raw, response) == 16, "response iovec second");
_Static_assert(offsetof(struct nsm_iovec, len) == 8, "len follows addr");
_Static_assert(NSM_IOCTL_RAW == 0xC0200A00u, "NSM_IOCTL_RAW is 0xC0200A00 on x86_64 and arm64");

/* Longest path accepted by open(): PATH_MAX includes the terminating NUL. */
#define MAX_PATH_BYTES PATH_MAX

/* Each request owns its bytes: the JS buffer may be mutated or collected while the ioctl runs. */
typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int fd;
  int error_number;     /* 0 on success, else errno from ioctl (or EOVERFLOW, see execute) */
  uint64_t reply_bytes; /* response.len as written back by the driver */
  size_t request_bytes;
  uint8_t request[NSM_REQUEST_MAX_SIZE];
  uint8_t response[NSM_RESPONSE_MAX_SIZE];
} nsm_call;

static const char *errno_name(int error_number) {
  switch (error_number) {
    case EACCES: return "EACCES";
    case EAGAIN: return "EAGAIN";
    case EBADF: return "EBADF";
    case EBUSY: return "EBUSY";
    case EFAULT: return "EFAULT";
    case EINTR: return "EINTR";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case EISDIR: return "EISDIR";
    case ELOOP: return "ELOOP";
    case EMFILE: return "EMFILE";
    case EMSGSIZE: return "EMSGSIZE";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ENFILE: return "ENFILE";
    case ENODATA: return "ENODATA";
    case ENODEV: return "ENODEV";
    case ENOENT: return "ENOENT";
    case ENOMEM: return "ENOMEM";
    case ENOTDIR: return "ENOTDIR";
    case ENOTTY: return "ENOTTY";
    case ENXIO: return "ENXIO";
    case EOVERFLOW: return "EOVERFLOW";
    case EPERM: return "EPERM";
    case EROFS: return "EROFS";
    case ETIMEDOUT: return "ETIMEDOUT";
    case ETXTBSY: return "ETXTBSY";
    default: return "EUNKNOWN";
  }
}

/* An Error shaped like Node's own system errors: code (errno name), errno (number), syscall. */
static napi_value errno_error(napi_env env, int error_number, const char *syscall, const char *extra) {
  char text[160];
  if (extra != NULL) {
    snprintf(text, sizeof text, "%s: %s (%s)", syscall, strerror(error_number), extra);
  } else {
    snprintf(text, sizeof text, "%s: %s", syscall, strerror(error_number));
  }
  napi_value message, code, number, call, error;
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &message);
  napi_create_string_utf8(env, errno_name(error_number), NAPI_AUTO_LENGTH, &code);
  napi_create_int32(env, error_number, &number);
  napi_create_string_utf8(env, syscall, NAPI_AUTO_LENGTH, &call);
  napi_create_error(env, code, message, &error);
  napi_set_named_property(env, error, "errno", number);
  napi_set_named_property(env, error, "syscall", call);
  return error;
}

static napi_value throw_errno(napi_env env, int error_number, const char *syscall) {
  napi_throw(env, errno_error(env, error_number, syscall, NULL));
  return NULL;
}

static int read_fd(napi_env env, napi_value value, int *fd) {
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_number ||
      napi_get_value_int32(env, value, fd) != napi_ok || *fd < 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "fd must be a non-negative integer");
    return 0;
  }
  return 1;
}

/* open(path: string): number. Synchronous: opening a misc device does not wait on the NSM. */
static napi_value nsm_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  napi_valuetype type = napi_undefined;
  if (argc >= 1) napi_typeof(env, argv[0], &type);
  if (type != napi_string) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "path must be a string");
    return NULL;
  }
  char path[MAX_PATH_BYTES];
  size_t length = 0;
  napi_get_value_string_utf8(env, argv[0], path, sizeof path, &length);
  if (length == 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "path must not be empty");
    return NULL;
  }
  if (length >= sizeof path - 1) return throw_errno(env, ENAMETOOLONG, "open");
  if (strlen(path) != length) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "path must not contain NUL bytes");
    return NULL;
  }
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) return throw_errno(env, errno, "open");
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

/* close(fd: number): void. No retry on EINTR: Linux releases the descriptor either way. */
static napi_value nsm_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int fd = -1;
  if (argc < 1 || !read_fd(env, argv[0], &fd)) return NULL;
  if (close(fd) != 0 && errno != EINTR) return throw_errno(env, errno, "close");
  return NULL;
}

/* Runs on a libuv threadpool thread: no Node-API calls allowed here. */
static void execute_call(napi_env env, void *data) {
  (void)env;
  nsm_call *call = data;
  struct nsm_raw raw = {
    .request = {.addr = (uint64_t)(uintptr_t)call->request, .len = call->request_bytes},
    .response = {.addr = (uint64_t)(uintptr_t)call->response, .len = sizeof call->response},
  };
  /* No EINTR retry: the driver's wait is not interruptible, and resending could repeat a
   * non-idempotent request such as ExtendPCR. */
  if (ioctl(call->fd, NSM_IOCTL_RAW, &raw) != 0) {
    call->error_number = errno;
    return;
  }
  call->reply_bytes = raw.response.len;
  /* The driver truncates to our buffer; a larger value means a broken driver, never trust it. */
  if (raw.response.len > sizeof call->response) call->error_number = EOVERFLOW;
}

static void complete_call(napi_env env, napi_status status, void *data) {
  nsm_call *call = data;
  napi_value outcome;
  if (status != napi_ok) {
    napi_reject_deferred(env, call->deferred, errno_error(env, EIO, "ioctl", "async work failed"));
  } else if (call->error_number == EOVERFLOW) {
    char extra[96];
    snprintf(extra, sizeof extra, "response.len %llu exceeds the %d-byte buffer",
             (unsigned long long)call->reply_bytes, NSM_RESPONSE_MAX_SIZE);
    napi_reject_deferred(env, call->deferred, errno_error(env, EOVERFLOW, "ioctl", extra));
  } else if (call->error_number != 0) {
    napi_reject_deferred(env, call->deferred, errno_error(env, call->error_number, "ioctl", NULL));
  } else if (napi_create_buffer_copy(env, (size_t)call->reply_bytes, call->response, NULL, &outcome) != napi_ok) {
    napi_reject_deferred(env, call->deferred, errno_error(env, ENOMEM, "ioctl", "copying the response"));
  } else {
    napi_resolve_deferred(env, call->deferred, outcome);
  }
  napi_delete_async_work(env, call->work);
  free(call);
}

/* request(fd: number, bytes: Uint8Array): Promise<Buffer>. Argument errors throw; device errors reject. */
static napi_value nsm_request(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int fd = -1;
  if (argc < 2 || !read_fd(env, argv[0], &fd)) return NULL;

  bool is_typed_array = false;
  napi_typedarray_type kind = napi_int8_array;
  size_t length = 0;
  void *bytes = NULL;
  napi_is_typedarray(env, argv[1], &is_typed_array);
  if (is_typed_array) napi_get_typedarray_info(env, argv[1], &kind, &length, &bytes, NULL, NULL);
  if (!is_typed_array || kind != napi_uint8_array) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "request must be a Uint8Array");
    return NULL;
  }

  napi_value promise;
  napi_deferred deferred;
  if (napi_create_promise(env, &deferred, &promise) != napi_ok) return NULL;
  /* Checked here as well as in JS so the native layer alone can never overrun its copy. */
  if (length > NSM_REQUEST_MAX_SIZE) {
    napi_reject_deferred(env, deferred, errno_error(env, EMSGSIZE, "ioctl", "request over 4096 bytes"));
    return promise;
  }
  nsm_call *call = calloc(1, sizeof *call);
  if (call == NULL) {
    napi_reject_deferred(env, deferred, errno_error(env, ENOMEM, "ioctl", "allocating the call"));
    return promise;
  }
  call->deferred = deferred;
  call->fd = fd;
  call->request_bytes = length;
  if (length > 0) memcpy(call->request, bytes, length);

  napi_value name;
  napi_create_string_utf8(env, "provenant:nsm-ioctl", NAPI_AUTO_LENGTH, &name);
  if (napi_create_async_work(env, NULL, name, execute_call, complete_call, call, &call->work) != napi_ok ||
      napi_queue_async_work(env, call->work) != napi_ok) {
    if (call->work != NULL) napi_delete_async_work(env, call->work);
    napi_reject_deferred(env, deferred, errno_error(env, EIO, "ioctl", "could not queue async work"));
    free(call);
  }
  return promise;
}

static void set_uint32(napi_env env, napi_value target, const char *name, uint32_t value) {
  napi_value number;
  napi_create_uint32(env, value, &number);
  napi_set_named_property(env, target, name, number);
}

static napi_value set_function(napi_env env, napi_value target, const char *name, napi_callback callback) {
  napi_value function;
  napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, NULL, &function);
  napi_set_named_property(env, target, name, function);
  return function;
}

NAPI_MODULE_INIT() {
  set_function(env, exports, "open", nsm_open);
  set_function(env, exports, "close", nsm_close);
  set_function(env, exports, "request", nsm_request);
  /* The values this binary was compiled with, so tests can pin the ABI without a device. */
  set_uint32(env, exports, "ioctlRaw", (uint32_t)NSM_IOCTL_RAW);
  set_uint32(env, exports, "rawStructBytes", (uint32_t)sizeof(struct nsm_raw));
  set_uint32(env, exports, "maxRequestBytes", NSM_REQUEST_MAX_SIZE);
  set_uint32(env, exports, "maxResponseBytes", NSM_RESPONSE_MAX_SIZE);
  return exports;
}
