import { createError } from '@provenant/protocol';
import { toSigned } from '../field/bn254-field.js';
import type { ConstraintSystem } from '../circuit/constraint-system.js';
import type { Lc } from '../circuit/linear-combination.js';
import type { OnnxNode } from '@provenant/onnx';
import { quantize, type QuantizationConfig } from './quantization-config.js';

/**
 * One tensor element inside the circuit: its linear combination, a static bound on |integer value|
 * that constraints guarantee (range checks plus interval arithmetic over constants), and err, an
 * upper bound on |dequantized value − exact real value| computed from this witness's values.
 */
export interface Item {
  readonly lc: Lc;
  readonly bound: bigint;
  readonly err: number;
  /** Set when constraints already hold the value in the signed range of this many bits. */
  readonly rangeBits?: number;
}

/** A tensor in the circuit; element i stands for value(items[i]) / 2^scale. */
export interface CircuitTensor {
  readonly kind: 'circuit';
  readonly shape: readonly number[];
  readonly scale: number;
  readonly items: readonly Item[];
}

/** A constant (initializer or Constant node): folded into linear combinations, never a wire. */
export interface ConstTensor {
  readonly kind: 'const';
  readonly shape: readonly number[];
  readonly data: Float32Array;
  readonly ints?: BigInt64Array;
}

export type GraphValue = CircuitTensor | ConstTensor;

export interface OpContext {
  readonly cs: ConstraintSystem;
  readonly config: QuantizationConfig;
  readonly node: OnnxNode;
  readonly label: string;
}

/**
 * Values must stay far below p/2 so that integer semantics and field semantics agree: a sum that
 * could wrap around the 254-bit modulus would make range checks meaningless.
 */
export const MAX_STATIC_BOUND = 1n << 200n;

/** Largest tensor a node may produce: a hostile 1×1 Conv with many channels must not exhaust memory. */
export const MAX_CIRCUIT_TENSOR_ELEMENTS = 1 << 22;
/** Largest number of weight × input terms one linear node may fold into linear combinations. */
export const MAX_LINEAR_TERMS = 1 << 26;

/** Refuses a node whose output or folded work exceeds the limits above, before any allocation. */
export function assertWork(ctx: { label: string }, outputElements: number, termsPerOutput: number): void {
  if (!(outputElements <= MAX_CIRCUIT_TENSOR_ELEMENTS)) unsupported(ctx, `output of ${outputElements} elements exceeds MAX_CIRCUIT_TENSOR_ELEMENTS`);
  if (!(outputElements * termsPerOutput <= MAX_LINEAR_TERMS)) unsupported(ctx, `${outputElements * termsPerOutput} weight terms exceed MAX_LINEAR_TERMS`);
}

export function unsupported(ctx: { label: string }, detail: string): never {
  throw createError('PRV_ERR_ZK_UNSUPPORTED', `${ctx.label}: ${detail}`);
}

export function assertBound(ctx: { label: string }, bound: bigint): bigint {
  if (bound >= MAX_STATIC_BOUND) unsupported(ctx, 'values could exceed 2^200: weights or scales too large for the field');
  return bound;
}

/** A weight, bias or constant quantized at scale 2^s; one too large (or NaN) is a compile error naming the node. */
export function quantizeConstant(ctx: { label: string }, x: number, s: number): bigint {
  const scaled = x * 2 ** s;
  if (!Number.isFinite(scaled) || Math.abs(scaled) >= 2 ** 53) unsupported(ctx, `constant ${x} does not fit at scale 2^${s}`);
  return quantize(x, s);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** The integer a circuit element holds in this pass (zeros during compilation). */
export function itemInt(cs: ConstraintSystem, item: Item): bigint {
  return toSigned(cs.value(item.lc));
}

/** |real value| of an element in this pass, for error propagation. */
export function itemMagnitude(cs: ConstraintSystem, item: Item, scale: number): number {
  const v = itemInt(cs, item);
  return Math.abs(Number(v)) / 2 ** scale;
}

export function bitLength(v: bigint): number {
  return v <= 0n ? 0 : v.toString(2).length;
}

export function absBig(v: bigint): bigint {
  return v < 0n ? -v : v;
}
