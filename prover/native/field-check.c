/*
 * fieldCheck(iterations) -> { adx, mismatches }: the Montgomery multiplications this build can run (the
 * BMI2/ADX assembly, the add-with-carry version, the portable one) against each other on random and edge
 * inputs for both moduli. A test calls it, so a CPU or compiler that mistranslates the assembly fails
 * the suite instead of making wrong proofs.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include "bn254-field.h"

static uint64_t xorshift(uint64_t *s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void below(uint64_t x[4], const uint64_t p[4], uint64_t *s) {
  do {
    for (int i = 0; i < 4; i++) x[i] = xorshift(s);
    x[3] &= 0x3fffffffffffffffULL;
  } while (!limbs_lt(x, p));
}

static int agree(const uint64_t a[4], const uint64_t b[4], const uint64_t p[4], uint64_t inv) {
  uint64_t want[4], got[4];
  mont_mul_generic(want, a, b, p, inv);
  mont_mul(got, a, b, p, inv);
  int ok = memcmp(want, got, 32) == 0;
#if defined(__x86_64__)
  mont_mul_carry(got, a, b, p, inv);
  ok &= memcmp(want, got, 32) == 0;
  if (bn254_have_adx) {
    memcpy(got, a, 32); /* the result may overwrite an input */
    mont_mul_adx(got, got, b, p, inv);
    ok &= memcmp(want, got, 32) == 0;
  }
#endif
  return ok;
}

napi_value field_check(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  uint32_t iterations = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1 || napi_get_value_uint32(env, argv[0], &iterations) != napi_ok ||
      iterations > 100000000u) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "fieldCheck(iterations: integer up to 1e8)");
    return NULL;
  }
  const uint64_t *moduli[2] = {BN254_Q, BN254_R};
  const uint64_t invs[2] = {BN254_Q_INV, BN254_R_INV};
  uint64_t seed = 0x9e3779b97f4a7c15ULL;
  uint32_t mismatches = 0;
  for (int m = 0; m < 2; m++) {
    const uint64_t *p = moduli[m];
    const uint64_t edges[5][4] = {{0, 0, 0, 0}, {1, 0, 0, 0}, {p[0] - 1, p[1], p[2], p[3]}, {0, 0, 0, 1}, {~0ULL, ~0ULL, ~0ULL, p[3] - 1}};
    for (int i = 0; i < 5; i++)
      for (int j = 0; j < 5; j++) mismatches += !agree(edges[i], edges[j], p, invs[m]);
    for (uint32_t n = 0; n < iterations; n++) {
      uint64_t a[4], b[4];
      below(a, p, &seed);
      below(b, p, &seed);
      mismatches += !agree(a, b, p, invs[m]);
    }
  }
  napi_value result, adx, count;
  napi_create_object(env, &result);
#if defined(__x86_64__)
  napi_get_boolean(env, bn254_have_adx != 0, &adx);
#else
  napi_get_boolean(env, false, &adx);
#endif
  napi_create_uint32(env, mismatches, &count);
  napi_set_named_property(env, result, "adx", adx);
  napi_set_named_property(env, result, "mismatches", count);
  return result;
}
