export {
  compileOnnx,
  MAX_CIRCUIT_CONSTRAINTS,
  randomCommitmentSalt,
  type CircuitStats,
  type CircuitWitness,
  type CompiledCircuit,
  type WitnessOptions,
} from './compiler/compile-onnx.js';
export {
  DEFAULT_BIT_WIDTH,
  DEFAULT_SCALE_BITS,
  MAX_BIT_WIDTH,
  MAX_CLEAR_OUTPUTS,
  MAX_SCALE_BITS,
  MIN_BIT_WIDTH,
  resolveQuantizationConfig,
  type QuantizationConfig,
} from './compiler/quantization-config.js';
export { MAX_CIRCUIT_INPUT_ELEMENTS } from './compiler/circuit-plan.js';
export { MAX_CIRCUIT_TENSOR_ELEMENTS, MAX_LINEAR_TERMS } from './compiler/circuit-tensor.js';
export { SUPPORTED_OPS } from './compiler/build-circuit.js';
export { checkWitness } from './r1cs/check-witness.js';
export { MAX_R1CS_BYTES, readR1cs, type ParsedR1cs, type R1csTerm } from './r1cs/r1cs-reader.js';
export { writeWtns } from './r1cs/wtns-writer.js';
export {
  COMMITMENT_CHUNK,
  COMMITMENT_DOMAIN_TAG,
  COMMITMENT_PACK_BITS,
  MAX_COMMITMENT_ELEMENTS,
  packValues,
  poseidonCommitment,
} from './commitment/poseidon-commitment.js';
export { poseidonParams } from './commitment/poseidon-params.js';
export { BN254_PRIME } from './field/bn254-field.js';
// Groth16 setup, proving, verification and Solidity export (snarkjs, in memory; prover/src/groth16).
export {
  setupGroth16,
  loadGroth16Setup,
  MAX_ZK_CONTRIBUTIONS,
  type Groth16Setup,
  type Groth16SetupOptions,
  type PtauSource,
  type SetupCircuit,
  type SetupRecord,
} from './groth16/groth16-setup.js';
export { proveGroth16, type Groth16ProofJson, type Groth16ProveOptions, type Groth16ProveResult } from './groth16/groth16-prove.js';
export {
  ProverPool,
  MAX_PROVE_TIMEOUT_MS,
  MAX_PROVER_CACHED_KEYS,
  MAX_PROVER_PROCESSES,
  MAX_PROVER_QUEUE,
  MAX_ZKEY_ID_LENGTH,
  type ProveBackend,
  type ProveJob,
  type ProverPoolOptions,
} from './groth16/prover-pool.js';
export { verifyGroth16WithSnarkjs } from './groth16/groth16-snarkjs-verify.js';
// The native C prover (prover/native/): ProverPool's default backend when its addon is built.
export { proveGroth16Native, type NativeGroth16Proof } from './native/native-groth16-prove.js';
export { checkNativeField, nativeGroth16Available } from './native/native-groth16-binding.js';
export { exportSolidityVerifier } from './groth16/solidity-verifier.js';
export { readPtauHeader, requiredPtauPower, MAX_PTAU_POWER, type PtauHeader } from './groth16/powers-of-tau.js';
export { createPreparedDevPtau, type DevPtauSecrets } from './groth16/dev-ptau.js';
export type { ZkProgress, ZkProgressCallback } from './groth16/snarkjs-logger.js';
export { DEFAULT_ZK_CACHE_DIR } from './setup-cache/setup-cache.js';
export { createProofBundle, type BundleSources } from './groth16/proof-bundle-writer.js';
