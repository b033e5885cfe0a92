/*
 * fixedBaseMul(group, base, scalars) -> Promise<Uint8Array>: scalars[i] * base for every 32-byte
 * little-endian scalar, as napi async work (a power-17 dev ptau is ~1.6 million products: seconds, off the
 * event loop). base and the result are affine points in the .ptau / .zkey layout: Montgomery coordinates,
 * 32-byte little-endian words (G1: x, y; G2: x.c0, x.c1, y.c0, y.c1), all zero = infinity. Errors carry a
 * code: ERR_INVALID_ARG_TYPE / ERR_INVALID_ARG_VALUE (thrown), NO_MEMORY (rejected).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include "napi-helpers.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "fixed-base.h"

#define FB_MAX_SCALARS ((size_t)1 << 26)

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  int group;
  uint8_t base[128];
  uint64_t *scalars;
  size_t n;
  uint8_t *out;
  int threads;
  int status;
} fb_call;

static void fb_execute(napi_env env, void *data) {
  (void)env;
  fb_call *call = data;
  size_t point = call->group == 1 ? sizeof(g1_aff) : sizeof(g2_aff);
  call->out = malloc(call->n * point);
  if (call->out == NULL) {
    call->status = -1;
    return;
  }
  if (call->group == 1) {
    g1_aff base;
    memcpy(&base, call->base, sizeof base);
    call->status = g1_fixed_base((g1_aff *)call->out, &base, call->scalars, call->n, call->threads);
  } else {
    g2_aff base;
    memcpy(&base, call->base, sizeof base);
    call->status = g2_fixed_base((g2_aff *)call->out, &base, call->scalars, call->n, call->threads);
  }
}

static void fb_complete(napi_env env, napi_status status, void *data) {
  fb_call *call = data;
  if (status != napi_ok) {
    napi_reject_coded(env, call->deferred, "CANCELLED", "cancelled");
  } else {
    size_t len = call->n * (call->group == 1 ? sizeof(g1_aff) : sizeof(g2_aff));
    napi_value value = call->status == 0 ? napi_uint8_copy(env, call->out, len) : NULL;
    if (value != NULL) napi_resolve_deferred(env, call->deferred, value);
    else napi_reject_coded(env, call->deferred, "NO_MEMORY", "out of memory");
  }
  napi_delete_async_work(env, call->work);
  free(call->scalars);
  free(call->out);
  free(call);
}

napi_value fixed_base_mul(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  int32_t group = 0;
  const uint8_t *base = NULL, *scalars = NULL;
  size_t base_len = 0, scalars_len = 0;
  if (argc < 3 || napi_get_value_int32(env, argv[0], &group) != napi_ok || napi_uint8_bytes(env, argv[1], &base, &base_len) != 0 ||
      napi_uint8_bytes(env, argv[2], &scalars, &scalars_len) != 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "fixedBaseMul(group: 1 | 2, base: Uint8Array, scalars: Uint8Array)");
    return NULL;
  }
  if ((group != 1 && group != 2) || base_len != (group == 1 ? sizeof(g1_aff) : sizeof(g2_aff)) || scalars_len % 32 != 0 || scalars_len / 32 > FB_MAX_SCALARS) {
    napi_throw_range_error(env, "ERR_INVALID_ARG_VALUE", "group must be 1 or 2, base 64 or 128 bytes, scalars a multiple of 32 bytes (at most 2^26)");
    return NULL;
  }
  fb_call *call = calloc(1, sizeof *call);
  if (call == NULL || (scalars_len > 0 && (call->scalars = malloc(scalars_len)) == NULL)) {
    free(call);
    napi_throw_error(env, "NO_MEMORY", "out of memory");
    return NULL;
  }
  /* private copies: the caller may reuse its buffers while the work runs */
  if (scalars_len > 0) memcpy(call->scalars, scalars, scalars_len);
  memcpy(call->base, base, base_len);
  call->group = group;
  call->n = scalars_len / 32;
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  call->threads = cpus < 1 ? 1 : cpus > 16 ? 16 : (int)cpus;
  napi_value promise, name;
  napi_create_promise(env, &call->deferred, &promise);
  napi_create_string_utf8(env, "provenant.groth16.fixedBaseMul", NAPI_AUTO_LENGTH, &name);
  if (napi_create_async_work(env, NULL, name, fb_execute, fb_complete, call, &call->work) != napi_ok || napi_queue_async_work(env, call->work) != napi_ok) {
    free(call->scalars);
    free(call);
    napi_throw_error(env, NULL, "could not queue the work");
    return NULL;
  }
  return promise;
}
