/**
 * IEEE 754-2008 binary16 conversions. JavaScript numbers are binary64; rounding goes straight from binary64
 * to binary16 (round to nearest, ties to even, §4.3.1) so no double rounding through binary32 happens.
 */

const HALF_INFINITY = 0x7c00;
const HALF_NAN = 0x7e00;
const MANTISSA_BITS = 10;
const EXPONENT_BIAS = 15;
const MIN_NORMAL_EXPONENT = -14;

/** Rounds `value` to the nearest binary16 and returns its 16 bits. Values past 65504 + half an ulp become infinity. */
export function toHalfBits(value: number): number {
  if (Number.isNaN(value)) return HALF_NAN;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const abs = Math.abs(value);
  if (abs === Infinity) return sign | HALF_INFINITY;
  if (abs < 2 ** MIN_NORMAL_EXPONENT) {
    // Subnormal range: units of 2^-24; abs * 2^24 is exact in binary64. A result of 1024 is the smallest normal.
    return sign | roundHalfEven(abs * 2 ** 24);
  }
  let exponent = Math.floor(Math.log2(abs));
  // Math.log2 may be off by one ulp near powers of two; pin the exponent exactly.
  if (2 ** exponent > abs) exponent--;
  else if (2 ** (exponent + 1) <= abs) exponent++;
  // Scaling by a power of two is exact, so `scaled` in [1024, 2048) carries every bit of the input.
  let significand = roundHalfEven(abs * 2 ** (MANTISSA_BITS - exponent));
  if (significand === 2048) {
    significand = 1024;
    exponent++;
  }
  if (exponent > EXPONENT_BIAS) return sign | HALF_INFINITY;
  return sign | ((exponent + EXPONENT_BIAS) << MANTISSA_BITS) | (significand - 1024);
}

/** The exact binary64 value of a binary16 bit pattern. */
export function fromHalfBits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> MANTISSA_BITS) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mantissa) * 2 ** (exponent - EXPONENT_BIAS - MANTISSA_BITS);
}

function roundHalfEven(scaled: number): number {
  const floor = Math.floor(scaled);
  const fraction = scaled - floor;
  if (fraction > 0.5 || (fraction === 0.5 && floor % 2 === 1)) return floor + 1;
  return floor;
}
