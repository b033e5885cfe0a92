/** circomlib's Poseidon parameters moved to the verifier with the commitment; re-exported for the circuit code. */
export { POSEIDON_FULL_ROUNDS, POSEIDON_MAX_INPUTS, POSEIDON_PARTIAL_ROUNDS, poseidonParams, type PoseidonParams } from '@provenant/verifier';
