/* What the addon's entry points share: bytes in from JavaScript, bytes out, and coded promise rejections. */
#ifndef PROVENANT_NAPI_HELPERS_H
#define PROVENANT_NAPI_HELPERS_H

#include <node_api.h>
#include <stdint.h>
#include <string.h>

/* A Uint8Array argument's data and length; -1 for anything else. */
static inline int napi_uint8_bytes(napi_env env, napi_value v, const uint8_t **data, size_t *len) {
  bool is_typed = false;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed) return -1;
  napi_typedarray_type type;
  void *ptr = NULL;
  napi_value ab;
  size_t offset = 0;
  if (napi_get_typedarray_info(env, v, &type, len, &ptr, &ab, &offset) != napi_ok || type != napi_uint8_array) return -1;
  *data = ptr;
  return 0;
}

/* A new Uint8Array holding a copy of src; NULL when it cannot be allocated. */
static inline napi_value napi_uint8_copy(napi_env env, const uint8_t *src, size_t len) {
  napi_value buffer, array;
  void *dst = NULL;
  if (napi_create_arraybuffer(env, len, &dst, &buffer) != napi_ok) return NULL;
  if (len > 0) memcpy(dst, src, len);
  if (napi_create_typedarray(env, napi_uint8_array, len, buffer, 0, &array) != napi_ok) return NULL;
  return array;
}

/* Rejects with an Error carrying `code` (mapped to Provenant codes in TypeScript, src/native/). */
static inline void napi_reject_coded(napi_env env, napi_deferred deferred, const char *code, const char *message) {
  napi_value msg, code_value, error;
  napi_create_string_utf8(env, message, NAPI_AUTO_LENGTH, &msg);
  napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_value);
  napi_create_error(env, code_value, msg, &error);
  napi_reject_deferred(env, deferred, error);
}

#endif
