/*
 * Short Weierstrass y^2 = x^3 + b (a = 0) in Jacobian coordinates, written once over a field FE and
 * instantiated for G1 over Fq and G2 over Fq2 by bn254-curve.h (through for-each-curve.h). Formulas
 * from the Explicit-Formulas Database (hyperelliptic.org/EFD/g1p/auto-shortw-jacobian-0.html):
 * dbl-2009-l, madd-2007-bl, add-2007-bl.
 * Affine (0, 0) is the point at infinity, as in snarkjs' zkey points (it is not on either curve).
 * for-each-curve.h defines FE, FONE, F_(name) and P_(name).
 */
typedef struct { FE x, y, z; } P_(jac);
typedef struct { FE x, y; } P_(aff);

static inline int P_(aff_is_inf)(const P_(aff) *p) { return F_(is_zero)(&p->x) && F_(is_zero)(&p->y); }
static inline int P_(is_inf)(const P_(jac) *p) { return F_(is_zero)(&p->z); }
static inline void P_(set_inf)(P_(jac) *p) { memset(p, 0, sizeof *p); }

static inline void P_(from_aff)(P_(jac) *r, const P_(aff) *a) {
  if (P_(aff_is_inf)(a)) { P_(set_inf)(r); return; }
  r->x = a->x; r->y = a->y; r->z = FONE;
}

static inline void P_(dbl)(P_(jac) *r, const P_(jac) *p) {
  if (P_(is_inf)(p)) { *r = *p; return; }
  FE a, b, c, d, e, f, t, x3, y3, z3;
  F_(sqr)(&a, &p->x);
  F_(sqr)(&b, &p->y);
  F_(sqr)(&c, &b);
  F_(add)(&t, &p->x, &b);
  F_(sqr)(&t, &t);
  F_(sub)(&t, &t, &a);
  F_(sub)(&t, &t, &c);
  F_(dbl)(&d, &t);
  F_(dbl)(&e, &a);
  F_(add)(&e, &e, &a);
  F_(sqr)(&f, &e);
  F_(mul)(&z3, &p->y, &p->z);
  F_(dbl)(&z3, &z3);
  F_(dbl)(&t, &d);
  F_(sub)(&x3, &f, &t);
  F_(sub)(&t, &d, &x3);
  F_(mul)(&y3, &e, &t);
  F_(dbl)(&c, &c);
  F_(dbl)(&c, &c);
  F_(dbl)(&c, &c);
  F_(sub)(&y3, &y3, &c);
  r->x = x3; r->y = y3; r->z = z3;
}

/* r = p + q with q affine */
static inline void P_(madd)(P_(jac) *r, const P_(jac) *p, const P_(aff) *q) {
  if (P_(aff_is_inf)(q)) { *r = *p; return; }
  if (P_(is_inf)(p)) { P_(from_aff)(r, q); return; }
  FE z1z1, u2, s2, h, rr, hh, i, j, v, t, x3, y3, z3;
  F_(sqr)(&z1z1, &p->z);
  F_(mul)(&u2, &q->x, &z1z1);
  F_(mul)(&s2, &q->y, &p->z);
  F_(mul)(&s2, &s2, &z1z1);
  F_(sub)(&h, &u2, &p->x);
  F_(sub)(&rr, &s2, &p->y);
  if (F_(is_zero)(&h)) {
    if (F_(is_zero)(&rr)) P_(dbl)(r, p);
    else P_(set_inf)(r);
    return;
  }
  F_(sqr)(&hh, &h);
  F_(dbl)(&i, &hh);
  F_(dbl)(&i, &i);
  F_(mul)(&j, &h, &i);
  F_(dbl)(&rr, &rr);
  F_(mul)(&v, &p->x, &i);
  F_(sqr)(&x3, &rr);
  F_(sub)(&x3, &x3, &j);
  F_(sub)(&x3, &x3, &v);
  F_(sub)(&x3, &x3, &v);
  F_(sub)(&t, &v, &x3);
  F_(mul)(&y3, &rr, &t);
  F_(mul)(&t, &p->y, &j);
  F_(dbl)(&t, &t);
  F_(sub)(&y3, &y3, &t);
  F_(add)(&z3, &p->z, &h);
  F_(sqr)(&z3, &z3);
  F_(sub)(&z3, &z3, &z1z1);
  F_(sub)(&z3, &z3, &hh);
  r->x = x3; r->y = y3; r->z = z3;
}

static inline void P_(add)(P_(jac) *r, const P_(jac) *p, const P_(jac) *q) {
  if (P_(is_inf)(p)) { *r = *q; return; }
  if (P_(is_inf)(q)) { *r = *p; return; }
  FE z1z1, z2z2, u1, u2, s1, s2, h, rr, i, j, v, t, x3, y3, z3;
  F_(sqr)(&z1z1, &p->z);
  F_(sqr)(&z2z2, &q->z);
  F_(mul)(&u1, &p->x, &z2z2);
  F_(mul)(&u2, &q->x, &z1z1);
  F_(mul)(&s1, &p->y, &q->z);
  F_(mul)(&s1, &s1, &z2z2);
  F_(mul)(&s2, &q->y, &p->z);
  F_(mul)(&s2, &s2, &z1z1);
  F_(sub)(&h, &u2, &u1);
  F_(sub)(&rr, &s2, &s1);
  if (F_(is_zero)(&h)) {
    if (F_(is_zero)(&rr)) P_(dbl)(r, p);
    else P_(set_inf)(r);
    return;
  }
  F_(dbl)(&i, &h);
  F_(sqr)(&i, &i);
  F_(mul)(&j, &h, &i);
  F_(dbl)(&rr, &rr);
  F_(mul)(&v, &u1, &i);
  F_(sqr)(&x3, &rr);
  F_(sub)(&x3, &x3, &j);
  F_(sub)(&x3, &x3, &v);
  F_(sub)(&x3, &x3, &v);
  F_(sub)(&t, &v, &x3);
  F_(mul)(&y3, &rr, &t);
  F_(mul)(&t, &s1, &j);
  F_(dbl)(&t, &t);
  F_(sub)(&y3, &y3, &t);
  F_(add)(&z3, &p->z, &q->z);
  F_(sqr)(&z3, &z3);
  F_(sub)(&z3, &z3, &z1z1);
  F_(sub)(&z3, &z3, &z2z2);
  F_(mul)(&z3, &z3, &h);
  r->x = x3; r->y = y3; r->z = z3;
}

static inline void P_(to_aff)(P_(aff) *r, const P_(jac) *p) {
  if (P_(is_inf)(p)) { memset(r, 0, sizeof *r); return; }
  FE zi, zi2, zi3;
  F_(inv)(&zi, &p->z);
  F_(sqr)(&zi2, &zi);
  F_(mul)(&zi3, &zi2, &zi);
  F_(mul)(&r->x, &p->x, &zi2);
  F_(mul)(&r->y, &p->y, &zi3);
}

/* k * p, k in standard form (not Montgomery), double-and-add: used a handful of times per proof. */
static inline void P_(mul_scalar)(P_(jac) *r, const P_(jac) *p, const uint64_t k[4]) {
  P_(jac) acc, base = *p;
  P_(set_inf)(&acc);
  for (int i = 255; i >= 0; i--) {
    P_(dbl)(&acc, &acc);
    if ((k[i / 64] >> (i % 64)) & 1) P_(add)(&acc, &acc, &base);
  }
  *r = acc;
}
