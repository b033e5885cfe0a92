/*
 * Nonblocking stream sockets (AF_VSOCK, and AF_UNIX so the same I/O path can be tested where vsock
 * has no loopback) driven by libuv's uv_poll_t on the Node event loop: no thread per socket.
 *
 * Why not node:net: libuv's uv_guess_handle() does not know AF_VSOCK, so net.Socket({ fd }) refuses
 * such a descriptor. Why not the published node-vsock: see transport/README.md.
 *
 * Every method returns a negative errno instead of throwing for socket failures, so the JS layer maps
 * each one to a stable PRV_ERR_TRANSPORT_* code. Only misuse (wrong argument types) throws.
 */
#ifndef NAPI_VERSION
#define NAPI_VERSION 8
#endif
#define _GNU_SOURCE /* accept4(2) */
#include <node_api.h>
#include <uv.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>
#include <linux/vm_sockets.h>

#define EVENT_READABLE 1
#define EVENT_WRITABLE 2
/* Upper bound on iovecs per sendmsg; the JS side never passes more (MAX_WRITEV_CHUNKS). */
#define MAX_IOV 64

typedef struct {
  int fd;
  int family;
  int poll_events;
  uv_poll_t* poll; /* heap: uv_close() frees it in on_poll_closed, possibly after this struct */
  napi_env env;
  napi_ref callback;
  napi_async_context async_context;
} native_socket;

#define CHECK(call)                                                   \
  do {                                                                \
    if ((call) != napi_ok) {                                          \
      napi_throw_error(env, "PRV_ERR_INTERNAL", "napi call failed: " #call); \
      return NULL;                                                    \
    }                                                                 \
  } while (0)

static napi_value make_int(napi_env env, int64_t value) {
  napi_value out;
  napi_create_int64(env, value, &out);
  return out;
}

static napi_value throw_type(napi_env env, const char* message) {
  napi_throw_type_error(env, "PRV_ERR_INVALID_ARGUMENT", message);
  return NULL;
}

static native_socket* unwrap_this(napi_env env, napi_callback_info info, size_t* argc, napi_value* argv) {
  napi_value self;
  void* data = NULL;
  if (napi_get_cb_info(env, info, argc, argv, &self, NULL) != napi_ok) return NULL;
  if (napi_unwrap(env, self, &data) != napi_ok || data == NULL) {
    napi_throw_type_error(env, "PRV_ERR_INVALID_ARGUMENT", "not a NativeSocket");
    return NULL;
  }
  return (native_socket*)data;
}

static int get_u32(napi_env env, napi_value value, uint32_t* out) {
  double number;
  if (napi_get_value_double(env, value, &number) != napi_ok) return 0;
  if (!(number >= 0 && number <= 4294967295.0) || number != (double)(uint32_t)number) return 0;
  *out = (uint32_t)number;
  return 1;
}

static void on_poll_closed(uv_handle_t* handle) { free(handle); }

/* Order matters: leave epoll before close(2), or a recycled descriptor number could inherit the
 * registration. uv_close() removes the handle from the loop; the handle memory is freed later. */
static int close_socket(native_socket* s) {
  if (s->fd < 0) return 0;
  if (s->poll != NULL) {
    s->poll->data = NULL;
    uv_poll_stop(s->poll);
    uv_close((uv_handle_t*)s->poll, on_poll_closed);
    s->poll = NULL;
  }
  close(s->fd);
  s->fd = -1;
  s->poll_events = 0;
  if (s->callback != NULL) {
    napi_delete_reference(s->env, s->callback);
    s->callback = NULL;
  }
  if (s->async_context != NULL) {
    napi_async_destroy(s->env, s->async_context);
    s->async_context = NULL;
  }
  return 1;
}

static void finalize_socket(napi_env env, void* data, void* hint) {
  (void)env;
  (void)hint;
  native_socket* s = (native_socket*)data;
  close_socket(s);
  free(s);
}

static void on_poll(uv_poll_t* handle, int status, int events) {
  native_socket* s = (native_socket*)handle->data;
  if (s == NULL || s->fd < 0 || s->callback == NULL) return;
  /* libuv reports POLLERR as UV_EBADF and has already stopped the handle; the real cause is SO_ERROR. */
  if (status < 0) s->poll_events = 0;
  napi_env env = s->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value callback, receiver, argv[2], result;
  int mask = 0;
  if (events & UV_READABLE) mask |= EVENT_READABLE;
  if (events & UV_WRITABLE) mask |= EVENT_WRITABLE;
  napi_get_reference_value(env, s->callback, &callback);
  napi_get_global(env, &receiver); /* napi_make_callback converts recv to an object */
  argv[0] = make_int(env, status);
  argv[1] = make_int(env, mask);
  /* napi_make_callback (not napi_call_function) so nextTick and promise jobs run afterwards, as they
   * do after any libuv-driven callback in Node. Do not touch `s` afterwards: JS may have closed it. */
  if (napi_make_callback(env, s->async_context, receiver, callback, 2, argv, &result) == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_close_handle_scope(env, scope);
}

/* new NativeSocket(family, onEvent, fd = -1): fd >= 0 adopts an accepted descriptor. */
static napi_value socket_new(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], self;
  CHECK(napi_get_cb_info(env, info, &argc, argv, &self, NULL));
  int32_t family, fd = -1;
  napi_valuetype kind;
  if (argc < 2 || napi_get_value_int32(env, argv[0], &family) != napi_ok) return throw_type(env, "family must be a number");
  if (family != AF_UNIX && family != AF_VSOCK) return throw_type(env, "family must be AF_UNIX or AF_VSOCK");
  CHECK(napi_typeof(env, argv[1], &kind));
  if (kind != napi_function) return throw_type(env, "onEvent must be a function");
  if (argc >= 3 && napi_get_value_int32(env, argv[2], &fd) != napi_ok) return throw_type(env, "fd must be a number");

  if (fd < 0) {
    fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      /* Reported as a property rather than thrown, so JS can map EAFNOSUPPORT to its own code. */
      napi_set_named_property(env, self, "createErrno", make_int(env, -errno));
      return self;
    }
  }
  native_socket* s = calloc(1, sizeof(native_socket));
  uv_loop_t* loop;
  if (s == NULL) {
    close(fd);
    napi_throw_error(env, "PRV_ERR_INTERNAL", "out of memory");
    return NULL;
  }
  s->fd = fd;
  s->family = family;
  s->env = env;
  s->poll = calloc(1, sizeof(uv_poll_t));
  napi_value resource_name;
  if (s->poll == NULL || napi_get_uv_event_loop(env, &loop) != napi_ok || uv_poll_init(loop, s->poll, fd) != 0 ||
      napi_create_reference(env, argv[1], 1, &s->callback) != napi_ok ||
      napi_create_string_utf8(env, "PROVENANT_SOCKET", NAPI_AUTO_LENGTH, &resource_name) != napi_ok ||
      napi_async_init(env, self, resource_name, &s->async_context) != napi_ok) {
    free(s->poll);
    s->poll = NULL;
    close_socket(s);
    free(s);
    napi_throw_error(env, "PRV_ERR_INTERNAL", "socket setup failed");
    return NULL;
  }
  s->poll->data = s;
  if (napi_wrap(env, self, s, finalize_socket, NULL, NULL) != napi_ok) {
    close_socket(s);
    free(s);
    napi_throw_error(env, "PRV_ERR_INTERNAL", "napi_wrap failed");
    return NULL;
  }
  napi_set_named_property(env, self, "createErrno", make_int(env, 0));
  return self;
}

/* Fills a sockaddr from (cid, port) for vsock or (path) for unix. Returns 0 or a negative errno. */
static int read_sockaddr(napi_env env, native_socket* s, size_t argc, napi_value* argv,
                         struct sockaddr_storage* storage, socklen_t* length) {
  memset(storage, 0, sizeof(*storage));
  if (s->family == AF_VSOCK) {
    struct sockaddr_vm* vm = (struct sockaddr_vm*)storage;
    uint32_t cid, port;
    if (argc < 2 || !get_u32(env, argv[0], &cid) || !get_u32(env, argv[1], &port)) return -EINVAL;
    vm->svm_family = AF_VSOCK;
    vm->svm_cid = cid;
    vm->svm_port = port;
    *length = sizeof(struct sockaddr_vm);
    return 0;
  }
  struct sockaddr_un* un = (struct sockaddr_un*)storage;
  size_t written;
  size_t needed;
  if (argc < 1 || napi_get_value_string_utf8(env, argv[0], NULL, 0, &needed) != napi_ok) return -EINVAL;
  /* sun_path holds 108 bytes including the terminating NUL (unix(7)); never truncate silently. */
  if (needed == 0 || needed > sizeof(un->sun_path) - 1) return -ENAMETOOLONG;
  if (napi_get_value_string_utf8(env, argv[0], un->sun_path, sizeof(un->sun_path), &written) != napi_ok) return -EINVAL;
  if (written != needed || strlen(un->sun_path) != written) return -EINVAL;
  un->sun_family = AF_UNIX;
  *length = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + written + 1);
  return 0;
}

/* bind(2) and connect(2) take the same arguments: the address comes from JS as (cid|path, port). */
static napi_value call_with_address(napi_env env, napi_callback_info info,
                                    int (*call)(int, const struct sockaddr*, socklen_t)) {
  size_t argc = 2;
  napi_value argv[2];
  native_socket* s = unwrap_this(env, info, &argc, argv);
  if (s == NULL) return NULL;
  if (s->fd < 0) return make_int(env, -EBADF);
  struct sockaddr_storage address;
  socklen_t length;
  int rc = read_sockaddr(env, s, argc, argv, &address, &length);
  if (rc != 0) return make_int(env, rc);
  return make_int(env, call(s->fd, (struct sockaddr*)&address, length) == 0 ? 0 : -errno);
}

static napi_value socket_bind(napi_env env, napi_callback_info info) {
  return call_with_address(env, info, bind);
}

static napi_value socket_listen(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t backlog;
  native_socket* s = unwrap_this(env, info, &argc, argv);
  if (s == NULL) return NULL;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &backlog) != napi_ok) return throw_type(env, "backlog must be a number");
  if (s->fd < 0) return make_int(env, -EBADF);
  return make_int(env, listen(s->fd, backlog) == 0 ? 0 : -errno);
}

/* Returns 0 when connected at once, -EINPROGRESS when completion comes as writability (then read
 * SO_ERROR with soError()), or another negative errno. */
static napi_value socket_connect(napi_env env, napi_callback_info info) {
  return call_with_address(env, info, connect);
}

/* vsock(7): SO_VM_SOCKETS_CONNECT_TIMEOUT bounds the kernel's own wait (default 2 s), which would
 * otherwise cut a longer caller timeout short. */
static napi_value socket_set_connect_timeout(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t timeout_ms;
  native_socket* s = unwrap_this(env, info, &argc, argv);
  if (s == NULL) return NULL;
  if (argc < 1 || !get_u32(env, argv[0], &timeout_ms)) return throw_type(env, "timeoutMs must be a u32");
  if (s->fd < 0) return make_int(env, -EBADF);
  if (s->family != AF_VSOCK) return make_int(env, -EOPNOTSUPP);
  struct timeval timeout = {.tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000};
  int rc = setsockopt(s->fd, AF_VSOCK, SO_VM_SOCKETS_CONNECT_TIMEOUT, &timeout, sizeof(timeout));
  return make_int(env, rc == 0 ? 0 : -errno);
}

static napi_value socket_so_error(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  native_socket* s = unwrap_this(env, info, &argc, NULL);
  if (s == NULL) return NULL;
  if (s->fd < 0) return make_int(env, EBADF);
  int error = 0;
  socklen_t length = sizeof(error);
  if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) return make_int(env, errno);
  return make_int(env, error);
}

/* Returns an accepted descriptor (nonblocking, close-on-exec) or a negative errno (-EAGAIN: none). */
static napi_value socket_accept(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  native_socket* s = unwrap_this(env, info, &argc, NULL);
  if (s == NULL) return NULL;
  if (s->fd < 0) return make_int(env, -EBADF);
  int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
  return make_int(env, fd >= 0 ? fd : -errno);
}

/* Closes a descriptor returned by accept() that is being refused before any JS object owns it. */
static napi_value close_fd(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  if (argc < 1 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || fd < 0) return throw_type(env, "fd must be >= 0");
  return make_int(env, close(fd) == 0 ? 0 : -errno);
}

static int get_bytes(napi_env env, napi_value value, uint8_t** data, size_t* length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void* raw;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (uint8_t*)raw; /* already adjusted by byte_offset (Node-API docs) */
  return 1;
}

/* read(buffer) -> bytes read (> 0), 0 at EOF, or a negative errno (-EAGAIN: nothing yet). */
static napi_value socket_read(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint8_t* data;
  size_t length;
  native_socket* s = unwrap_this(env, info, &argc, argv);
  if (s == NULL) return NULL;
  if (argc < 1 || !get_bytes(env, argv[0], &data, &length) || length == 0) return throw_type(env, "buffer must be a non-empty Uint8Array");
  if (s->fd < 0) return make_int(env, -EBADF);
  ssize_t n;
  do n = read(s->fd, data, length); while (n < 0 && errno == EINTR);
  return make_int(env, n >= 0 ? n : -errno);
}

/* writev([chunks]) -> bytes written (possibly partial) or a negative errno (-EAGAIN: buffer full). */
static napi_value socket_writev(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  native_socket* s = unwrap_this(env, info, &argc, argv);
  if (s == NULL) return NULL;
  bool is_array;
  uint32_t count;
  if (argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array) return throw_type(env, "chunks must be an array");
  CHECK(napi_get_array_length(env, argv[0], &count));
  if (count == 0 || count > MAX_IOV) return throw_type(env, "chunks must hold 1 to 64 Uint8Arrays");
  struct iovec iov[MAX_IOV];
  for (uint32_t i = 0; i < count; i++) {
    napi_value chunk;
    uint8_t* data;
    size_t length;
    CHECK(napi_get_element(env, argv[0], i, &chunk));
    if (!get_bytes(env, chunk, &data, &length)) return throw_type(env, "each chunk must be a Uint8Array");
    iov[i].iov_base = data;
    iov[i].iov_len = length;
  }
  if (s->fd < 0) return make_int(env, -EBADF);
  struct msghdr message;
  memset(&message, 0, sizeof(message));
  message.msg_iov = iov;
  message.msg_iovlen = count;
  ssize_t n;
  /* MSG_NOSIGNAL: a peer that has gone away must give EPIPE, never SIGPIPE. */
  do n = sendmsg(s->fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT); while (n < 0 && errno == EINTR);
  return make_int(env, n >= 0 ? n : -errno);
}

static napi_value socket_shutdown(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  native_socket* s = unwrap_this(env, info, &argc, NULL);
  if (s == NULL) return NULL;
  if (s->fd < 0) return make_int(env, -EBADF);
  return make_int(env, shutdown(s->fd, SHUT_WR) == 0 ? 0 : -errno);
}

/* poll(mask): level-triggered interest in readability (1) and writability (2); 0 stops polling so
 * a paused reader costs nothing and does not spin. */
static napi_value socket_poll(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t mask;
  native_socket* s = unwrap_this(env, info, &argc, argv);
  if (s == NULL) return NULL;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &mask) != napi_ok || mask < 0 || mask > 3) return throw_type(env, "mask must be 0..3");
  if (s->fd < 0 || s->poll == NULL) return make_int(env, -EBADF);
  if (mask == s->poll_events) return make_int(env, 0);
  int events = 0, rc;
  if (mask & EVENT_READABLE) events |= UV_READABLE;
  if (mask & EVENT_WRITABLE) events |= UV_WRITABLE;
  rc = events == 0 ? uv_poll_stop(s->poll) : uv_poll_start(s->poll, events, on_poll);
  if (rc == 0) s->poll_events = mask;
  return make_int(env, rc);
}

static napi_value socket_close(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  native_socket* s = unwrap_this(env, info, &argc, NULL);
  if (s == NULL) return NULL;
  napi_value out;
  napi_get_boolean(env, close_socket(s) == 1, &out);
  return out;
}

static napi_value address_object(napi_env env, native_socket* s, int peer) {
  struct sockaddr_storage storage;
  socklen_t length = sizeof(storage);
  memset(&storage, 0, sizeof(storage));
  if (s->fd < 0) return make_int(env, -EBADF);
  int rc = peer ? getpeername(s->fd, (struct sockaddr*)&storage, &length)
                : getsockname(s->fd, (struct sockaddr*)&storage, &length);
  if (rc != 0) return make_int(env, -errno);
  napi_value out;
  CHECK(napi_create_object(env, &out));
  if (storage.ss_family == AF_VSOCK) {
    struct sockaddr_vm* vm = (struct sockaddr_vm*)&storage;
    napi_set_named_property(env, out, "cid", make_int(env, vm->svm_cid));
    napi_set_named_property(env, out, "port", make_int(env, vm->svm_port));
  } else if (storage.ss_family == AF_UNIX) {
    struct sockaddr_un* un = (struct sockaddr_un*)&storage;
    size_t path_length = length > offsetof(struct sockaddr_un, sun_path) ? length - offsetof(struct sockaddr_un, sun_path) : 0;
    path_length = strnlen(un->sun_path, path_length);
    napi_value path;
    CHECK(napi_create_string_utf8(env, un->sun_path, path_length, &path));
    napi_set_named_property(env, out, "path", path);
  } else {
    return make_int(env, -EAFNOSUPPORT);
  }
  return out;
}

static napi_value socket_local_address(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  native_socket* s = unwrap_this(env, info, &argc, NULL);
  return s == NULL ? NULL : address_object(env, s, 0);
}

static napi_value socket_peer_address(napi_env env, napi_callback_info info) {
  size_t argc = 0;
  native_socket* s = unwrap_this(env, info, &argc, NULL);
  return s == NULL ? NULL : address_object(env, s, 1);
}

/* vsock(7): IOCTL_VM_SOCKETS_GET_LOCAL_CID on /dev/vsock gives this machine's CID. */
static napi_value local_cid(napi_env env, napi_callback_info info) {
  (void)info;
  int fd = open("/dev/vsock", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return make_int(env, -errno);
  unsigned int cid = 0;
  int rc = ioctl(fd, IOCTL_VM_SOCKETS_GET_LOCAL_CID, &cid);
  int saved = errno;
  close(fd);
  return make_int(env, rc == 0 ? (int64_t)cid : -saved);
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor methods[] = {
      {"bind", NULL, socket_bind, NULL, NULL, NULL, napi_default_method, NULL},
      {"listen", NULL, socket_listen, NULL, NULL, NULL, napi_default_method, NULL},
      {"connect", NULL, socket_connect, NULL, NULL, NULL, napi_default_method, NULL},
      {"setConnectTimeout", NULL, socket_set_connect_timeout, NULL, NULL, NULL, napi_default_method, NULL},
      {"soError", NULL, socket_so_error, NULL, NULL, NULL, napi_default_method, NULL},
      {"accept", NULL, socket_accept, NULL, NULL, NULL, napi_default_method, NULL},
      {"read", NULL, socket_read, NULL, NULL, NULL, napi_default_method, NULL},
      {"writev", NULL, socket_writev, NULL, NULL, NULL, napi_default_method, NULL},
      {"shutdown", NULL, socket_shutdown, NULL, NULL, NULL, napi_default_method, NULL},
      {"poll", NULL, socket_poll, NULL, NULL, NULL, napi_default_method, NULL},
      {"close", NULL, socket_close, NULL, NULL, NULL, napi_default_method, NULL},
      {"localAddress", NULL, socket_local_address, NULL, NULL, NULL, napi_default_method, NULL},
      {"peerAddress", NULL, socket_peer_address, NULL, NULL, NULL, napi_default_method, NULL},
  };
  napi_value socket_class;
  CHECK(napi_define_class(env, "NativeSocket", NAPI_AUTO_LENGTH, socket_new, NULL,
                          sizeof(methods) / sizeof(methods[0]), methods, &socket_class));
  CHECK(napi_set_named_property(env, exports, "NativeSocket", socket_class));

  napi_value fn;
  CHECK(napi_create_function(env, "localCid", NAPI_AUTO_LENGTH, local_cid, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "localCid", fn));
  CHECK(napi_create_function(env, "closeFd", NAPI_AUTO_LENGTH, close_fd, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "closeFd", fn));

  napi_value constants;
  CHECK(napi_create_object(env, &constants));
  napi_set_named_property(env, constants, "AF_UNIX", make_int(env, AF_UNIX));
  napi_set_named_property(env, constants, "AF_VSOCK", make_int(env, AF_VSOCK));
  napi_set_named_property(env, constants, "VMADDR_CID_ANY", make_int(env, VMADDR_CID_ANY));
  napi_set_named_property(env, constants, "VMADDR_PORT_ANY", make_int(env, VMADDR_PORT_ANY));
  napi_set_named_property(env, constants, "EVENT_READABLE", make_int(env, EVENT_READABLE));
  napi_set_named_property(env, constants, "EVENT_WRITABLE", make_int(env, EVENT_WRITABLE));
  napi_set_named_property(env, constants, "MAX_IOV", make_int(env, MAX_IOV));
  CHECK(napi_set_named_property(env, exports, "constants", constants));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
