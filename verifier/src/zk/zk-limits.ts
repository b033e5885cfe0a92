/**
 * Ceilings on what the Groth16 verifier accepts from outside (STYLE rule 8). Field elements of BN254 are
 * below 2^254, so their decimal form has at most 77 digits; anything longer is refused before BigInt sees it.
 */
export const MAX_ZK_DECIMAL_DIGITS = 77;
/**
 * Public signals per proof. Our circuits expose two commitments plus, optionally, a small output in the
 * clear; 1024 leaves room for larger clear outputs while bounding the multi-scalar multiplication.
 */
export const MAX_ZK_PUBLIC_SIGNALS = 1024;
/** A snarkjs verification key with MAX_ZK_PUBLIC_SIGNALS + 1 IC points is ~200 KiB of JSON; leave slack. */
export const MAX_ZK_VERIFICATION_KEY_BYTES = 512 * 1024;
/** A proof bundle: the proof (~800 bytes), public signals and a quantized output of up to MAX_ZK_OUTPUT_VALUES. */
export const MAX_ZK_PROOF_BUNDLE_BYTES = 1024 * 1024;
/** Values of the output tensor a bundle may carry in the clear. */
export const MAX_ZK_OUTPUT_VALUES = 65536;
