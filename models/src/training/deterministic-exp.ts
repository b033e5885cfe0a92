/**
 * exp(x) from +, -, *, / only. Math.exp is "implementation-approximated" (ECMA-262 §21.3.2.14), so
 * its last bit may differ between engines or versions; IEEE 754 basic operations are correctly
 * rounded everywhere, which keeps training, and so the models' bytes, reproducible.
 */
const LN2_HI = 0.6931471803691238; // high bits of ln 2 (fdlibm's split), exact product with small k
const LN2_LO = 1.9082149292705877e-10;
const INV_LN2 = 1.4426950408889634;
/** Taylor coefficients 1/n! for n = 0..13: |r| <= ln2/2 keeps the truncation error under 1e-16. */
const COEFFICIENTS = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040, 1 / 40320, 1 / 362880, 1 / 3628800, 1 / 39916800, 1 / 479001600, 1 / 6227020800];
const scratch = new DataView(new ArrayBuffer(8));

/** 2^k for integer k in the normal range, built from its exponent bits (exact). */
function powerOfTwo(k: number): number {
  scratch.setUint32(0, (k + 1023) << 20);
  scratch.setUint32(4, 0);
  return scratch.getFloat64(0);
}

export function deterministicExp(x: number): number {
  if (x < -700) return 0; // softmax inputs are shifted to <= 0; below this exp is far under 1e-300
  if (x > 700) return Infinity;
  const k = Math.round(x * INV_LN2);
  const r = x - k * LN2_HI - k * LN2_LO;
  let sum = COEFFICIENTS[COEFFICIENTS.length - 1]!;
  for (let i = COEFFICIENTS.length - 2; i >= 0; i--) sum = sum * r + COEFFICIENTS[i]!;
  return sum * powerOfTwo(k);
}

/** Softmax in place over values[offset, offset + count), shifted by the max for stability. */
export function softmaxInPlace(values: Float64Array, offset: number, count: number): void {
  let max = -Infinity;
  for (let i = 0; i < count; i++) max = Math.max(max, values[offset + i]!);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const e = deterministicExp(values[offset + i]! - max);
    values[offset + i] = e;
    total += e;
  }
  for (let i = 0; i < count; i++) values[offset + i] = values[offset + i]! / total;
}

export function argmax(values: ArrayLike<number>, offset: number, count: number): number {
  let best = 0;
  for (let i = 1; i < count; i++) if (values[offset + i]! > values[offset + best]!) best = i;
  return best;
}
