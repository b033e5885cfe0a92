/* The one way the addon's functions take bytes from JavaScript: a Uint8Array, its data and length. */
#ifndef PROVENANT_NAPI_BYTES_H
#define PROVENANT_NAPI_BYTES_H

#include <node_api.h>
#include <stdint.h>

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

#endif
