#ifndef PROVENANT_MSM_H
#define PROVENANT_MSM_H

#include <stddef.h>
#include "bn254-curve.h"

/*
 * sum_i scalars[i] * points[i]. scalars: n field elements of Fr in standard form (4 limbs each, < r);
 * points: affine, Montgomery coordinates, (0, 0) = infinity. Returns 0, or -1 when memory runs out.
 */
int g1_msm(g1_jac *out, const g1_aff *points, const uint64_t *scalars, size_t n, int threads);
int g2_msm(g2_jac *out, const g2_aff *points, const uint64_t *scalars, size_t n, int threads);

#endif
