/*
 * Node-API binding of the native Groth16 prover: prove(zkey, wtns, rs) -> Promise<{ a, b, c, publicSignals }>.
 * The proof runs as napi async work on a libuv pool thread (which starts its own MSM threads), so the
 * event loop keeps going. The three inputs stay referenced until the work completes; the caller must not
 * mutate them meanwhile (the TS wrapper passes private copies or cached, never-written keys).
 * Failures reject with an Error whose code is one of ZKEY_MALFORMED, WTNS_MALFORMED, MISMATCH,
 * RANDOMNESS, NO_MEMORY; Provenant codes are assigned in TypeScript (src/native/).
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include "napi-helpers.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "groth16-prove.h"

#define MAX_THREADS 16

typedef struct {
  napi_async_work work;
  napi_deferred deferred;
  napi_ref refs[3];
  const uint8_t *zkey, *wtns, *rs;
  size_t zkey_len, wtns_len;
  int threads;
  g16_status status;
  g16_result result;
} prove_call;

static const char *status_code(g16_status s) {
  switch (s) {
    case G16_ZKEY_MALFORMED: return "ZKEY_MALFORMED";
    case G16_WTNS_MALFORMED: return "WTNS_MALFORMED";
    case G16_MISMATCH: return "MISMATCH";
    case G16_RANDOMNESS: return "RANDOMNESS";
    case G16_NO_MEMORY: return "NO_MEMORY";
    default: return "UNKNOWN";
  }
}

static void execute(napi_env env, void *data) {
  (void)env;
  prove_call *call = data;
  call->status = g16_prove(call->zkey, call->zkey_len, call->wtns, call->wtns_len, call->rs, call->threads, &call->result);
}

static void complete(napi_env env, napi_status status, void *data) {
  prove_call *call = data;
  napi_value value = NULL;
  if (status != napi_ok) {
    napi_reject_coded(env, call->deferred, "CANCELLED", "the proof was cancelled");
  } else if (call->status != G16_OK) {
    napi_reject_coded(env, call->deferred, status_code(call->status), call->result.message);
  } else {
    napi_create_object(env, &value);
    napi_value a = napi_uint8_copy(env, call->result.a, 64), b = napi_uint8_copy(env, call->result.b, 128), c = napi_uint8_copy(env, call->result.c, 64);
    napi_value pub = napi_uint8_copy(env, call->result.public_signals, (size_t)call->result.n_public * 32);
    if (a != NULL) napi_set_named_property(env, value, "a", a);
    if (b != NULL) napi_set_named_property(env, value, "b", b);
    if (c != NULL) napi_set_named_property(env, value, "c", c);
    if (pub != NULL) napi_set_named_property(env, value, "publicSignals", pub);
    napi_value phases;
    if (napi_create_array_with_length(env, G16_PHASES, &phases) == napi_ok) {
      for (uint32_t i = 0; i < G16_PHASES; i++) {
        napi_value ms;
        napi_create_double(env, call->result.phase_ms[i], &ms);
        napi_set_element(env, phases, i, ms);
      }
      napi_set_named_property(env, value, "phasesMs", phases);
    }
    napi_resolve_deferred(env, call->deferred, value);
  }
  for (int i = 0; i < 3; i++) napi_delete_reference(env, call->refs[i]);
  napi_delete_async_work(env, call->work);
  free(call->result.public_signals);
  free(call);
}

static napi_value prove(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) return NULL;
  prove_call *call = calloc(1, sizeof *call);
  if (call == NULL) {
    napi_throw_error(env, "NO_MEMORY", "out of memory");
    return NULL;
  }
  size_t rs_len = 0;
  if (argc < 3 || napi_uint8_bytes(env, argv[0], &call->zkey, &call->zkey_len) != 0 || napi_uint8_bytes(env, argv[1], &call->wtns, &call->wtns_len) != 0 ||
      napi_uint8_bytes(env, argv[2], &call->rs, &rs_len) != 0 || rs_len != 64) {
    free(call);
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "prove(zkey: Uint8Array, wtns: Uint8Array, rs: Uint8Array(64))");
    return NULL;
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  call->threads = cpus < 1 ? 1 : cpus > MAX_THREADS ? MAX_THREADS : (int)cpus;
  napi_value promise, name;
  for (int i = 0; i < 3; i++) napi_create_reference(env, argv[i], 1, &call->refs[i]);
  napi_create_promise(env, &call->deferred, &promise);
  napi_create_string_utf8(env, "provenant.groth16.prove", NAPI_AUTO_LENGTH, &name);
  if (napi_create_async_work(env, NULL, name, execute, complete, call, &call->work) != napi_ok || napi_queue_async_work(env, call->work) != napi_ok) {
    napi_throw_error(env, NULL, "could not queue the proof");
    return NULL;
  }
  return promise;
}

napi_value fixed_base_mul(napi_env env, napi_callback_info info); /* fixed-base-addon.c */
napi_value field_check(napi_env env, napi_callback_info info);    /* field-check.c */

NAPI_MODULE_INIT() {
  napi_value fn, version;
  napi_create_function(env, "prove", NAPI_AUTO_LENGTH, prove, NULL, &fn);
  napi_set_named_property(env, exports, "prove", fn);
  napi_create_function(env, "fixedBaseMul", NAPI_AUTO_LENGTH, fixed_base_mul, NULL, &fn);
  napi_set_named_property(env, exports, "fixedBaseMul", fn);
  napi_create_function(env, "fieldCheck", NAPI_AUTO_LENGTH, field_check, NULL, &fn);
  napi_set_named_property(env, exports, "fieldCheck", fn);
  /* bumped when the exports' contract changes, so the TS loader can refuse a stale build */
  napi_create_uint32(env, 3, &version);
  napi_set_named_property(env, exports, "abiVersion", version);
  return exports;
}
