#include "bn254-field.h"

#if defined(__x86_64__)
#include <cpuid.h>

int bn254_have_adx = 0;

__attribute__((constructor)) static void bn254_detect_adx(void) {
  unsigned eax, ebx, ecx, edx;
  /* CPUID leaf 7, sub-leaf 0: EBX bit 8 = BMI2 (mulx), bit 19 = ADX (adcx, adox) */
  if (__get_cpuid_count(7, 0, &eax, &ebx, &ecx, &edx)) bn254_have_adx = (ebx >> 8 & 1) && (ebx >> 19 & 1);
}
#endif

/* Fermat: a^(p-2). Variable time, which is fine: the prover's inputs are its own secrets, on its own host. */
void fq_inv(fq_t *r, const fq_t *a) {
  uint64_t e[4];
  memcpy(e, BN254_Q, 32);
  e[0] -= 2; /* q's low limb is > 2 */
  fq_t acc = FQ_ONE, base = *a;
  for (int i = 255; i >= 0; i--) {
    fq_sqr(&acc, &acc);
    if ((e[i / 64] >> (i % 64)) & 1) fq_mul(&acc, &acc, &base);
  }
  *r = acc;
}

void fq_from_mont(uint64_t out[4], const fq_t *a) {
  fq_t one = {{1, 0, 0, 0}}, x;
  fq_mul(&x, a, &one);
  memcpy(out, x.v, 32);
}

/* 1 / (c0 + c1 u) = (c0 - c1 u) / (c0^2 + c1^2) since u^2 = -1 */
void fq2_inv(fq2_t *r, const fq2_t *a) {
  fq_t t0, t1, n;
  fq_sqr(&t0, &a->c0);
  fq_sqr(&t1, &a->c1);
  fq_add(&n, &t0, &t1);
  fq_inv(&n, &n);
  fq_mul(&r->c0, &a->c0, &n);
  fq_mul(&t1, &a->c1, &n);
  fq_neg(&r->c1, &t1);
}

void fr_pow(fr_t *r, const fr_t *a, const uint64_t e[4]) {
  fr_t acc = FR_ONE, base = *a;
  for (int i = 255; i >= 0; i--) {
    fr_mul(&acc, &acc, &acc);
    if ((e[i / 64] >> (i % 64)) & 1) fr_mul(&acc, &acc, &base);
  }
  *r = acc;
}

void fr_inv(fr_t *r, const fr_t *a) {
  uint64_t e[4];
  memcpy(e, BN254_R, 32);
  e[0] -= 2;
  fr_pow(r, a, e);
}
