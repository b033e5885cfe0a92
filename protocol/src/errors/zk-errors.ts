import { defineErrors } from './error-spec.js';

/**
 * Zero-knowledge proofs (docs/zk.md): the circuit compiler and witness generator, the Groth16 setup,
 * prover and setup cache, and the pure-JS Groth16 verifier. A failed check in a ZK report carries one of these.
 */
export const ZK_ERRORS = defineErrors({
  // Groth16 setup, proving and verification (prover/src/groth16, prover/src/setup-cache, verifier/src/zk).
  PRV_ERR_ZK_VK_MALFORMED: {
    message: 'malformed Groth16 verifying key',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ZK_PROOF_MALFORMED: {
    message: 'malformed Groth16 proof',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ZK_PUBLIC_SIGNALS_MALFORMED: {
    message: 'malformed public signals',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ZK_POINT_INVALID: {
    message: 'curve point not in its group',
    status: 400,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_ZK_PROOF_INVALID: {
    message: 'Groth16 proof does not verify',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_BUNDLE_MALFORMED: {
    message: 'malformed proof bundle',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ZK_VK_MISMATCH: {
    message: 'verifying key differs from the one the bundle names',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_CIRCUIT_MISMATCH: {
    message: 'circuit differs from the expected one',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_SIGNALS_MISMATCH: {
    message: 'bundle fields disagree with the public signals',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_PTAU_INVALID: {
    message: 'powers of tau file is not usable',
    status: 400,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_SETUP_FAILED: {
    message: 'Groth16 setup failed',
    status: 500,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_SETUP_MISSING: {
    message: 'no Groth16 setup for this circuit',
    status: 409,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_CACHE_CORRUPT: {
    message: 'setup cache entry is corrupt',
    status: 500,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_PROVE_ABORTED: {
    message: 'proving was aborted',
    status: 499,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_PROVE_TIMEOUT: {
    message: 'proving exceeded its deadline',
    status: 504,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_PROVE_FAILED: {
    message: 'proving failed',
    status: 500,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_PROVER_BUSY: {
    message: 'too many proofs are waiting for a proving process',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_NATIVE_UNAVAILABLE: {
    message: 'the native Groth16 prover addon is not built or cannot load',
    status: 500,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_ZKEY_MALFORMED: {
    message: 'malformed .zkey proving key',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ZK_WTNS_MALFORMED: {
    message: 'malformed .wtns witness, or a witness for another circuit',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ZK_PROVER_CLOSED: {
    message: 'the prover pool is closed',
    status: 503,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_UNSUPPORTED: {
    message: 'the model cannot be compiled to a circuit',
    status: 422,
    base: 'Error',
    exposable: true,
  },
  PRV_ERR_ZK_OVERFLOW: {
    message: 'a fixed-point value exceeds its declared bit width',
    status: 422,
    base: 'RangeError',
    exposable: true,
  },
  PRV_ERR_ZK_CONFIG_INVALID: {
    message: 'invalid quantization config',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ZK_INPUT_INVALID: {
    message: 'invalid circuit input',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
  PRV_ERR_ZK_R1CS_MALFORMED: {
    message: 'malformed .r1cs file',
    status: 400,
    base: 'TypeError',
    exposable: true,
  },
});
