import { BN254_PRIME } from '../field/bn254-field.js';
import { readR1cs, type R1csTerm } from './r1cs-reader.js';

/**
 * Evaluates A·w × B·w = C·w for every constraint of an .r1cs: the relation a Groth16 proof attests,
 * checked directly so soundness tests do not depend on a prover. A witness must have exactly nWires
 * values, each a reduced field element, with w[0] = 1.
 */
export function checkWitness(r1cs: Uint8Array, witnessValues: readonly bigint[]): { ok: boolean; failedConstraint?: number } {
  const parsed = readR1cs(r1cs);
  if (witnessValues.length !== parsed.nWires || witnessValues[0] !== 1n) return { ok: false };
  for (const v of witnessValues) if (v < 0n || v >= BN254_PRIME) return { ok: false };
  const evalLc = (terms: readonly R1csTerm[]): bigint => {
    let sum = 0n;
    for (const { wire, coeff } of terms) sum += coeff * witnessValues[wire]!;
    return sum % BN254_PRIME;
  };
  for (let i = 0; i < parsed.constraints.length; i++) {
    const [a, b, c] = parsed.constraints[i]!;
    if ((evalLc(a) * evalLc(b) - evalLc(c)) % BN254_PRIME !== 0n) return { ok: false, failedConstraint: i };
  }
  return { ok: true };
}
