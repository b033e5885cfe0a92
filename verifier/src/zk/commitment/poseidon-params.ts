import { grainGenConstants, poseidon } from '@noble/curves/abstract/poseidon.js';
import { bn254_Fr } from '@noble/curves/bn254.js';

/**
 * circomlib's Poseidon over BN254 (Grassi et al., "Poseidon", USENIX Security 2021; circomlib
 * circuits/poseidon.circom): width t = inputs + 1, S-box x^5, R_F = 8 full rounds, R_P from this
 * table indexed by t - 2. The round constants and MDS matrix are regenerated with noble's Grain LFSR
 * generator, which reproduces circomlib's (pinned in test/unit/zk-poseidon.test.ts against
 * circomlibjs' vectors for 2 and 16 inputs).
 */
export const POSEIDON_PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68] as const;
export const POSEIDON_FULL_ROUNDS = 8;
export const POSEIDON_MAX_INPUTS = 16;

export interface PoseidonParams {
  readonly t: number;
  readonly roundsPartial: number;
  readonly mds: readonly (readonly bigint[])[];
  readonly roundConstants: readonly (readonly bigint[])[];
  /** circomlib's Poseidon(inputs): the first element of the permuted state [0, ...inputs]. */
  readonly hash: (inputs: readonly bigint[]) => bigint;
}

const cache = new Map<number, PoseidonParams>();

export function poseidonParams(nInputs: number): PoseidonParams {
  const hit = cache.get(nInputs);
  if (hit !== undefined) return hit;
  if (!Number.isInteger(nInputs) || nInputs < 1 || nInputs > POSEIDON_MAX_INPUTS) {
    throw new RangeError(`Poseidon takes 1..${POSEIDON_MAX_INPUTS} inputs, got ${nInputs}`);
  }
  const t = nInputs + 1;
  const roundsPartial = POSEIDON_PARTIAL_ROUNDS[t - 2]!;
  const base = { Fp: bn254_Fr, t, roundsFull: POSEIDON_FULL_ROUNDS, roundsPartial };
  const { mds, roundConstants } = grainGenConstants(base);
  const permute = poseidon({ ...base, sboxPower: 5, mds, roundConstants });
  const params: PoseidonParams = {
    t,
    roundsPartial,
    mds,
    roundConstants,
    hash: (inputs) => {
      if (inputs.length !== nInputs) throw new RangeError(`expected ${nInputs} Poseidon inputs, got ${inputs.length}`);
      return permute([0n, ...inputs])[0]!;
    },
  };
  cache.set(nInputs, params);
  return params;
}
