/**
 * `@provenant/prover/compiler`: the ONNX → R1CS compiler and witness generator alone, without snarkjs.
 * snarkjs' dependencies take over any worker thread that imports them (web-worker), so code that
 * computes witnesses on a worker thread imports this entry point, not the package's main one.
 */
export { compileOnnx, randomCommitmentSalt, type CircuitWitness, type CompiledCircuit, type WitnessOptions } from './compile-onnx.js';
export type { QuantizationConfig } from './quantization-config.js';
