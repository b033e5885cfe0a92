/* BN254 G1 (over Fq, b = 3) and G2 (over Fq2, the twist of EIP-197): point operations, see curve-template.h. */
#ifndef PROVENANT_BN254_CURVE_H
#define PROVENANT_BN254_CURVE_H

#include "bn254-field.h"

static const fq2_t FQ2_ONE_ = {{{0xd35d438dc58f0d9dULL, 0x0a78eb28f5c70b3dULL, 0x666ea36f7879462cULL, 0x0e0a77c19a07df2fULL}}, {{0, 0, 0, 0}}};

#define FE fq_t
#define FONE FQ_ONE
#define F_(name) fq_##name
#define P_(name) g1_##name
#include "curve-template.h"
#undef FE
#undef FONE
#undef F_
#undef P_

#define FE fq2_t
#define FONE FQ2_ONE_
#define F_(name) fq2_##name
#define P_(name) g2_##name
#include "curve-template.h"
#undef FE
#undef FONE
#undef F_
#undef P_

#endif
