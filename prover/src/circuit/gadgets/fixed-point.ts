import { toSigned } from '../../field/bn254-field.js';
import type { ConstraintSystem } from '../constraint-system.js';
import { lcAccumulate, lcConst, lcSignal, type Lc } from '../linear-combination.js';
import { bitsToLc, decompose } from './bits.js';

/**
 * floor(x / 2^k) as a B-bit signed value, with one decomposition of x + 2^(k+B-1) into k + B bits:
 * the low k bits are the remainder r (so 0 <= r < 2^k is constrained, not merely computed), the high
 * B bits are q + 2^(B-1). x = q·2^k + r then holds by the linear constraint inside decompose.
 * k + B + 1 constraints. Returns q as a linear combination of bits and the bits.
 */
export function rescale(cs: ConstraintSystem, x: Lc, k: number, width: number, what: string): { q: Lc; bits: number[] } {
  const bits = decompose(cs, x, 1n << BigInt(k + width - 1), k + width, what);
  const q = bitsToLc(bits, k, k + width);
  lcAccumulate(q, lcConst(-(1n << BigInt(width - 1))));
  return { q, bits };
}

/**
 * ReLU(floor(x / 2^k)) sharing the rescale's decomposition: the top bit is 1 exactly when q >= 0,
 * so y = top·q costs one multiplication (k + B + 2 constraints in all, REFERENCE.md "R1CS costs").
 * k = 0 gives a plain ReLU on a B-bit value.
 */
export function rescaleRelu(cs: ConstraintSystem, x: Lc, k: number, width: number, what: string): Lc {
  const { q, bits } = rescale(cs, x, k, width, what);
  const top = bits[bits.length - 1]!;
  const qv = toSigned(cs.value(q));
  const y = cs.newSignal('internal', qv > 0n ? qv : 0n);
  cs.enforce(lcSignal(top), q, lcSignal(y));
  return lcSignal(y);
}
