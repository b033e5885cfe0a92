import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeModel, partitionModel, type Segment } from '@provenant/onnx';
import {
  encodePlanClaims,
  encodePlanJson,
  fromHex,
  parsePlan,
  tensorsDigest,
  toBase64,
  type PlanClaims,
  type PlanReceiptJson,
  type ProofPlan,
  type ReceiptMode,
  type SegmentClaim,
  type SegmentProofJson,
  type Tensor,
} from '@provenant/protocol';
import { compileOnnx, loadGroth16Setup, proveGroth16, setupGroth16, type CircuitWitness, type CompiledCircuit, type Groth16Setup } from '@provenant/prover';
import { poseidonCommitment, quantizeForCommitment } from '@provenant/verifier';
import { REPO_ROOT } from '../support/paths.js';
import { ZK_TEST_CACHE_DIR, ZK_TEST_PTAU_POWER } from '../support/zk-test-cache.js';
import { ReceiptBench, START_MS, sha256, signP1363 } from './receipt-verify-fixtures.js';

/**
 * Real plan receipts (docs/receipts.md §7) built in the test the way the enclave builds them, from the
 * spec rather than from the enclave's code: the bundled iris model partitioned by a plan, its tee segment
 * run with onnxruntime, its zk segment compiled and its witness computed, a real Groth16 proof under a
 * dev-ptau setup, and plan claims signed by a session key whose boot document comes from the mock NSM.
 *
 * The setup lives in a gitignored cache under the repository (as test/unit/zk-cli.test.ts does), so only
 * the first run on a checkout pays for the power-12 dev ptau and the keys (minutes on 2 busy cores).
 */
export const QUANT = { scaleBits: 8, bitWidth: 20 } as const;
export const TEE_ZK: ProofPlan = parsePlan([{ until: 'relu1', mode: 'tee' }, { until: '@end', mode: 'zk' }]);
export const ALL_ZK: ProofPlan = parsePlan([{ until: '@end', mode: 'zk' }]);
export const MODEL_BYTES = new Uint8Array(readFileSync(path.join(REPO_ROOT, 'models', 'out', 'iris.onnx')));
export const MODEL_SHA256 = sha256(MODEL_BYTES);
/** models/out/samples/iris.json */
export const INPUT_VALUES = Float32Array.of(5.7, 2.9, 4.2, 1.3);
export const INPUTS: Tensor[] = [fp32Tensor('input', [1, 4], INPUT_VALUES)];

export function fp32Tensor(name: string, shape: number[], values: Float32Array): Tensor {
  return { name, dtype: 'FP32', shape, data: new Uint8Array(Float32Array.from(values).buffer) };
}

const hexBytes = (hex: string): Uint8Array => fromHex(hex, 'digest');
const bigintBytes = (n: bigint): Uint8Array => hexBytes(n.toString(16).padStart(64, '0'));

/** One inference under a plan, as the enclave would run it: what its claims and receipt are made of. */
export interface PlanRun {
  readonly plan: ProofPlan;
  readonly segments: readonly Segment[];
  readonly circuit: CompiledCircuit;
  readonly witness: CircuitWitness;
  /** The commitment the enclave computes itself at the tee -> zk cut (TEE_ZK only). */
  readonly teeCutCommitment: bigint | null;
  readonly outputs: Tensor[];
  readonly claims: PlanClaims;
}

/** A booted mock enclave that runs iris under TEE_ZK or ALL_ZK and signs plan claims. */
export class PlanBench {
  readonly bench: ReceiptBench;
  readonly circuits = new Map<string, CompiledCircuit>();
  #seq = 0;

  private constructor(bench: ReceiptBench) {
    this.bench = bench;
  }

  static async boot(): Promise<PlanBench> {
    return new PlanBench(await ReceiptBench.boot());
  }

  /**
   * Runs the plan on INPUTS with the given salts; `vkDigest` is what the claims' k says (the setup's, or
   * any 32 bytes for a receipt whose proof stays pending).
   */
  async run(plan: ProofPlan, salts: { input: bigint; output: bigint }, vkDigest: string): Promise<PlanRun> {
    const segments = partitionModel(decodeModel(MODEL_BYTES), plan);
    let zkInput = INPUT_VALUES;
    let teeCutCommitment: bigint | null = null;
    const first = segments[0]!;
    if (first.mode === 'tee') {
      const session = await ort.InferenceSession.create(first.bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
      try {
        const result = await session.run({ input: new ort.Tensor('float32', INPUT_VALUES, [1, 4]) });
        zkInput = Float32Array.from(result[first.outputs[0]!]!.data as Float32Array);
      } finally {
        await session.release();
      }
      // §7.1: at a tee -> zk cut the enclave quantizes the tee output as the circuit will and commits to it.
      teeCutCommitment = poseidonCommitment(quantizeForCommitment(zkInput, QUANT.scaleBits, QUANT.bitWidth), salts.input, QUANT.bitWidth);
    }
    const zk = segments.find((segment) => segment.mode === 'zk')!;
    let circuit = this.circuits.get(zk.sha256);
    if (circuit === undefined) {
      circuit = compileOnnx(zk.bytes, QUANT);
      this.circuits.set(zk.sha256, circuit);
    }
    const witness = circuit.witness(zkInput, { salt: salts.input, outputSalt: salts.output });
    const outputs = [fp32Tensor('logits', [1, 3], witness.output)];
    const segs: SegmentClaim[] = segments.map((segment) =>
      segment.mode === 'tee'
        ? { mode: 'tee', digest: hexBytes(segment.sha256) }
        : { mode: 'zk', digest: hexBytes(segment.sha256), circuit: hexBytes(circuit.digest), vk: hexBytes(vkDigest), ...QUANT },
    );
    const cuts = segments.length === 2 ? [null, bigintBytes(witness.inputCommitment), bigintBytes(witness.outputCommitment)] : [bigintBytes(witness.inputCommitment), bigintBytes(witness.outputCommitment)];
    const claims: PlanClaims = {
      v: 2,
      mode: 'session',
      model: MODEL_SHA256,
      input: tensorsDigest(INPUTS),
      output: tensorsDigest(outputs),
      nonce: null,
      ts: START_MS + 60_000,
      seq: ++this.#seq,
      key: sha256(this.bench.session.publicKey),
      plan: encodePlanJson(plan),
      segments: segs,
      cuts,
    };
    return { plan, segments, circuit, witness, teeCutCommitment, outputs, claims };
  }

  /** Signs (session) or attests (attested) the claims and assembles the receipt JSON of §7.2. */
  async receipt(
    claims: PlanClaims,
    proofs: (SegmentProofJson | null)[],
    openings: { input_salt: string | null; output_salt: string | null },
    mode: ReceiptMode = 'session',
  ): Promise<PlanReceiptJson> {
    const bytes = encodePlanClaims({ ...claims, mode });
    const evidence =
      mode === 'session'
        ? { signature: toBase64(signP1363(this.bench.session.privateKey, bytes)) }
        : { attestation: toBase64(await this.bench.nsm.attestation({ userData: sha256(bytes), nonce: claims.nonce, publicKey: this.bench.session.publicKey })) };
    return {
      format: 'provenant.receipt.v2',
      id: createHash('sha256').update(bytes).digest('hex').slice(0, 32),
      mode,
      claims: toBase64(bytes),
      session_key: toBase64(this.bench.session.publicKey),
      ...evidence,
      proofs,
      openings,
    } as PlanReceiptJson;
  }
}

/**
 * Groth16 keys for a circuit from the suite's shared test cache: keys another file (or the enclave in an
 * end-to-end test) already made for the same circuit are taken as they are, as the enclave itself does.
 */
export async function setupFor(circuit: CompiledCircuit): Promise<Groth16Setup> {
  try {
    return await loadGroth16Setup(circuit.digest, ZK_TEST_CACHE_DIR);
  } catch {
    return setupGroth16(circuit, { ptau: { kind: 'dev', power: ZK_TEST_PTAU_POWER }, cacheDir: ZK_TEST_CACHE_DIR });
  }
}

export async function proofEntry(setup: Groth16Setup, witness: CircuitWitness): Promise<SegmentProofJson> {
  const proved = await proveGroth16(setup.zkey, witness.wtns);
  return {
    status: 'proven',
    proof: JSON.parse(JSON.stringify(proved.proof)) as Record<string, unknown>,
    public_signals: [...proved.publicSignals],
    verification_key: setup.verificationKey,
  };
}

export { bigintBytes };
