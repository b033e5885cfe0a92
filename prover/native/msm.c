#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include "msm.h"

#define MSM_NEG_BIT 0x80000000u
#define MSM_TIERS 5
#define MSM_MAX_THREADS 16
#define ONES_TASK 0xffffffffu
#define ONES_CHUNK 4096
#define MSM_MAX_WINDOW 16
/* upper bit length of each tier; a tier's real width is its largest member's */
static const unsigned TIER_BITS[MSM_TIERS] = {16, 32, 64, 128, 256};

typedef struct {
  size_t ones, ones_start;
  size_t count[MSM_TIERS], start[MSM_TIERS];
  unsigned bits[MSM_TIERS], c[MSM_TIERS], windows[MSM_TIERS];
} msm_tiers;

static inline uint32_t msm_digit(const uint64_t k[4], unsigned bit, unsigned c) {
  unsigned limb = bit / 64, off = bit % 64;
  if (limb >= 4) return 0;
  uint64_t v = k[limb] >> off;
  if (off + c > 64 && limb < 3) v |= k[limb + 1] << (64 - off);
  return (uint32_t)(v & ((1u << c) - 1));
}

static unsigned bit_length(const uint64_t k[4]) {
  for (int i = 3; i >= 0; i--) {
    if (k[i] != 0) return (unsigned)(64 * i + 64 - __builtin_clzll(k[i]));
  }
  return 0;
}

/* window width minimising windows * (entries + 2 * buckets): each bucket costs two full additions */
static unsigned best_window(size_t m, unsigned bits) {
  unsigned best = 1;
  double best_cost = -1;
  for (unsigned c = 1; c <= MSM_MAX_WINDOW; c++) {
    double cost = (double)((bits + c - 1) / c) * ((double)m + 2.0 * (double)((1u << c) - 1));
    if (best_cost < 0 || cost < best_cost) {
      best_cost = cost;
      best = c;
    }
  }
  return best;
}

/* k[i] = min(s, r - s) with the choice in idx's sign bit; zeros dropped; ones first, then tiers by width */
static void msm_classify(msm_tiers *t, uint64_t *k, uint32_t *idx, uint8_t *cls_of, const uint64_t *scalars, size_t n) {
  static const uint64_t HALF[4] = {0xa1f0fac9f8000000ULL, 0x9419f4243cdcb848ULL, 0xdc2822db40c0ac2eULL, 0x183227397098d014ULL};
  memset(t, 0, sizeof *t);
  /* first pass: reduce and count */
  for (size_t i = 0; i < n; i++) {
    const uint64_t *s = scalars + 4 * i;
    uint64_t *ki = k + 4 * i;
    uint32_t neg = 0;
    if (limbs_lt(HALF, s)) {
      memcpy(ki, BN254_R, 32);
      limbs_sub_p(ki, s);
      neg = 1;
    } else {
      memcpy(ki, s, 32);
    }
    unsigned b = bit_length(ki);
    uint32_t cls;
    if (b == 0) cls = 0;
    else if (b == 1) { cls = 1; t->ones++; }
    else {
      cls = 2;
      while (b > TIER_BITS[cls - 2]) cls++;
      t->count[cls - 2]++;
      if (b > t->bits[cls - 2]) t->bits[cls - 2] = b;
    }
    cls_of[i] = (uint8_t)(cls | (neg << 7));
  }
  size_t at = 0;
  t->ones_start = at;
  at += t->ones;
  size_t fill[MSM_TIERS + 1];
  fill[0] = t->ones_start;
  for (int c = 0; c < MSM_TIERS; c++) {
    t->start[c] = at;
    fill[c + 1] = at;
    at += t->count[c];
    if (t->count[c] > 0) {
      t->c[c] = best_window(t->count[c], t->bits[c]);
      t->windows[c] = (t->bits[c] + t->c[c] - 1) / t->c[c];
    }
  }
  for (size_t i = 0; i < n; i++) {
    uint32_t cls = cls_of[i] & 0x7f, neg = cls_of[i] >> 7;
    if (cls == 0) continue;
    idx[fill[cls - 1]++] = (uint32_t)i | (neg ? MSM_NEG_BIT : 0);
  }
}

#define CURVE_TEMPLATE "msm-template.h"
#include "for-each-curve.h"
