#include <stdlib.h>
#include "ntt.h"

/* 5^t in Montgomery form, t = (r - 1) / 2^28 */
static const fr_t W28 = {{0x636e735580d13d9cULL, 0xa22bf3742445ffd6ULL, 0x56452ac01eb203d8ULL, 0x1860ef942963f9e7ULL}};

void fr_root_of_unity(fr_t *out, unsigned log_n) {
  fr_t w = W28;
  for (unsigned i = log_n; i < FR_TWO_ADICITY; i++) fr_mul(&w, &w, &w);
  *out = w;
}

static unsigned reverse_bits(unsigned x, unsigned bits) {
  unsigned r = 0;
  for (unsigned i = 0; i < bits; i++) {
    r = (r << 1) | (x & 1);
    x >>= 1;
  }
  return r;
}

int fr_ntt(fr_t *a, unsigned log_n, int inverse) {
  size_t n = (size_t)1 << log_n;
  if (n == 1) return 0;
  fr_t *tw = malloc((n / 2) * sizeof *tw);
  if (tw == NULL) return -1;
  fr_t w;
  fr_root_of_unity(&w, log_n);
  if (inverse) fr_inv(&w, &w);
  tw[0] = FR_ONE;
  for (size_t i = 1; i < n / 2; i++) fr_mul(&tw[i], &tw[i - 1], &w);

  for (size_t i = 0; i < n; i++) {
    size_t j = reverse_bits((unsigned)i, log_n);
    if (i < j) {
      fr_t t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
  }
  /* Cooley-Tukey decimation in time: at stage len, twiddles are w^(k * n / len) */
  for (size_t len = 2; len <= n; len <<= 1) {
    size_t half = len / 2, step = n / len;
    for (size_t s = 0; s < n; s += len) {
      for (size_t k = 0; k < half; k++) {
        fr_t t, u = a[s + k];
        fr_mul(&t, &a[s + k + half], &tw[k * step]);
        fr_add(&a[s + k], &u, &t);
        fr_sub(&a[s + k + half], &u, &t);
      }
    }
  }
  if (inverse) {
    fr_t n_inv, nn = {{n, 0, 0, 0}};
    fr_mul(&nn, &nn, &FR_R2);
    fr_inv(&n_inv, &nn);
    for (size_t i = 0; i < n; i++) fr_mul(&a[i], &a[i], &n_inv);
  }
  free(tw);
  return 0;
}
