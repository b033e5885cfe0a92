import { groth16 } from 'snarkjs';
import { withBn128 } from './bn128-session.js';

/**
 * snarkjs' own Groth16 verifier (WASM pairing), kept as the reference the pure-JS verifier in
 * @provenant/verifier is cross-checked against. It reduces public signals modulo r and does not check G2
 * subgroup membership, so verifiers should use @provenant/verifier's verifyGroth16.
 */
export async function verifyGroth16WithSnarkjs(verificationKey: unknown, publicSignals: unknown, proof: unknown): Promise<boolean> {
  return withBn128(async () => {
    try {
      return await groth16.verify(verificationKey, publicSignals, proof);
    } catch {
      // snarkjs throws on some malformed inputs (e.g. a point it cannot decode): that is a rejection.
      return false;
    }
  });
}
