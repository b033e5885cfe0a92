#ifndef PROVENANT_GROTH16_PROVE_H
#define PROVENANT_GROTH16_PROVE_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
  G16_OK = 0,
  G16_ZKEY_MALFORMED,
  G16_WTNS_MALFORMED,
  G16_MISMATCH,     /* zkey and wtns do not belong together */
  G16_RANDOMNESS,   /* r or s not below the group order */
  G16_NO_MEMORY,
} g16_status;

/* largest evaluation domain accepted: the coset shift needs a 2^(power+1)-th root, and 2^26 points is a 2 GiB H section */
#define G16_MAX_DOMAIN_POWER 26
#define G16_MAX_VARS (1u << 28)

#define G16_PHASES 9

typedef struct {
  /* affine coordinates, standard form, 32-byte little-endian each; all zero = the point at infinity */
  uint8_t a[64];        /* x, y */
  uint8_t b[128];       /* x.c0, x.c1, y.c0, y.c1 */
  uint8_t c[64];
  uint8_t *public_signals; /* n_public * 32 bytes, malloc'd, caller frees */
  uint32_t n_public;
  /* wall time of each step in ms, for benchmarks: parse, qap, fft, msmA, msmB1, msmC, msmH, msmB2, blind */
  double phase_ms[G16_PHASES];
  char message[200];
} g16_result;

/*
 * A Groth16 proof in snarkjs' algorithm (src/groth16_prove.js, 0.7.x): zkey/wtns in their binary formats,
 * rs = r || s, 32-byte little-endian each, both < the BN254 group order. Spreads MSM windows over `threads`.
 */
g16_status g16_prove(const uint8_t *zkey, size_t zkey_len, const uint8_t *wtns, size_t wtns_len, const uint8_t rs[64], int threads, g16_result *out);

#endif
