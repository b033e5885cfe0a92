#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "bin-file.h"
#include "groth16-prove.h"
#include "msm.h"
#include "ntt.h"

#define G16_FAIL(status, ...)                                     \
  do {                                                            \
    snprintf(out->message, sizeof out->message, __VA_ARGS__);     \
    rc = (status);                                                \
    goto done;                                                    \
  } while (0)

/* zkey sections (snarkjs src/zkey_utils.js) */
enum { ZK_HEADER = 1, ZK_GROTH = 2, ZK_COEFFS = 4, ZK_A = 5, ZK_B1 = 6, ZK_B2 = 7, ZK_C = 8, ZK_H = 9 };
#define GROTH16_PROTOCOL_ID 1
#define COEF_BYTES (4 * 3 + 32)
#define GROTH_HEADER_BYTES (4 + 32 + 4 + 32 + 4 * 3 + 64 * 3 + 128 * 3)

typedef struct {
  uint32_t n_vars, n_public, power;
  g1_aff alpha1, beta1, delta1;
  g2_aff beta2, delta2;
} zkey_header;

/* copies count*coords field elements (32 bytes each) and checks each is below q: the field code needs reduced inputs */
static int copy_fq(void *dst, const uint8_t *src, size_t elements) {
  memcpy(dst, src, elements * 32);
  const uint64_t *limbs = dst;
  for (size_t i = 0; i < elements; i++) {
    if (!limbs_lt(limbs + 4 * i, BN254_Q)) return -1;
  }
  return 0;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int section_is(const bin_section *s, uint64_t size) { return s->present && s->size == size; }

static void write_fq(uint8_t *dst, const fq_t *a) {
  uint64_t v[4];
  fq_from_mont(v, a);
  memcpy(dst, v, 32);
}

static void apply_coset(fr_t *a, size_t n, const fr_t *inc) {
  fr_t f = FR_ONE;
  for (size_t i = 0; i < n; i++) {
    fr_mul(&a[i], &a[i], &f);
    fr_mul(&f, &f, inc);
  }
}

/* one of A, B, C: domain evaluations -> coefficients -> times inc^i -> evaluations on the odd coset */
typedef struct {
  fr_t *e;
  unsigned power;
  fr_t inc;
  int failed;
} coset_job;

static void *coset_chain(void *arg) {
  coset_job *job = arg;
  size_t n = (size_t)1 << job->power;
  if (fr_ntt(job->e, job->power, 1) != 0) {
    job->failed = 1;
    return NULL;
  }
  apply_coset(job->e, n, &job->inc);
  if (fr_ntt(job->e, job->power, 0) != 0) job->failed = 1;
  return NULL;
}

g16_status g16_prove(const uint8_t *zkey, size_t zkey_len, const uint8_t *wtns, size_t wtns_len, const uint8_t rs[64], int threads, g16_result *out) {
  memset(out, 0, sizeof *out);
  g16_status rc = G16_OK;
  bin_section zs[BIN_MAX_SECTION_TYPE + 1], ws[BIN_MAX_SECTION_TYPE + 1];
  uint64_t *w = NULL, *h_scalars = NULL;
  fr_t *abc = NULL;
  g1_aff *pts1 = NULL;
  g2_aff *pts2 = NULL;
  zkey_header hd;
  char why[120];
  int phase = 0;
  double mark = now_ms();
#define G16_PHASE()                                   \
  do {                                                \
    double t_ = now_ms();                             \
    out->phase_ms[phase++] = t_ - mark;               \
    mark = t_;                                        \
  } while (0)

  if (bin_file_read(zkey, zkey_len, "zkey", 2, zs, why, sizeof why) != 0) G16_FAIL(G16_ZKEY_MALFORMED, "zkey: %s", why);
  if (bin_file_read(wtns, wtns_len, "wtns", 2, ws, why, sizeof why) != 0) G16_FAIL(G16_WTNS_MALFORMED, "wtns: %s", why);

  /* ---- zkey header ---- */
  if (!section_is(&zs[ZK_HEADER], 4) || bin_u32(zs[ZK_HEADER].data) != GROTH16_PROTOCOL_ID) G16_FAIL(G16_ZKEY_MALFORMED, "zkey: not a groth16 key (section 1)");
  const bin_section *g = &zs[ZK_GROTH];
  if (!g->present || g->size < GROTH_HEADER_BYTES) G16_FAIL(G16_ZKEY_MALFORMED, "zkey: groth16 header (section 2) missing or short");
  const uint8_t *p = g->data;
  if (bin_u32(p) != 32 || memcmp(p + 4, BN254_Q, 32) != 0 || bin_u32(p + 36) != 32 || memcmp(p + 40, BN254_R, 32) != 0) {
    G16_FAIL(G16_ZKEY_MALFORMED, "zkey: not a BN254 key");
  }
  hd.n_vars = bin_u32(p + 72);
  hd.n_public = bin_u32(p + 76);
  uint32_t domain = bin_u32(p + 80);
  if (hd.n_vars == 0 || hd.n_vars > G16_MAX_VARS || hd.n_public >= hd.n_vars) G16_FAIL(G16_ZKEY_MALFORMED, "zkey: nVars %u, nPublic %u", hd.n_vars, hd.n_public);
  if (domain < 2 || (domain & (domain - 1)) != 0 || domain > (1u << G16_MAX_DOMAIN_POWER)) G16_FAIL(G16_ZKEY_MALFORMED, "zkey: domain size %u", domain);
  hd.power = (uint32_t)__builtin_ctz(domain);
  p += 84;
  if (copy_fq(&hd.alpha1, p, 2) || copy_fq(&hd.beta1, p + 64, 2) || copy_fq(&hd.beta2, p + 128, 4) || copy_fq(&hd.delta1, p + 384, 2) ||
      copy_fq(&hd.delta2, p + 448, 4)) {
    G16_FAIL(G16_ZKEY_MALFORMED, "zkey: a verification key coordinate is not below q");
  }
  uint64_t n = hd.n_vars, d = domain, n_c = n - hd.n_public - 1;
  if (!section_is(&zs[ZK_A], n * 64) || !section_is(&zs[ZK_B1], n * 64) || !section_is(&zs[ZK_B2], n * 128) || !section_is(&zs[ZK_C], n_c * 64) ||
      !section_is(&zs[ZK_H], d * 64)) {
    G16_FAIL(G16_ZKEY_MALFORMED, "zkey: a point section (5-9) is missing or its size does not match nVars %u / domain %u", hd.n_vars, domain);
  }
  const bin_section *cs = &zs[ZK_COEFFS];
  if (!cs->present || cs->size < 4 || cs->size != 4 + (uint64_t)bin_u32(cs->data) * COEF_BYTES) G16_FAIL(G16_ZKEY_MALFORMED, "zkey: coefficient section (4) size");
  uint32_t n_coef = bin_u32(cs->data);

  /* ---- witness ---- */
  if (!ws[1].present || ws[1].size != 4 + 32 + 4 || bin_u32(ws[1].data) != 32) G16_FAIL(G16_WTNS_MALFORMED, "wtns: header (section 1)");
  if (memcmp(ws[1].data + 4, BN254_R, 32) != 0) G16_FAIL(G16_MISMATCH, "wtns: the witness is not over the key's field");
  if (bin_u32(ws[1].data + 36) != hd.n_vars) G16_FAIL(G16_MISMATCH, "wtns: %u values, the key has %u wires", bin_u32(ws[1].data + 36), hd.n_vars);
  if (!section_is(&ws[2], n * 32)) G16_FAIL(G16_WTNS_MALFORMED, "wtns: value section (2) size");
  w = malloc(n * 32);
  if (w == NULL) G16_FAIL(G16_NO_MEMORY, "out of memory");
  memcpy(w, ws[2].data, n * 32);
  for (uint64_t i = 0; i < n; i++) {
    if (!limbs_lt(w + 4 * i, BN254_R)) G16_FAIL(G16_WTNS_MALFORMED, "wtns: value %llu is not below r", (unsigned long long)i);
  }

  uint64_t rk[4], sk[4];
  memcpy(rk, rs, 32);
  memcpy(sk, rs + 32, 32);
  if (!limbs_lt(rk, BN254_R) || !limbs_lt(sk, BN254_R)) G16_FAIL(G16_RANDOMNESS, "randomness: r and s must be below the group order");

  G16_PHASE();
  /* ---- QAP: A, B evaluations on the domain from the coefficients, C = A * B, then the odd coset ---- */
  abc = calloc(3 * d, sizeof(fr_t));
  h_scalars = malloc(d * 32);
  if (abc == NULL || h_scalars == NULL) G16_FAIL(G16_NO_MEMORY, "out of memory");
  fr_t *ea = abc, *eb = abc + d, *ec = abc + 2 * d;
  const uint8_t *cp = cs->data + 4;
  for (uint32_t i = 0; i < n_coef; i++, cp += COEF_BYTES) {
    uint32_t m = bin_u32(cp), row = bin_u32(cp + 4), col = bin_u32(cp + 8);
    fr_t coef, t;
    memcpy(coef.v, cp + 12, 32);
    if (m > 1 || row >= domain || col >= hd.n_vars || !limbs_lt(coef.v, BN254_R)) G16_FAIL(G16_ZKEY_MALFORMED, "zkey: coefficient %u out of range", i);
    /* snarkjs stores coef * R^2, so this Montgomery product is coef * w in Montgomery form */
    memcpy(t.v, w + 4 * (size_t)col, 32);
    fr_mul(&t, &coef, &t);
    fr_t *dst = m == 0 ? &ea[row] : &eb[row];
    fr_add(dst, dst, &t);
  }
  for (uint64_t i = 0; i < d; i++) fr_mul(&ec[i], &ea[i], &eb[i]);
  /* evaluations on w_2d^(2i+1) (snarkjs' "odd" coset, inc = w[power+1]), where the H points are Lagrange bases */
  G16_PHASE();
  coset_job jobs[3];
  pthread_t tids[2];
  int started[2] = {0, 0};
  for (int k = 0; k < 3; k++) {
    jobs[k] = (coset_job){.e = abc + (size_t)k * d, .power = hd.power, .failed = 0};
    fr_root_of_unity(&jobs[k].inc, hd.power + 1);
  }
  /* the three transforms are independent: two on their own threads when there are cores for them */
  for (int k = 0; k < 2; k++) {
    if (threads > 1) started[k] = pthread_create(&tids[k], NULL, coset_chain, &jobs[k]) == 0;
    if (!started[k]) coset_chain(&jobs[k]);
  }
  coset_chain(&jobs[2]);
  for (int k = 0; k < 2; k++) {
    if (started[k]) pthread_join(tids[k], NULL);
  }
  if (jobs[0].failed || jobs[1].failed || jobs[2].failed) G16_FAIL(G16_NO_MEMORY, "out of memory");
  for (uint64_t i = 0; i < d; i++) {
    fr_t t;
    fr_mul(&t, &ea[i], &eb[i]);
    fr_sub(&t, &t, &ec[i]);
    fr_from_mont(h_scalars + 4 * i, &t);
  }
  G16_PHASE();

  /* ---- MSMs: points copied to aligned memory and range-checked ---- */
  pts1 = malloc((n > d ? n : d) * sizeof(g1_aff));
  pts2 = malloc(n * sizeof(g2_aff));
  if (pts1 == NULL || pts2 == NULL) G16_FAIL(G16_NO_MEMORY, "out of memory");
  g1_jac pa, pb1, pc, ph;
  g2_jac pb;
#define G1_SECTION(sec, count, scalars, result)                                                              \
  if (copy_fq(pts1, zs[sec].data, (count) * 2) != 0) G16_FAIL(G16_ZKEY_MALFORMED, "zkey: section %d: a coordinate is not below q", sec); \
  if (g1_msm(&(result), pts1, (scalars), (count), threads) != 0) G16_FAIL(G16_NO_MEMORY, "out of memory"); \
  G16_PHASE();
  G1_SECTION(ZK_A, n, w, pa)
  G1_SECTION(ZK_B1, n, w, pb1)
  G1_SECTION(ZK_C, n_c, w + 4 * (hd.n_public + 1), pc)
  G1_SECTION(ZK_H, d, h_scalars, ph)
#undef G1_SECTION
  if (copy_fq(pts2, zs[ZK_B2].data, n * 4) != 0) G16_FAIL(G16_ZKEY_MALFORMED, "zkey: section 7: a coordinate is not below q");
  if (g2_msm(&pb, pts2, w, n, threads) != 0) G16_FAIL(G16_NO_MEMORY, "out of memory");
  G16_PHASE();

  /* ---- blinding (Groth 2016, section 3.2): A += alpha + r delta; B += beta + s delta; C += H + s A + r B1 - r s delta ---- */
  g1_jac t1, alpha1, beta1, delta1;
  g2_jac t2, beta2, delta2;
  g1_from_aff(&alpha1, &hd.alpha1);
  g1_from_aff(&beta1, &hd.beta1);
  g1_from_aff(&delta1, &hd.delta1);
  g2_from_aff(&beta2, &hd.beta2);
  g2_from_aff(&delta2, &hd.delta2);
  g1_add(&pa, &pa, &alpha1);
  g1_mul_scalar(&t1, &delta1, rk);
  g1_add(&pa, &pa, &t1);
  g2_add(&pb, &pb, &beta2);
  g2_mul_scalar(&t2, &delta2, sk);
  g2_add(&pb, &pb, &t2);
  g1_add(&pb1, &pb1, &beta1);
  g1_mul_scalar(&t1, &delta1, sk);
  g1_add(&pb1, &pb1, &t1);
  g1_add(&pc, &pc, &ph);
  g1_mul_scalar(&t1, &pa, sk);
  g1_add(&pc, &pc, &t1);
  g1_mul_scalar(&t1, &pb1, rk);
  g1_add(&pc, &pc, &t1);
  fr_t rm, sm, rsm;
  fr_to_mont(&rm, rk);
  fr_to_mont(&sm, sk);
  fr_mul(&rsm, &rm, &sm);
  fr_t zero = {{0, 0, 0, 0}};
  fr_sub(&rsm, &zero, &rsm);
  uint64_t neg_rs[4];
  fr_from_mont(neg_rs, &rsm);
  g1_mul_scalar(&t1, &delta1, neg_rs);
  g1_add(&pc, &pc, &t1);

  g1_aff a_aff, c_aff;
  g2_aff b_aff;
  g1_to_aff(&a_aff, &pa);
  g2_to_aff(&b_aff, &pb);
  g1_to_aff(&c_aff, &pc);
  write_fq(out->a, &a_aff.x);
  write_fq(out->a + 32, &a_aff.y);
  write_fq(out->b, &b_aff.x.c0);
  write_fq(out->b + 32, &b_aff.x.c1);
  write_fq(out->b + 64, &b_aff.y.c0);
  write_fq(out->b + 96, &b_aff.y.c1);
  write_fq(out->c, &c_aff.x);
  write_fq(out->c + 32, &c_aff.y);
  out->n_public = hd.n_public;
  out->public_signals = malloc(hd.n_public == 0 ? 1 : (size_t)hd.n_public * 32);
  if (out->public_signals == NULL) G16_FAIL(G16_NO_MEMORY, "out of memory");
  memcpy(out->public_signals, w + 4, (size_t)hd.n_public * 32);
  G16_PHASE();
#undef G16_PHASE

done:
  free(w);
  free(h_scalars);
  free(abc);
  free(pts1);
  free(pts2);
  return rc;
}
