import { createError } from '@provenant/protocol';
import { assertKeys, assertRecord, BN254_SCALAR_MODULUS, parseDecimal } from './bn254-json.js';
import { MAX_ZK_OUTPUT_VALUES } from './zk-limits.js';

/** docs/zk.md "Proof bundle and verification": what `provenant zk prove` writes. */
export const PROOF_BUNDLE_FORMAT = 'provenant.zk-proof.v1';

export interface ProofBundle {
  readonly format: typeof PROOF_BUNDLE_FORMAT;
  /** Lowercase hex SHA-256 of the circuit's .r1cs: the model's weights are circuit constants, so this names the model. */
  readonly circuitDigest: string;
  /** groth16VerificationKeyDigest of the verifying key the proof is for. */
  readonly vkDigest: string;
  /** snarkjs proof.json, checked by the Groth16 parser, not here. */
  readonly proof: unknown;
  /** snarkjs public signals: [inputCommitment, outputCommitment, ...clear output when the circuit exposes it]. */
  readonly publicSignals: unknown;
  readonly inputCommitment: string;
  readonly outputCommitment: string;
  readonly output: BundleOutput;
}

export interface BundleOutput {
  readonly shape: readonly number[];
  /** Fixed-point scale: value = quantized / 2^scaleBits. */
  readonly scaleBits: number;
  /** Signed decimal integers, row-major. */
  readonly quantized: readonly string[];
}

const CODE = 'PRV_ERR_ZK_BUNDLE_MALFORMED';
const HEX64 = /^[0-9a-f]{64}$/;
const SIGNED_DECIMAL = /^(0|-?[1-9][0-9]{0,76})$/;
const MAX_OUTPUT_RANK = 8;
/** Fixed-point scales beyond 2^64 would not fit the circuit's declared bit widths. */
const MAX_SCALE_BITS = 64;

export function parseProofBundle(json: unknown): ProofBundle {
  const record = assertRecord(json, 'bundle', CODE);
  assertKeys(record, ['format', 'circuitDigest', 'vkDigest', 'proof', 'publicSignals', 'inputCommitment', 'outputCommitment', 'output'], 'bundle', CODE);
  if (record['format'] !== PROOF_BUNDLE_FORMAT) throw createError(CODE, `bundle.format must be "${PROOF_BUNDLE_FORMAT}"`);
  for (const key of ['circuitDigest', 'vkDigest'] as const) {
    if (typeof record[key] !== 'string' || !HEX64.test(record[key])) throw createError(CODE, `bundle.${key} must be 64 lowercase hex digits`);
  }
  parseDecimal(record['inputCommitment'], 'bundle.inputCommitment', BN254_SCALAR_MODULUS, CODE);
  parseDecimal(record['outputCommitment'], 'bundle.outputCommitment', BN254_SCALAR_MODULUS, CODE);
  return { ...(record as unknown as ProofBundle), output: parseOutput(record['output']) };
}

function parseOutput(json: unknown): BundleOutput {
  const record = assertRecord(json, 'bundle.output', CODE);
  assertKeys(record, ['shape', 'scaleBits', 'quantized'], 'bundle.output', CODE);
  const { shape, scaleBits, quantized } = record;
  const isDim = (d: unknown): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0;
  if (!Array.isArray(shape) || shape.length > MAX_OUTPUT_RANK || !shape.every(isDim)) {
    throw createError(CODE, `bundle.output.shape must be up to ${MAX_OUTPUT_RANK} non-negative integers`);
  }
  if (typeof scaleBits !== 'number' || !Number.isSafeInteger(scaleBits) || scaleBits < 0 || scaleBits > MAX_SCALE_BITS) {
    throw createError(CODE, `bundle.output.scaleBits must be an integer in [0, ${MAX_SCALE_BITS}]`);
  }
  const count = (shape as number[]).reduce((n, d) => n * d, 1);
  if (!Array.isArray(quantized) || quantized.length !== count || count > MAX_ZK_OUTPUT_VALUES) {
    throw createError(CODE, `bundle.output.quantized must hold shape's ${count} values (at most ${MAX_ZK_OUTPUT_VALUES})`);
  }
  quantized.forEach((v, i) => {
    if (typeof v !== 'string' || !SIGNED_DECIMAL.test(v)) throw createError(CODE, `bundle.output.quantized[${i}] is not a signed decimal integer`);
  });
  return { shape: shape as number[], scaleBits, quantized: quantized as string[] };
}

/** Signed integer -> field element, the circuit's encoding of negatives (p - |x|). */
export function toFieldElement(value: bigint): bigint {
  const r = value % BN254_SCALAR_MODULUS;
  return r < 0n ? r + BN254_SCALAR_MODULUS : r;
}
