/*
 * Instantiates the template named by CURVE_TEMPLATE (a header path, defined by the includer) once per
 * BN254 group: G1 over Fq, then G2 over Fq2, each with FE, FONE, F_(name) and P_(name) defined as the
 * templates expect. No include guard, on purpose: every template is instantiated through this file.
 */
#define FE fq_t
#define FONE FQ_ONE
#define F_(name) fq_##name
#define P_(name) g1_##name
#include CURVE_TEMPLATE
#undef FE
#undef FONE
#undef F_
#undef P_

#define FE fq2_t
#define FONE FQ2_ONE_
#define F_(name) fq2_##name
#define P_(name) g2_##name
#include CURVE_TEMPLATE
#undef FE
#undef FONE
#undef F_
#undef P_

#undef CURVE_TEMPLATE
