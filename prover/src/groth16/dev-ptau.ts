import { randomBytes } from 'node:crypto';
import { bn254 } from '@noble/curves/bn254.js';
import { createError } from '@provenant/protocol';
import { FIELD_BYTES, writeUint256Le } from '../field/bn254-field.js';
import { loadNativeGroth16Binding } from '../native/native-groth16-binding.js';
import type { ZkProgressCallback } from './snarkjs-logger.js';

/** The base field modulus (point coordinates); BN254_PRIME is the scalar field's. */
const Q = bn254.fields.Fp.ORDER;
/** The scalar field (its order is BN254_PRIME): powers, Lagrange coefficients and secrets live here. */
const Fr = bn254.fields.Fr;
/** BN254's scalar field has 2-adicity 28: roots of unity exist for domains up to 2^28. */
const TWO_ADICITY = 28;
const MONTGOMERY_R = (1n << 256n) % Q;

/**
 * The largest power made here: section 12 then holds 2^(p+2) − 1 points, within one fixedBaseMul call's
 * 2^26 scalars (fixed-base-addon.c), and its scalars fit in memory as bigints. Larger dev ptaus (circuits
 * of more than 2^23 constraints) are left to snarkjs.
 */
export const MAX_NATIVE_DEV_PTAU_POWER = 24;

/** The toxic waste of a locally made powers of tau; tests pin it, everyone else draws it at random. */
export interface DevPtauSecrets {
  readonly tau: bigint;
  readonly alpha: bigint;
  readonly beta: bigint;
}

/**
 * A prepared powers of tau made directly from its secrets, in snarkjs' `.ptau` layout (the sections
 * `newAccumulator` writes, then the Lagrange sections `preparePhase2` adds), with no contribution record.
 *
 * snarkjs makes a dev ptau by contributing to a blank accumulator and then computes the Lagrange sections
 * with inverse FFTs over the curve points: n·log n scalar multiplications per section, an hour at power 17
 * on two cores. Whoever makes a dev ptau knows τ anyway, so here every point is one fixed-base product of a
 * scalar computed in the field: τ^i for the powers, and for each domain of size m = 2^k (ω its generator)
 * L_i(τ) = (τ^m − 1)/m · ω^i/(τ − ω^i), the Lagrange basis snarkjs' inverse FFT yields. Seconds at power 17.
 *
 * Exactly as INSECURE as snarkjs' dev ptau: the secrets exist in this process until it drops them. The
 * tests check it against snarkjs byte for byte (sections 2-6 against newAccumulator with τ = α = β = 1,
 * sections 12-15 against preparePhase2 of the same secrets).
 */
export async function createPreparedDevPtau(power: number, onProgress?: ZkProgressCallback, secrets: DevPtauSecrets = randomSecrets()): Promise<Uint8Array> {
  if (!Number.isSafeInteger(power) || power < 1 || power > MAX_NATIVE_DEV_PTAU_POWER) {
    throw createError('PRV_ERR_ZK_PTAU_INVALID', `dev ptau power ${power} must be in [1, ${MAX_NATIVE_DEV_PTAU_POWER}] to be made natively`);
  }
  const native = loadNativeGroth16Binding();
  const { tau, alpha, beta } = secrets;
  const g1 = pointBytes(1);
  const g2 = pointBytes(2);
  const times = async (group: 1 | 2, scalars: readonly bigint[], name: string): Promise<Uint8Array> => {
    onProgress?.({ stage: 'ptau', message: `${name}: ${scalars.length} points` });
    return native.fixedBaseMul(group, group === 1 ? g1 : g2, scalarBytes(scalars));
  };
  const n = 2 ** power;
  const powers = powersOf(tau, 2 * n - 1);
  const lagrange: bigint[] = [];
  for (let k = 0; k <= power; k++) for (const l of lagrangeAt(tau, k)) lagrange.push(l);
  // Level power + 1 of section 12: snarkjs transforms tau^0..tau^(2n-2) and a zero point (the section
  // holds one point fewer than the domain), which is L_i(τ) − ω^i·τ^(2n−1)/(2n).
  const top = lagrangeAt(tau, power + 1);
  const omega = rootOfUnity(power + 1);
  const correction = Fr.mul(powers[2 * n - 2] as bigint, Fr.mul(tau, Fr.inv(BigInt(2 * n))));
  let w = 1n;
  for (let i = 0; i < top.length; i++) {
    top[i] = Fr.sub(top[i] as bigint, Fr.mul(w, correction));
    w = Fr.mul(w, omega);
  }
  const sections: [number, Uint8Array][] = [
    [1, header(power)],
    [2, await times(1, powers, 'tauG1')],
    [3, await times(2, powers.slice(0, n), 'tauG2')],
    [4, await times(1, powers.slice(0, n).map((p) => Fr.mul(alpha, p)), 'alphaTauG1')],
    [5, await times(1, powers.slice(0, n).map((p) => Fr.mul(beta, p)), 'betaTauG1')],
    [6, await times(2, [beta], 'betaG2')],
    [7, new Uint8Array(4)], // no contributions
    [12, await times(1, [...lagrange, ...top], 'tauG1 Lagrange')],
    [13, await times(2, lagrange, 'tauG2 Lagrange')],
    [14, await times(1, lagrange.map((l) => Fr.mul(alpha, l)), 'alphaTauG1 Lagrange')],
    [15, await times(1, lagrange.map((l) => Fr.mul(beta, l)), 'betaTauG1 Lagrange')],
  ];
  return binFile(sections);
}

function randomSecrets(): DevPtauSecrets {
  const draw = (): bigint => {
    for (;;) {
      // 64 bytes reduced mod r: the bias is below 2^-250.
      const value = Fr.create(BigInt(`0x${randomBytes(64).toString('hex')}`));
      if (value !== 0n) return value;
    }
  };
  return { tau: draw(), alpha: draw(), beta: draw() };
}

/** L_i(τ) for i < 2^k over the domain of the 2^k-th roots of unity, in snarkjs' order (ω^i). */
function lagrangeAt(tau: bigint, k: number): bigint[] {
  const m = 2 ** k;
  const roots = powersOf(rootOfUnity(k), m);
  const differences = roots.map((root) => Fr.sub(tau, root));
  // At a point of the domain (τ = ω^j) the basis is L_i(τ) = [i = j]; the formula would divide by zero.
  const at = differences.indexOf(0n);
  if (at >= 0) return roots.map((_, i) => (i === at ? 1n : 0n));
  const inverses = Fr.invertBatch(differences);
  const scale = Fr.mul(Fr.sub(Fr.pow(tau, BigInt(m)), 1n), Fr.inv(BigInt(m)));
  return roots.map((root, i) => Fr.mul(scale, Fr.mul(root, inverses[i] as bigint)));
}

let maxRoot: bigint | undefined;

/** The generator of the 2^k-th roots of unity as ffjavascript defines it: g^((r−1)/2^28) squared 28 − k times, g the least quadratic non-residue. */
function rootOfUnity(k: number): bigint {
  if (maxRoot === undefined) {
    let nqr = 2n;
    while (Fr.pow(nqr, (Fr.ORDER - 1n) / 2n) !== Fr.ORDER - 1n) nqr += 1n;
    maxRoot = Fr.pow(nqr, (Fr.ORDER - 1n) >> BigInt(TWO_ADICITY));
  }
  let w = maxRoot;
  for (let i = TWO_ADICITY; i > k; i--) w = Fr.sqr(w);
  return w;
}

function powersOf(x: bigint, count: number): bigint[] {
  const out: bigint[] = new Array<bigint>(count);
  let v = 1n;
  for (let i = 0; i < count; i++) {
    out[i] = v;
    v = Fr.mul(v, x);
  }
  return out;
}

function scalarBytes(scalars: readonly bigint[]): Uint8Array {
  const out = new Uint8Array(scalars.length * FIELD_BYTES);
  for (let i = 0; i < scalars.length; i++) writeUint256Le(out, i * FIELD_BYTES, scalars[i] as bigint);
  return out;
}

/** The generator in the .ptau layout: affine, Montgomery form (x·2^256 mod q), 32-byte little-endian words. */
function pointBytes(group: 1 | 2): Uint8Array {
  const coordinates =
    group === 1
      ? (({ x, y }) => [x, y])(bn254.G1.Point.BASE.toAffine())
      : (({ x, y }) => [x.c0, x.c1, y.c0, y.c1])(bn254.G2.Point.BASE.toAffine());
  const out = new Uint8Array(coordinates.length * FIELD_BYTES);
  coordinates.forEach((c, i) => writeUint256Le(out, i * FIELD_BYTES, (c * MONTGOMERY_R) % Q));
  return out;
}

/** Section 1: u32 n8 = 32, q (32 bytes LE), u32 power, u32 ceremonyPower. */
function header(power: number): Uint8Array {
  const out = new Uint8Array(4 + FIELD_BYTES + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, FIELD_BYTES, true);
  writeUint256Le(out, 4, Q);
  view.setUint32(4 + FIELD_BYTES, power, true);
  view.setUint32(8 + FIELD_BYTES, power, true);
  return out;
}

/** iden3's binary container: "ptau", u32 version 1, u32 section count, then (u32 type, u64 size, bytes) each. */
function binFile(sections: readonly [number, Uint8Array][]): Uint8Array {
  const size = 12 + sections.reduce((n, [, bytes]) => n + 12 + bytes.length, 0);
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('ptau'), 0);
  view.setUint32(4, 1, true);
  view.setUint32(8, sections.length, true);
  let at = 12;
  for (const [type, bytes] of sections) {
    view.setUint32(at, type, true);
    view.setBigUint64(at + 4, BigInt(bytes.length), true);
    out.set(bytes, at + 12);
    at += 12 + bytes.length;
  }
  return out;
}
