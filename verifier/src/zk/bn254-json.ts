import { bn254 } from '@noble/curves/bn254.js';
import type { WeierstrassPoint } from '@noble/curves/abstract/weierstrass.js';
import { createError, type ErrorCode } from '@provenant/protocol';
import { MAX_ZK_DECIMAL_DIGITS } from './zk-limits.js';

/**
 * snarkjs' JSON encoding of BN254 ("bn128" in snarkjs) values: field elements as canonical decimal strings,
 * G1 points as projective [x, y, z] and G2 points as [[x.c0, x.c1], [y.c0, y.c1], [z.c0, z.c1]], where
 * snarkjs always writes affine points with z = 1 (G2: ["1", "0"]) and the identity as z = 0
 * (ffjavascript `toObject` after `toAffine`). We accept exactly those forms and nothing looser.
 */
export type G1Point = WeierstrassPoint<bigint>;
export type G2Point = WeierstrassPoint<{ c0: bigint; c1: bigint }>;

const { Fp, Fr, Fp2 } = bn254.fields;
export const BN254_BASE_MODULUS: bigint = Fp.ORDER;
export const BN254_SCALAR_MODULUS: bigint = Fr.ORDER;

/** Canonical decimal: no sign, no leading zeros, no whitespace (what snarkjs and circom write). */
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** Where a parsed value came from, for error messages: "vk.IC[3].x". */
export type Path = string;

export function parseDecimal(value: unknown, path: Path, modulus: bigint, code: ErrorCode): bigint {
  if (typeof value !== 'string') throw createError(code, `${path} must be a decimal string, got ${typeof value}`);
  if (value.length > MAX_ZK_DECIMAL_DIGITS || !DECIMAL.test(value)) {
    throw createError(code, `${path} is not a canonical decimal of at most ${MAX_ZK_DECIMAL_DIGITS} digits`);
  }
  const n = BigInt(value);
  if (n >= modulus) throw createError(code, `${path} is not below the field modulus`);
  return n;
}

function assertArray(value: unknown, length: number, path: Path, code: ErrorCode): readonly unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw createError(code, `${path} must be an array of ${length}`);
  }
  return value;
}

export interface PointOptions {
  /** The identity is a valid group element, but never a legitimate proof element or vk base point. */
  readonly allowIdentity: boolean;
  /** Code for structural problems (shape, digits); a point off the curve or outside the subgroup uses pointCode. */
  readonly code: ErrorCode;
  readonly pointCode: ErrorCode;
}

export function parseG1(value: unknown, path: Path, options: PointOptions): G1Point {
  const [xs, ys, zs] = assertArray(value, 3, path, options.code);
  const x = parseDecimal(xs, `${path}.x`, BN254_BASE_MODULUS, options.code);
  const y = parseDecimal(ys, `${path}.y`, BN254_BASE_MODULUS, options.code);
  const z = parseDecimal(zs, `${path}.z`, BN254_BASE_MODULUS, options.code);
  if (z === 0n) {
    if (x !== 0n || y !== 1n) throw createError(options.code, `${path} is an identity point not written as [0, 1, 0]`);
    if (!options.allowIdentity) throw createError(options.pointCode, `${path} is the point at infinity`);
    return bn254.G1.Point.ZERO;
  }
  if (z !== 1n) throw createError(options.code, `${path} is not affine (z must be 1)`);
  const point = bn254.G1.Point.fromAffine({ x, y });
  // BN254 G1 has cofactor 1, so on the curve means in the prime-order group.
  assertValid(point, path, options.pointCode, 'G1');
  return point;
}

export function parseG2(value: unknown, path: Path, options: PointOptions): G2Point {
  const [xs, ys, zs] = assertArray(value, 3, path, options.code);
  const x = parseFp2(xs, `${path}.x`, options.code);
  const y = parseFp2(ys, `${path}.y`, options.code);
  const z = parseFp2(zs, `${path}.z`, options.code);
  if (z.c0 === 0n && z.c1 === 0n) {
    const canonical = x.c0 === 0n && x.c1 === 0n && y.c0 === 1n && y.c1 === 0n;
    if (!canonical) throw createError(options.code, `${path} is an identity point not written as [[0,0],[1,0],[0,0]]`);
    if (!options.allowIdentity) throw createError(options.pointCode, `${path} is the point at infinity`);
    return bn254.G2.Point.ZERO;
  }
  if (z.c0 !== 1n || z.c1 !== 0n) throw createError(options.code, `${path} is not affine (z must be [1, 0])`);
  const point = bn254.G2.Point.fromAffine({ x: Fp2.create(x), y: Fp2.create(y) });
  // The twist has a large cofactor: a point on the curve may still lie outside the r-torsion subgroup,
  // where the pairing is not the bilinear map Groth16's soundness argument assumes. assertValidity checks
  // both the equation and the subgroup; the explicit check guards against a library change.
  assertValid(point, path, options.pointCode, 'G2');
  if (!point.isTorsionFree()) throw createError(options.pointCode, `${path} is not in the G2 subgroup`);
  return point;
}

function parseFp2(value: unknown, path: Path, code: ErrorCode): { c0: bigint; c1: bigint } {
  const [c0, c1] = assertArray(value, 2, path, code);
  return {
    c0: parseDecimal(c0, `${path}[0]`, BN254_BASE_MODULUS, code),
    c1: parseDecimal(c1, `${path}[1]`, BN254_BASE_MODULUS, code),
  };
}

function assertValid(point: G1Point | G2Point, path: Path, code: ErrorCode, group: string): void {
  try {
    point.assertValidity();
  } catch (error) {
    // noble says which: "not on curve" (equation) or "not in prime-order subgroup" (G2's cofactor).
    throw createError(code, `${path} is not a ${group} group element (${error instanceof Error ? error.message : 'invalid'})`);
  }
}

/** Own, plain-object check shared by the vk, proof and bundle parsers. */
export function assertRecord(value: unknown, path: Path, code: ErrorCode): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw createError(code, `${path} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

export function assertKeys(record: Record<string, unknown>, allowed: readonly string[], path: Path, code: ErrorCode): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) throw createError(code, `${path} has an unknown field '${key}'`);
  }
  for (const key of allowed) {
    if (!Object.hasOwn(record, key)) throw createError(code, `${path} lacks the field '${key}'`);
  }
}
