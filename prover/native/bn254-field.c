#include "bn254-field.h"

const uint64_t BN254_Q[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
const uint64_t BN254_R[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
const fq_t FQ_ONE = {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}};
const fq_t FQ_R2 = {{0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL}};
const fr_t FR_ONE = {{0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL}};
const fr_t FR_R2 = {{0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL}};

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
