import { createError } from '@provenant/protocol';

/**
 * How real numbers become field elements (docs/zk.md §Fixed point). Every tensor carries a scale
 * exponent e (integer v stands for v / 2^e); inputs and weights are quantized at e = scaleBits.
 */
export interface QuantizationConfig {
  /** s: inputs and weights are multiplied by 2^s and rounded half away from zero. */
  readonly scaleBits: number;
  /** B: every rescaled value (and every input unless inputRange narrows it) is a B-bit signed integer at scale s. */
  readonly bitWidth: number;
  /** Real range the inputs are promised to lie in; sets the input width (fewer constraints than B bits). */
  readonly inputRange?: readonly [number, number];
  /** Also expose the quantized output as public signals (at most MAX_CLEAR_OUTPUTS elements). */
  readonly publicOutput?: boolean;
}

export const DEFAULT_SCALE_BITS = 8;
export const DEFAULT_BIT_WIDTH = 24;
export const MAX_SCALE_BITS = 24;
/** Keeps scale + width products far inside the 254-bit field (values stay below 2^200, checked). */
export const MAX_BIT_WIDTH = 64;
export const MIN_BIT_WIDTH = 4;
export const MAX_CLEAR_OUTPUTS = 64;

const KEYS = new Set(['scaleBits', 'bitWidth', 'inputRange', 'publicOutput']);

function invalid(detail: string): never {
  throw createError('PRV_ERR_ZK_CONFIG_INVALID', detail);
}

/** Validates a caller's config (unknown keys rejected, STYLE rule 9) and fills the defaults. */
export function resolveQuantizationConfig(config: unknown): QuantizationConfig {
  if (config === undefined) return { scaleBits: DEFAULT_SCALE_BITS, bitWidth: DEFAULT_BIT_WIDTH };
  if (typeof config !== 'object' || config === null || Array.isArray(config)) invalid('config must be an object');
  for (const key of Object.keys(config)) if (!KEYS.has(key)) invalid(`unknown key ${JSON.stringify(key)}`);
  const c = config as Record<string, unknown>;
  const scaleBits = c['scaleBits'] ?? DEFAULT_SCALE_BITS;
  const bitWidth = c['bitWidth'] ?? DEFAULT_BIT_WIDTH;
  if (typeof scaleBits !== 'number' || !Number.isInteger(scaleBits) || scaleBits < 0 || scaleBits > MAX_SCALE_BITS) {
    invalid(`scaleBits must be an integer in [0, ${MAX_SCALE_BITS}]`);
  }
  if (typeof bitWidth !== 'number' || !Number.isInteger(bitWidth) || bitWidth < MIN_BIT_WIDTH || bitWidth > MAX_BIT_WIDTH) {
    invalid(`bitWidth must be an integer in [${MIN_BIT_WIDTH}, ${MAX_BIT_WIDTH}]`);
  }
  if (bitWidth <= scaleBits) invalid('bitWidth must exceed scaleBits (values need integer bits)');
  const out: { scaleBits: number; bitWidth: number; inputRange?: readonly [number, number]; publicOutput?: boolean } = { scaleBits, bitWidth };
  const range = c['inputRange'];
  if (range !== undefined) {
    if (!Array.isArray(range) || range.length !== 2 || !range.every((v) => typeof v === 'number' && Number.isFinite(v)) || range[0] > range[1]) {
      invalid('inputRange must be [min, max] with finite min <= max');
    }
    out.inputRange = [range[0] as number, range[1] as number];
  }
  const pub = c['publicOutput'];
  if (pub !== undefined) {
    if (typeof pub !== 'boolean') invalid('publicOutput must be a boolean');
    out.publicOutput = pub;
  }
  return out;
}

/**
 * How the input elements are range-checked (docs/zk.md §1): `x + offset ∈ [0, 2^bits)` by one bits-wide
 * decomposition. A non-negative inputRange is checked unsigned (offset 0, the fewest bits holding its
 * maximum at scale s); any other range signed (offset 2^(bits-1), bits including the sign). Without an
 * inputRange, inputs are signed B-bit values. Either way every input lies in the signed B-bit range
 * [-2^(B-1), 2^(B-1)) that the commitment's packing (x + 2^(B-1), docs/zk.md §3) requires.
 */
export interface InputRangeCheck {
  readonly bits: number;
  readonly offset: bigint;
  /** Smallest signed width holding every checked value (`bits` + 1 when unsigned). */
  readonly signedBits: number;
  /** Largest |x| the check allows. */
  readonly bound: bigint;
}

export function inputRangeCheck(config: QuantizationConfig): InputRangeCheck {
  const B = config.bitWidth;
  const range = config.inputRange;
  if (range === undefined) return { bits: B, offset: 1n << BigInt(B - 1), signedBits: B, bound: 1n << BigInt(B - 1) };
  const m = Math.max(Math.abs(range[0]), Math.abs(range[1]));
  const qmax = BigInt(Math.ceil(m * 2 ** config.scaleBits));
  const magnitudeBits = qmax.toString(2).length;
  if (range[0] >= 0) {
    if (magnitudeBits + 1 > B) invalid('inputRange does not fit bitWidth at scaleBits');
    return { bits: magnitudeBits, offset: 0n, signedBits: magnitudeBits + 1, bound: (1n << BigInt(magnitudeBits)) - 1n };
  }
  const width = magnitudeBits + 1;
  if (width > B) invalid('inputRange does not fit bitWidth at scaleBits');
  return { bits: width, offset: 1n << BigInt(width - 1), signedBits: width, bound: 1n << BigInt(width - 1) };
}

/** Round half away from zero of x·2^s (x·2^s is exact in float64 for float32 x and s <= 24). */
export function quantize(x: number, s: number): bigint {
  const scaled = x * 2 ** s;
  const r = Math.sign(scaled) * Math.floor(Math.abs(scaled) + 0.5);
  if (!Number.isSafeInteger(r)) throw createError('PRV_ERR_ZK_OVERFLOW', `constant or input ${x} too large at scale 2^${s}`);
  return BigInt(r);
}
