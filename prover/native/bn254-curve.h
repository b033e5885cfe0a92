/* BN254 G1 (over Fq, b = 3) and G2 (over Fq2, the twist of EIP-197): point operations, see curve-template.h. */
#ifndef PROVENANT_BN254_CURVE_H
#define PROVENANT_BN254_CURVE_H

#include "bn254-field.h"

static const fq2_t FQ2_ONE_ = {{{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}}, {{0, 0, 0, 0}}};

#define CURVE_TEMPLATE "curve-template.h"
#include "for-each-curve.h"

#endif
