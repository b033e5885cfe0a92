#ifndef PROVENANT_FIXED_BASE_H
#define PROVENANT_FIXED_BASE_H

#include <stddef.h>
#include "bn254-curve.h"

/*
 * out[i] = scalars[i] * base for n scalars (standard form, 4 limbs each, any 256-bit value): one base, many
 * scalars, as a locally made powers of tau needs (src/groth16/dev-ptau.ts). A table of 32 windows x 255
 * multiples of the base makes each product 32 mixed additions; results are affine, Montgomery
 * coordinates, (0, 0) for infinity. Returns 0, or -1 when memory runs out.
 */
int g1_fixed_base(g1_aff *out, const g1_aff *base, const uint64_t *scalars, size_t n, int threads);
int g2_fixed_base(g2_aff *out, const g2_aff *base, const uint64_t *scalars, size_t n, int threads);

#endif
