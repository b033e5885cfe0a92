/*
 * BN254 base field Fq and scalar field Fr in Montgomery form, R = 2^256, four little-endian 64-bit
 * limbs: the same representation snarkjs/ffjavascript write to .zkey files ("LEM"), so zkey field
 * elements are used as they are. Multiplication is CIOS (Koc, Acar, Kaliski, "Analyzing and Comparing
 * Montgomery Multiplication Algorithms", IEEE Micro 1996, section 5). Both moduli are below 2^254, so
 * sums of two reduced elements never overflow 256 bits and one conditional subtraction reduces them.
 * Inputs must be reduced (below the modulus): the zkey/wtns reader checks every element it loads.
 */
#ifndef PROVENANT_BN254_FIELD_H
#define PROVENANT_BN254_FIELD_H

#include <stdint.h>
#include <string.h>

typedef unsigned __int128 u128;
typedef struct { uint64_t v[4]; } fq_t;
typedef struct { uint64_t v[4]; } fr_t;
/* Fq2 = Fq[u] / (u^2 + 1) (EIP-197). */
typedef struct { fq_t c0, c1; } fq2_t;

/* static: the compiler folds the moduli into immediates instead of reloading them after every store */
static const uint64_t BN254_Q[4] = {0x3c208c16d87cfd47ULL, 0x97816a916871ca8dULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
static const uint64_t BN254_R[4] = {0x43e1f593f0000001ULL, 0x2833e84879b97091ULL, 0xb85045b68181585dULL, 0x30644e72e131a029ULL};
#define BN254_Q_INV 0x87d20782e4866389ULL
#define BN254_R_INV 0xc2e1f593efffffffULL

static const fq_t FQ_ONE = {{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}}; /* R mod q */
static const fq_t FQ_R2 = {{0xf32cfc5b538afa89ULL, 0xb5e71911d44501fbULL, 0x47ab1eff0a417ff6ULL, 0x06d89f71cab8351fULL}};  /* R^2 mod q */
static const fr_t FR_ONE = {{0xac96341c4ffffffbULL, 0x36fc76959f60cd29ULL, 0x666ea36f7879462eULL, 0x0e0a77c19a07df2fULL}}; /* R mod r */
static const fr_t FR_R2 = {{0x1bb8e645ae216da7ULL, 0x53fe3ab1e35c59e3ULL, 0x8c49833d53bb8085ULL, 0x0216d0b17f4e44a5ULL}};  /* R^2 mod r */

/* a < b as 256-bit integers */
static inline int limbs_lt(const uint64_t a[4], const uint64_t b[4]) {
  for (int i = 3; i >= 0; i--) {
    if (a[i] != b[i]) return a[i] < b[i];
  }
  return 0;
}

static inline int limbs_is_zero(const uint64_t a[4]) { return (a[0] | a[1] | a[2] | a[3]) == 0; }

static inline void limbs_sub_p(uint64_t r[4], const uint64_t p[4]) {
  uint64_t borrow = 0;
  for (int i = 0; i < 4; i++) {
    u128 d = (u128)r[i] - p[i] - borrow;
    r[i] = (uint64_t)d;
    borrow = (uint64_t)(d >> 64) & 1;
  }
}

/* r = a + b mod p; branch-free selection between a + b and a + b - p */
static inline void mod_add_generic(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4]) {
  u128 s0 = (u128)a[0] + b[0];
  u128 s1 = (u128)a[1] + b[1] + (uint64_t)(s0 >> 64);
  u128 s2 = (u128)a[2] + b[2] + (uint64_t)(s1 >> 64);
  uint64_t x3 = a[3] + b[3] + (uint64_t)(s2 >> 64); /* no carry out: p < 2^254 */
  uint64_t x0 = (uint64_t)s0, x1 = (uint64_t)s1, x2 = (uint64_t)s2;
  u128 d0 = (u128)x0 - p[0];
  u128 d1 = (u128)x1 - p[1] - ((uint64_t)(d0 >> 64) & 1);
  u128 d2 = (u128)x2 - p[2] - ((uint64_t)(d1 >> 64) & 1);
  u128 d3 = (u128)x3 - p[3] - ((uint64_t)(d2 >> 64) & 1);
  uint64_t keep = 0 - ((uint64_t)(d3 >> 64) & 1); /* all ones when a + b < p */
  r[0] = (x0 & keep) | ((uint64_t)d0 & ~keep);
  r[1] = (x1 & keep) | ((uint64_t)d1 & ~keep);
  r[2] = (x2 & keep) | ((uint64_t)d2 & ~keep);
  r[3] = (x3 & keep) | ((uint64_t)d3 & ~keep);
}

static inline void mod_sub_generic(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4]) {
  u128 d0 = (u128)a[0] - b[0];
  u128 d1 = (u128)a[1] - b[1] - ((uint64_t)(d0 >> 64) & 1);
  u128 d2 = (u128)a[2] - b[2] - ((uint64_t)(d1 >> 64) & 1);
  u128 d3 = (u128)a[3] - b[3] - ((uint64_t)(d2 >> 64) & 1);
  uint64_t mask = 0 - ((uint64_t)(d3 >> 64) & 1); /* all ones when a < b: add p back */
  u128 s0 = (u128)(uint64_t)d0 + (p[0] & mask);
  u128 s1 = (u128)(uint64_t)d1 + (p[1] & mask) + (uint64_t)(s0 >> 64);
  u128 s2 = (u128)(uint64_t)d2 + (p[2] & mask) + (uint64_t)(s1 >> 64);
  r[0] = (uint64_t)s0;
  r[1] = (uint64_t)s1;
  r[2] = (uint64_t)s2;
  r[3] = (uint64_t)d3 + (p[3] & mask) + (uint64_t)(s2 >> 64);
}

/*
 * CIOS without the extra carry words: valid because the top limb of both moduli is below (2^64 - 1) / 2 - 1
 * (the "no-carry" condition of gnark-crypto's field generator, docs: "Faster big-integer modular multiplication
 * for most moduli", ConsenSys 2020). One iteration per limb of b, fully unrolled by the compiler.
 */
static inline void mont_mul_generic(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4], uint64_t inv) {
  uint64_t t0 = 0, t1 = 0, t2 = 0, t3 = 0;
  for (int i = 0; i < 4; i++) {
    uint64_t bi = b[i];
    u128 x = (u128)a[0] * bi + t0;
    uint64_t A = (uint64_t)(x >> 64);
    t0 = (uint64_t)x;
    uint64_t m = t0 * inv;
    u128 y = (u128)m * p[0] + t0;
    uint64_t C = (uint64_t)(y >> 64);
    x = (u128)a[1] * bi + t1 + A;
    A = (uint64_t)(x >> 64);
    y = (u128)m * p[1] + (uint64_t)x + C;
    C = (uint64_t)(y >> 64);
    t0 = (uint64_t)y;
    x = (u128)a[2] * bi + t2 + A;
    A = (uint64_t)(x >> 64);
    y = (u128)m * p[2] + (uint64_t)x + C;
    C = (uint64_t)(y >> 64);
    t1 = (uint64_t)y;
    x = (u128)a[3] * bi + t3 + A;
    A = (uint64_t)(x >> 64);
    y = (u128)m * p[3] + (uint64_t)x + C;
    C = (uint64_t)(y >> 64);
    t2 = (uint64_t)y;
    t3 = C + A;
  }
  u128 d0 = (u128)t0 - p[0];
  u128 d1 = (u128)t1 - p[1] - ((uint64_t)(d0 >> 64) & 1);
  u128 d2 = (u128)t2 - p[2] - ((uint64_t)(d1 >> 64) & 1);
  u128 d3 = (u128)t3 - p[3] - ((uint64_t)(d2 >> 64) & 1);
  uint64_t keep = 0 - ((uint64_t)(d3 >> 64) & 1);
  r[0] = (t0 & keep) | ((uint64_t)d0 & ~keep);
  r[1] = (t1 & keep) | ((uint64_t)d1 & ~keep);
  r[2] = (t2 & keep) | ((uint64_t)d2 & ~keep);
  r[3] = (t3 & keep) | ((uint64_t)d3 & ~keep);
}

#if defined(__x86_64__)
/*
 * x86-64: the same algorithms with explicit add-with-carry chains (_addcarry_u64, baseline ISA): GCC turns
 * unsigned __int128 carries into long register shuffles, and this runs the multiplication about 1.6x faster.
 */
#include <x86intrin.h>
typedef unsigned long long ull_t;

static inline void select_reduced(uint64_t r[4], ull_t t0, ull_t t1, ull_t t2, ull_t t3, const uint64_t p[4]) {
  ull_t d0, d1, d2, d3;
  unsigned char bw = _subborrow_u64(0, t0, p[0], &d0);
  bw = _subborrow_u64(bw, t1, p[1], &d1);
  bw = _subborrow_u64(bw, t2, p[2], &d2);
  bw = _subborrow_u64(bw, t3, p[3], &d3);
  ull_t keep = 0 - (ull_t)bw; /* all ones when t < p */
  r[0] = (t0 & keep) | (d0 & ~keep);
  r[1] = (t1 & keep) | (d1 & ~keep);
  r[2] = (t2 & keep) | (d2 & ~keep);
  r[3] = (t3 & keep) | (d3 & ~keep);
}

static inline void mod_add(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4]) {
  ull_t t0, t1, t2, t3;
  unsigned char c = _addcarry_u64(0, a[0], b[0], &t0);
  c = _addcarry_u64(c, a[1], b[1], &t1);
  c = _addcarry_u64(c, a[2], b[2], &t2);
  (void)_addcarry_u64(c, a[3], b[3], &t3); /* no carry out: p < 2^254 */
  select_reduced(r, t0, t1, t2, t3, p);
}

static inline void mod_sub(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4]) {
  ull_t t0, t1, t2, t3;
  unsigned char bw = _subborrow_u64(0, a[0], b[0], &t0);
  bw = _subborrow_u64(bw, a[1], b[1], &t1);
  bw = _subborrow_u64(bw, a[2], b[2], &t2);
  bw = _subborrow_u64(bw, a[3], b[3], &t3);
  ull_t mask = 0 - (ull_t)bw; /* a < b: add p back */
  unsigned char c = _addcarry_u64(0, t0, p[0] & mask, &t0);
  c = _addcarry_u64(c, t1, p[1] & mask, &t1);
  c = _addcarry_u64(c, t2, p[2] & mask, &t2);
  (void)_addcarry_u64(c, t3, p[3] & mask, &t3);
  r[0] = t0; r[1] = t1; r[2] = t2; r[3] = t3;
}

/* CIOS, no-carry variant as in mont_mul_generic: t (five words) += a * b_i, then += m * p and shift one word */
static inline void mont_mul_carry(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4], uint64_t inv) {
  ull_t t0 = 0, t1 = 0, t2 = 0, t3 = 0, t4, z;
  for (int i = 0; i < 4; i++) {
    u128 x0 = (u128)a[0] * b[i], x1 = (u128)a[1] * b[i], x2 = (u128)a[2] * b[i], x3 = (u128)a[3] * b[i];
    unsigned char c = _addcarry_u64(0, t0, (ull_t)x0, &t0);
    c = _addcarry_u64(c, t1, (ull_t)x1, &t1);
    c = _addcarry_u64(c, t2, (ull_t)x2, &t2);
    c = _addcarry_u64(c, t3, (ull_t)x3, &t3);
    t4 = c;
    c = _addcarry_u64(0, t1, (ull_t)(x0 >> 64), &t1);
    c = _addcarry_u64(c, t2, (ull_t)(x1 >> 64), &t2);
    c = _addcarry_u64(c, t3, (ull_t)(x2 >> 64), &t3);
    t4 += (ull_t)(x3 >> 64) + c;
    ull_t m = t0 * inv;
    u128 y0 = (u128)m * p[0], y1 = (u128)m * p[1], y2 = (u128)m * p[2], y3 = (u128)m * p[3];
    c = _addcarry_u64(0, t0, (ull_t)y0, &z); /* z = 0 by the choice of m */
    c = _addcarry_u64(c, t1, (ull_t)y1, &t1);
    c = _addcarry_u64(c, t2, (ull_t)y2, &t2);
    c = _addcarry_u64(c, t3, (ull_t)y3, &t3);
    t4 += c;
    c = _addcarry_u64(0, t1, (ull_t)(y0 >> 64), &t0);
    c = _addcarry_u64(c, t2, (ull_t)(y1 >> 64), &t1);
    c = _addcarry_u64(c, t3, (ull_t)(y2 >> 64), &t2);
    (void)_addcarry_u64(c, t4, (ull_t)(y3 >> 64), &t3);
  }
  (void)z;
  select_reduced(r, t0, t1, t2, t3, p);
}

/*
 * CIOS with BMI2/ADX (mulx, and two independent carry chains: adcx on CF, adox on OF), fully unrolled.
 * Same algorithm and the same no-final-carry bound as mont_mul_generic; generated by a script, checked
 * against mont_mul_generic by fieldCheck() (groth16-addon.c; test/unit/zk-native-prover.test.ts).
 */
static inline void mont_mul_adx(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4], uint64_t inv) {
  __asm__ volatile(
      "xorl %%r15d, %%r15d\n\t"
      "movq 0(%[b]), %%rdx\n\t"
      "mulxq 0(%[a]), %%r8, %%r9\n\t"
      "mulxq 8(%[a]), %%r13, %%r10\n\t"
      "addq %%r13, %%r9\n\t"
      "mulxq 16(%[a]), %%r13, %%r11\n\t"
      "adcq %%r13, %%r10\n\t"
      "mulxq 24(%[a]), %%r13, %%r12\n\t"
      "adcq %%r13, %%r11\n\t"
      "adcq %%r15, %%r12\n\t"
      "movq %%r8, %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %%r13d, %%r13d\n\t"
      "mulxq 0(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r8\n\t"
      "adcxq %%r14, %%r9\n\t"
      "mulxq 8(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r9\n\t"
      "adcxq %%r14, %%r10\n\t"
      "mulxq 16(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r10\n\t"
      "adcxq %%r14, %%r11\n\t"
      "mulxq 24(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r11\n\t"
      "adcxq %%r14, %%r12\n\t"
      "adoxq %%r15, %%r12\n\t"
      "movq 8(%[b]), %%rdx\n\t"
      "xorl %%r13d, %%r13d\n\t"
      "mulxq 0(%[a]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r9\n\t"
      "adcxq %%r14, %%r10\n\t"
      "mulxq 8(%[a]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r10\n\t"
      "adcxq %%r14, %%r11\n\t"
      "mulxq 16(%[a]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r11\n\t"
      "adcxq %%r14, %%r12\n\t"
      "mulxq 24(%[a]), %%r13, %%r8\n\t"
      "adoxq %%r13, %%r12\n\t"
      "adcxq %%r15, %%r8\n\t"
      "adoxq %%r15, %%r8\n\t"
      "movq %%r9, %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %%r13d, %%r13d\n\t"
      "mulxq 0(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r9\n\t"
      "adcxq %%r14, %%r10\n\t"
      "mulxq 8(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r10\n\t"
      "adcxq %%r14, %%r11\n\t"
      "mulxq 16(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r11\n\t"
      "adcxq %%r14, %%r12\n\t"
      "mulxq 24(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r12\n\t"
      "adcxq %%r14, %%r8\n\t"
      "adoxq %%r15, %%r8\n\t"
      "movq 16(%[b]), %%rdx\n\t"
      "xorl %%r13d, %%r13d\n\t"
      "mulxq 0(%[a]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r10\n\t"
      "adcxq %%r14, %%r11\n\t"
      "mulxq 8(%[a]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r11\n\t"
      "adcxq %%r14, %%r12\n\t"
      "mulxq 16(%[a]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r12\n\t"
      "adcxq %%r14, %%r8\n\t"
      "mulxq 24(%[a]), %%r13, %%r9\n\t"
      "adoxq %%r13, %%r8\n\t"
      "adcxq %%r15, %%r9\n\t"
      "adoxq %%r15, %%r9\n\t"
      "movq %%r10, %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %%r13d, %%r13d\n\t"
      "mulxq 0(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r10\n\t"
      "adcxq %%r14, %%r11\n\t"
      "mulxq 8(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r11\n\t"
      "adcxq %%r14, %%r12\n\t"
      "mulxq 16(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r12\n\t"
      "adcxq %%r14, %%r8\n\t"
      "mulxq 24(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r8\n\t"
      "adcxq %%r14, %%r9\n\t"
      "adoxq %%r15, %%r9\n\t"
      "movq 24(%[b]), %%rdx\n\t"
      "xorl %%r13d, %%r13d\n\t"
      "mulxq 0(%[a]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r11\n\t"
      "adcxq %%r14, %%r12\n\t"
      "mulxq 8(%[a]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r12\n\t"
      "adcxq %%r14, %%r8\n\t"
      "mulxq 16(%[a]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r8\n\t"
      "adcxq %%r14, %%r9\n\t"
      "mulxq 24(%[a]), %%r13, %%r10\n\t"
      "adoxq %%r13, %%r9\n\t"
      "adcxq %%r15, %%r10\n\t"
      "adoxq %%r15, %%r10\n\t"
      "movq %%r11, %%rdx\n\t"
      "imulq %[inv], %%rdx\n\t"
      "xorl %%r13d, %%r13d\n\t"
      "mulxq 0(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r11\n\t"
      "adcxq %%r14, %%r12\n\t"
      "mulxq 8(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r12\n\t"
      "adcxq %%r14, %%r8\n\t"
      "mulxq 16(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r8\n\t"
      "adcxq %%r14, %%r9\n\t"
      "mulxq 24(%[p]), %%r13, %%r14\n\t"
      "adoxq %%r13, %%r9\n\t"
      "adcxq %%r14, %%r10\n\t"
      "adoxq %%r15, %%r10\n\t"
      "movq %%r12, %%rdx\n\t"
      "subq 0(%[p]), %%rdx\n\t"
      "movq %%r8, %%r13\n\t"
      "sbbq 8(%[p]), %%r13\n\t"
      "movq %%r9, %%r14\n\t"
      "sbbq 16(%[p]), %%r14\n\t"
      "movq %%r10, %%r11\n\t"
      "sbbq 24(%[p]), %%r11\n\t"
      "cmovncq %%rdx, %%r12\n\t"
      "cmovncq %%r13, %%r8\n\t"
      "cmovncq %%r14, %%r9\n\t"
      "cmovncq %%r11, %%r10\n\t"
      "movq %%r12, 0(%[r])\n\t"
      "movq %%r8, 8(%[r])\n\t"
      "movq %%r9, 16(%[r])\n\t"
      "movq %%r10, 24(%[r])\n\t"
      :
      : [a] "r"(a), [b] "r"(b), [p] "r"(p), [r] "r"(r), [inv] "m"(inv)
      : "rdx", "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15", "cc", "memory");
}

/* Set once at load (bn254-field.c) from CPUID: BMI2 and ADX, on every x86-64 Nitro host generation. */
extern int bn254_have_adx;

static inline void mont_mul(uint64_t r[4], const uint64_t a[4], const uint64_t b[4], const uint64_t p[4], uint64_t inv) {
  if (__builtin_expect(bn254_have_adx, 1)) mont_mul_adx(r, a, b, p, inv);
  else mont_mul_carry(r, a, b, p, inv);
}
#else
#define mod_add mod_add_generic
#define mod_sub mod_sub_generic
#define mont_mul mont_mul_generic
#endif

/* ---- Fq ---- */
static inline void fq_add(fq_t *r, const fq_t *a, const fq_t *b) { mod_add(r->v, a->v, b->v, BN254_Q); }
static inline void fq_sub(fq_t *r, const fq_t *a, const fq_t *b) { mod_sub(r->v, a->v, b->v, BN254_Q); }
static inline void fq_mul(fq_t *r, const fq_t *a, const fq_t *b) { mont_mul(r->v, a->v, b->v, BN254_Q, BN254_Q_INV); }
static inline void fq_sqr(fq_t *r, const fq_t *a) { mont_mul(r->v, a->v, a->v, BN254_Q, BN254_Q_INV); }
static inline void fq_dbl(fq_t *r, const fq_t *a) { mod_add(r->v, a->v, a->v, BN254_Q); }
static inline int fq_is_zero(const fq_t *a) { return limbs_is_zero(a->v); }
static inline int fq_eq(const fq_t *a, const fq_t *b) { return memcmp(a->v, b->v, 32) == 0; }
static inline void fq_neg(fq_t *r, const fq_t *a) {
  if (limbs_is_zero(a->v)) { *r = *a; return; }
  fq_t z = {{0, 0, 0, 0}};
  fq_sub(r, &z, a);
}
void fq_inv(fq_t *r, const fq_t *a);                 /* a^(q-2); 0 maps to 0 */
void fq_from_mont(uint64_t out[4], const fq_t *a);   /* standard form */

/* ---- Fq2 ---- */
static inline void fq2_add(fq2_t *r, const fq2_t *a, const fq2_t *b) { fq_add(&r->c0, &a->c0, &b->c0); fq_add(&r->c1, &a->c1, &b->c1); }
static inline void fq2_sub(fq2_t *r, const fq2_t *a, const fq2_t *b) { fq_sub(&r->c0, &a->c0, &b->c0); fq_sub(&r->c1, &a->c1, &b->c1); }
static inline void fq2_dbl(fq2_t *r, const fq2_t *a) { fq_dbl(&r->c0, &a->c0); fq_dbl(&r->c1, &a->c1); }
static inline void fq2_neg(fq2_t *r, const fq2_t *a) { fq_neg(&r->c0, &a->c0); fq_neg(&r->c1, &a->c1); }
static inline int fq2_is_zero(const fq2_t *a) { return fq_is_zero(&a->c0) && fq_is_zero(&a->c1); }
static inline int fq2_eq(const fq2_t *a, const fq2_t *b) { return fq_eq(&a->c0, &b->c0) && fq_eq(&a->c1, &b->c1); }
static inline void fq2_mul(fq2_t *r, const fq2_t *a, const fq2_t *b) {
  /* Karatsuba: three Fq multiplications */
  fq_t v0, v1, sa, sb, m;
  fq_mul(&v0, &a->c0, &b->c0);
  fq_mul(&v1, &a->c1, &b->c1);
  fq_add(&sa, &a->c0, &a->c1);
  fq_add(&sb, &b->c0, &b->c1);
  fq_mul(&m, &sa, &sb);
  fq_sub(&m, &m, &v0);
  fq_sub(&m, &m, &v1);
  fq_sub(&r->c0, &v0, &v1);
  r->c1 = m;
}
static inline void fq2_sqr(fq2_t *r, const fq2_t *a) {
  /* (a0 + a1 u)^2 = (a0 + a1)(a0 - a1) + 2 a0 a1 u */
  fq_t s, d, p;
  fq_add(&s, &a->c0, &a->c1);
  fq_sub(&d, &a->c0, &a->c1);
  fq_mul(&p, &a->c0, &a->c1);
  fq_mul(&r->c0, &s, &d);
  fq_dbl(&r->c1, &p);
}
void fq2_inv(fq2_t *r, const fq2_t *a);

/* ---- Fr ---- */
static inline void fr_add(fr_t *r, const fr_t *a, const fr_t *b) { mod_add(r->v, a->v, b->v, BN254_R); }
static inline void fr_sub(fr_t *r, const fr_t *a, const fr_t *b) { mod_sub(r->v, a->v, b->v, BN254_R); }
static inline void fr_mul(fr_t *r, const fr_t *a, const fr_t *b) { mont_mul(r->v, a->v, b->v, BN254_R, BN254_R_INV); }
void fr_pow(fr_t *r, const fr_t *a, const uint64_t e[4]);
void fr_inv(fr_t *r, const fr_t *a);
static inline void fr_to_mont(fr_t *r, const uint64_t a[4]) { fr_t x; memcpy(x.v, a, 32); fr_mul(r, &x, &FR_R2); }
static inline void fr_from_mont(uint64_t out[4], const fr_t *a) {
  fr_t one = {{1, 0, 0, 0}}, x;
  fr_mul(&x, a, &one);
  memcpy(out, x.v, 32);
}

#endif
