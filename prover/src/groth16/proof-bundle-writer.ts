import { PROOF_BUNDLE_FORMAT, type ProofBundle } from '@provenant/verifier';
import type { Groth16ProveResult } from './groth16-prove.js';

/** What the bundle needs from the compiled circuit and its witness (CompiledCircuit / CircuitWitness fit). */
export interface BundleSources {
  readonly circuit: { readonly digest: string; readonly outputShape: readonly number[]; readonly outputScale: number };
  readonly witness: {
    readonly inputCommitment: bigint;
    readonly outputCommitment: bigint;
    readonly quantizedOutput: readonly bigint[];
  };
  readonly vkDigest: string;
  readonly proved: Groth16ProveResult;
}

/**
 * The proof bundle `provenant zk prove` writes and `provenant verify proof` checks (docs/zk.md "Proof
 * bundle and verification"). The salts stay with the prover: they are what keeps the committed tensors
 * hidden from a brute-force guess.
 */
export function createProofBundle(sources: BundleSources): ProofBundle {
  const { circuit, witness, vkDigest, proved } = sources;
  return {
    format: PROOF_BUNDLE_FORMAT,
    circuitDigest: circuit.digest,
    vkDigest,
    proof: proved.proof,
    publicSignals: proved.publicSignals,
    inputCommitment: witness.inputCommitment.toString(),
    outputCommitment: witness.outputCommitment.toString(),
    output: {
      shape: [...circuit.outputShape],
      scaleBits: circuit.outputScale,
      quantized: witness.quantizedOutput.map(String),
    },
  };
}
