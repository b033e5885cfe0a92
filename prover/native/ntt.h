#ifndef PROVENANT_NTT_H
#define PROVENANT_NTT_H

#include "bn254-field.h"

/* Fr's two-adicity: r - 1 = 2^28 * t with t odd */
#define FR_TWO_ADICITY 28

/* a primitive 2^log_n-th root of unity, 5^(t * 2^(28 - log_n)) (5 is ffjavascript's first non-residue) */
void fr_root_of_unity(fr_t *out, unsigned log_n);
/*
 * In-place radix-2 transform of 2^log_n Montgomery elements, natural order in and out:
 * forward a_j <- sum_i a_i w^(ij); inverse uses w^-1 and scales by 2^-log_n. Returns -1 on OOM.
 */
int fr_ntt(fr_t *a, unsigned log_n, int inverse);

#endif
