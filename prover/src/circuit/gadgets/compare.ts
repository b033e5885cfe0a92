import type { ConstraintSystem } from '../constraint-system.js';
import { lcAccumulate, lcConst, lcSignal, lcSub, type Lc } from '../linear-combination.js';
import { decompose } from './bits.js';

/**
 * The bit [a - b >= threshold] for values with |a - b - threshold| < 2^diffBits (a static bound the
 * caller derives from range-checked operands): decompose a - b - threshold + 2^diffBits into
 * diffBits + 1 bits; the top bit is the answer (diffBits + 2 constraints).
 */
export function geBit(cs: ConstraintSystem, a: Lc, b: Lc, threshold: bigint, diffBits: number, what: string): number {
  const d = lcAccumulate(lcSub(a, b), lcConst(-threshold));
  const bits = decompose(cs, d, 1n << BigInt(diffBits), diffBits + 1, what);
  return bits[diffBits]!;
}

/** c ? x : y as y + c·(x - y): one multiplication. */
export function select(cs: ConstraintSystem, c: number, x: Lc, y: Lc): Lc {
  const diff = lcSub(x, y);
  const out = cs.newSignal('internal', cs.value(y) + cs.value(lcSignal(c)) * cs.value(diff));
  // c·(x - y) = out - y
  cs.enforce(lcSignal(c), diff, lcSub(lcSignal(out), y));
  return lcSignal(out);
}

/** max(a, b) (diffBits + 3 constraints). */
export function max2(cs: ConstraintSystem, a: Lc, b: Lc, diffBits: number, what: string): Lc {
  const aGe = geBit(cs, a, b, 0n, diffBits, what);
  return select(cs, aGe, a, b);
}

/**
 * ONNX ArgMax (keepdims aside, select_last_index = 0): the first index of the maximum. A later
 * element replaces the running maximum only when strictly greater, i.e. x - max >= 1.
 */
export function argmax(cs: ConstraintSystem, xs: readonly Lc[], diffBits: number, what: string): Lc {
  let best = xs[0]!;
  let index: Lc = new Map();
  for (let i = 1; i < xs.length; i++) {
    const gt = geBit(cs, xs[i]!, best, 1n, diffBits, what);
    best = select(cs, gt, xs[i]!, best);
    index = select(cs, gt, lcConst(BigInt(i)), index);
  }
  return index;
}
