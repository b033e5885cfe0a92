import { fmod } from '../field/bn254-field.js';

/**
 * A linear combination sum(coeff_i * signal_i) over the field. Signal 0 is the constant ONE, so
 * constants are ordinary terms. Coefficients are kept reduced and zero terms are dropped, so the
 * term count is the number of non-zeros the .r1cs will carry.
 */
export type Lc = Map<number, bigint>;

export const ONE_SIGNAL = 0;

export function lcConst(value: bigint): Lc {
  const c = fmod(value);
  return c === 0n ? new Map() : new Map([[ONE_SIGNAL, c]]);
}

export function lcSignal(signal: number, coeff = 1n): Lc {
  const c = fmod(coeff);
  return c === 0n ? new Map() : new Map([[signal, c]]);
}

/** Adds coeff * source into target in place (the hot path of dense layers). */
export function lcAccumulate(target: Lc, source: Lc, coeff = 1n): Lc {
  const k = fmod(coeff);
  if (k === 0n) return target;
  for (const [signal, c] of source) {
    const sum = fmod((target.get(signal) ?? 0n) + c * k);
    if (sum === 0n) target.delete(signal);
    else target.set(signal, sum);
  }
  return target;
}

export function lcAdd(a: Lc, b: Lc): Lc {
  return lcAccumulate(new Map(a), b);
}

export function lcSub(a: Lc, b: Lc): Lc {
  return lcAccumulate(new Map(a), b, -1n);
}

export function lcScale(a: Lc, coeff: bigint): Lc {
  return lcAccumulate(new Map(), a, coeff);
}
