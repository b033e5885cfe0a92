import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { decodeModel } from '@provenant/onnx';
import { createError } from '@provenant/protocol';
import { BN254_PRIME } from '../field/bn254-field.js';
import { ConstraintSystem, type OpStats } from '../circuit/constraint-system.js';
import { writeR1cs } from '../r1cs/r1cs-writer.js';
import { writeWtns } from '../r1cs/wtns-writer.js';
import { assertSalt } from '../commitment/poseidon-commitment.js';
import { buildCircuit } from './build-circuit.js';
import { planCircuit, type CircuitPlan } from './circuit-plan.js';
import { elementCount } from './circuit-tensor.js';
import { MAX_CLEAR_OUTPUTS, quantize, resolveQuantizationConfig, type QuantizationConfig } from './quantization-config.js';

/** 2^24 constraints: beyond the largest public powers-of-tau ceremony files anyone would set up here. */
export const MAX_CIRCUIT_CONSTRAINTS = 1 << 24;

export interface CircuitStats {
  readonly constraints: number;
  readonly wires: number;
  readonly perOp: readonly OpStats[];
}

export interface WitnessOptions {
  /** Salt of the input commitment (and of the output commitment unless outputSalt is given); random by default. */
  readonly salt?: bigint;
  readonly outputSalt?: bigint;
}

export interface CircuitWitness {
  /** The .wtns binary (magic "wtns", v2). */
  readonly wtns: Uint8Array;
  /** Every wire value in snarkjs' wire order (values[0] = 1). */
  readonly values: readonly bigint[];
  /** [inputCommitment, outputCommitment, ...quantized output if publicOutput], as field elements. */
  readonly publicSignals: readonly bigint[];
  readonly inputCommitment: bigint;
  readonly outputCommitment: bigint;
  readonly inputSalt: bigint;
  readonly outputSalt: bigint;
  /** The quantized input the circuit saw (integers at scale 2^s). */
  readonly quantizedInput: readonly bigint[];
  /** The output integers at scale 2^outputScale. */
  readonly quantizedOutput: readonly bigint[];
  readonly output: Float32Array;
  /** Upper bound on |output − exact real-arithmetic output| for this input (NaN after ArgMax). */
  readonly errorBound: number;
}

export interface CompiledCircuit {
  readonly r1cs: Uint8Array;
  /** Lowercase hex SHA-256 of the r1cs bytes: the circuit identity (it binds the weights). */
  readonly digest: string;
  readonly nPublic: number;
  readonly stats: CircuitStats;
  readonly config: QuantizationConfig;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** Scale exponent of quantizedOutput: scaleBits, or 0 after ArgMax. */
  readonly outputScale: number;
  witness(input: Float32Array, options?: WitnessOptions): CircuitWitness;
}

/** A fresh commitment salt, as witnesses draw one: a caller that chains circuits picks its salts ahead. */
export function randomCommitmentSalt(): bigint {
  // 31 random bytes: uniform and always below p (which exceeds 2^253).
  const bytes = crypto.getRandomValues(new Uint8Array(31));
  return BigInt('0x' + bytesToHex(bytes));
}

class Compiled implements CompiledCircuit {
  readonly r1cs: Uint8Array;
  readonly digest: string;
  readonly nPublic: number;
  readonly stats: CircuitStats;
  readonly config: QuantizationConfig;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly outputScale: number;
  readonly #plan: CircuitPlan;

  constructor(plan: CircuitPlan, config: QuantizationConfig) {
    this.#plan = plan;
    this.config = config;
    this.inputShape = plan.inputShape;
    const cs = new ConstraintSystem({ keepConstraints: true, checkRanges: false, maxConstraints: MAX_CIRCUIT_CONSTRAINTS });
    const zeros = new Array<bigint>(elementCount(plan.inputShape)).fill(0n);
    const built = buildCircuit(cs, plan, config, zeros, 0n, 0n);
    if (config.publicOutput === true && built.output.items.length > MAX_CLEAR_OUTPUTS) {
      throw createError('PRV_ERR_ZK_CONFIG_INVALID', `publicOutput needs at most MAX_CLEAR_OUTPUTS (${MAX_CLEAR_OUTPUTS}) output elements`);
    }
    this.outputShape = built.output.shape;
    this.outputScale = built.output.scale;
    const order = cs.wireOrder();
    this.nPublic = order.nPubOut;
    this.r1cs = writeR1cs({ nWires: cs.signalCount, nPubOut: order.nPubOut, nPubIn: 0, nPrvIn: order.nPrvIn, constraints: cs.constraints, wireOf: order.wireOf });
    this.digest = bytesToHex(sha256(this.r1cs));
    this.stats = { constraints: cs.constraintCount, wires: cs.signalCount, perOp: cs.ops };
  }

  witness(input: Float32Array, options: WitnessOptions = {}): CircuitWitness {
    const n = elementCount(this.inputShape);
    if (!(input instanceof Float32Array) || input.length !== n) {
      throw createError('PRV_ERR_ZK_INPUT_INVALID', `input must be a Float32Array of ${n} elements`);
    }
    if (!input.every(Number.isFinite)) throw createError('PRV_ERR_ZK_INPUT_INVALID', 'input has a non-finite element');
    const inputSalt = options.salt ?? randomCommitmentSalt();
    const outputSalt = options.outputSalt ?? inputSalt;
    assertSalt(inputSalt);
    assertSalt(outputSalt);
    const quantizedInput = Array.from(input, (x) => quantize(x, this.config.scaleBits));
    const cs = new ConstraintSystem({ keepConstraints: false, checkRanges: true });
    const built = buildCircuit(cs, this.#plan, this.config, quantizedInput, inputSalt, outputSalt);
    if (cs.signalCount !== this.stats.wires || cs.constraintCount !== this.stats.constraints) {
      throw new Error('internal: witness replay diverged from the compiled circuit');
    }
    const values = cs.witnessValues();
    const publicSignals = values.slice(1, 1 + this.nPublic);
    const half = BN254_PRIME >> 1n;
    const quantizedOutput = built.output.items.map((it) => {
      const v = cs.value(it.lc);
      return v > half ? v - BN254_PRIME : v;
    });
    const denom = 2 ** built.output.scale;
    return {
      wtns: writeWtns(values),
      values,
      publicSignals,
      inputCommitment: publicSignals[0]!,
      outputCommitment: publicSignals[1]!,
      inputSalt,
      outputSalt,
      quantizedInput,
      quantizedOutput,
      output: Float32Array.from(quantizedOutput, (q) => Number(q) / denom),
      errorBound: built.output.items.reduce((m, it) => Math.max(m, it.err), 0),
    };
  }
}

/** Compiles an ONNX model (one input, one output, batch 1) to R1CS over BN254 (docs/zk.md). */
export function compileOnnx(onnxBytes: Uint8Array, config?: QuantizationConfig): CompiledCircuit {
  const resolved = resolveQuantizationConfig(config);
  return new Compiled(planCircuit(decodeModel(onnxBytes)), resolved);
}
