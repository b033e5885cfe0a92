import { toSigned } from '../../field/bn254-field.js';
import type { ConstraintSystem } from '../constraint-system.js';
import { lcAccumulate, lcConst, lcSignal, type Lc } from '../linear-combination.js';

/**
 * Decomposes (x + offset) into nBits boolean signals, least significant first: nBits constraints
 * b·b = b plus one linear constraint sum(b_i·2^i) = x + offset, which together prove
 * 0 <= x + offset < 2^nBits as integers (nBits stays far below the 254-bit field, so the sum cannot
 * wrap). A value outside that range is a witness-time PRV_ERR_ZK_OVERFLOW naming `what`.
 */
export function decompose(cs: ConstraintSystem, x: Lc, offset: bigint, nBits: number, what: string): number[] {
  const shifted = toSigned(cs.value(x)) + offset;
  if (cs.checkRanges && (shifted < 0n || shifted >= 1n << BigInt(nBits))) {
    cs.overflow(`${what} outside its ${nBits}-bit range`);
  }
  const v = BigInt.asUintN(nBits, shifted);
  const bits: number[] = [];
  const sum: Lc = new Map();
  for (let i = 0; i < nBits; i++) {
    const b = cs.newSignal('internal', (v >> BigInt(i)) & 1n);
    const lb = lcSignal(b);
    cs.enforce(lb, lb, lb);
    lcAccumulate(sum, lb, 1n << BigInt(i));
    bits.push(b);
  }
  cs.enforceEqual(sum, lcAccumulate(new Map(x), lcConst(offset)));
  return bits;
}

/** Weighted sum of bits[from, to) as a linear combination, bit `from` having weight 1. */
export function bitsToLc(bits: readonly number[], from: number, to: number): Lc {
  const lc: Lc = new Map();
  for (let i = from; i < to; i++) lcAccumulate(lc, lcSignal(bits[i]!), 1n << BigInt(i - from));
  return lc;
}

/** Proves a signed value lies in [-2^(width-1), 2^(width-1)) by offsetting (width + 1 constraints). */
export function rangeCheckSigned(cs: ConstraintSystem, x: Lc, width: number, what: string): number[] {
  return decompose(cs, x, 1n << BigInt(width - 1), width, what);
}
