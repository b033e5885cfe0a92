import {
  commitmentFromDecimal,
  createError,
  fromHex,
  isProvenantError,
  type PlanReceiptJson,
  type ReceiptMode,
  type SegmentClaim,
  type Tensor,
} from '@provenant/protocol';
import { randomCommitmentSalt, type CompiledCircuit } from '@provenant/prover';
import type * as ort from 'onnxruntime-node';
import { fromOrtTensor, toOrtTensor } from '../inference/tensor-bridge.js';
import type { LoadedModel } from '../models/model-registry.js';
import type { ReceiptIssuer } from '../receipts/receipt-issuer.js';
import { nativeTensorsDigest } from '../receipts/native-tensor-digest.js';
import type { WorkQueue } from '../scheduling/work-queue.js';
import type { PreparedPlan, PreparedZkSegment } from './prepared-plan.js';
import type { ProofTask, ReceiptStore } from './receipt-store.js';
import type { RemoteWitness, WitnessPool } from './witness-pool.js';
import type { ZkKeys } from './zk-keys.js';

export interface PlanRunRequest {
  readonly model: LoadedModel;
  readonly prepared: PreparedPlan;
  /** Already checked against the model's signature (assertInputsMatch). */
  readonly inputs: readonly Tensor[];
  readonly outputNames: readonly string[];
  readonly mode: ReceiptMode;
  readonly nonce: Uint8Array | null;
  /** Answer only once every proof is settled, or at the deadline with the receipt as it stands. */
  readonly wait: boolean;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
}

export interface PlanRunParts {
  readonly receipts: ReceiptIssuer;
  readonly store: ReceiptStore;
  readonly queue: WorkQueue;
  readonly witnesses: WitnessPool;
}

export interface PlanRunResult {
  readonly outputs: Tensor[];
  readonly receipt: PlanReceiptJson;
}

interface Execution {
  readonly values: Map<string, Tensor>;
  /** cuts[i]: the commitment entering segment i (docs/receipts.md §7.1), null at tee → tee cuts. */
  readonly cuts: (bigint | null)[];
  readonly salts: (bigint | null)[];
  readonly witnesses: (RemoteWitness | null)[];
}

/**
 * Runs one request under a plan (docs/receipts.md §7): waits for the zk segments' keys, runs every
 * segment in order in a work-queue slot (tee on onnxruntime, zk by computing the circuit's witness, whose
 * dequantized output feeds the next segment), has the issuer sign or attest the plan claims, and hands
 * the proofs to the receipt store. The response carries the receipt with its zk entries pending.
 */
export async function runPlan(request: PlanRunRequest, parts: PlanRunParts): Promise<PlanRunResult> {
  const deadline = AbortSignal.any([request.signal, AbortSignal.timeout(request.timeoutMs)]);
  const { prepared } = request;
  const zkCount = prepared.segments.filter((s) => s.mode === 'zk').length;
  parts.store.assertCapacity(zkCount);
  const keys = await untilAborted(
    Promise.all(prepared.segments.map((s) => (s.mode === 'zk' ? s.keys() : Promise.resolve(null)))),
    deadline,
    request.timeoutMs,
  );
  const run = await parts.queue.run(() => execute(prepared, request.inputs, parts.witnesses), { timeoutMs: request.timeoutMs, signal: request.signal });
  const outputs = request.outputNames.map((name) => {
    const tensor = run.values.get(name);
    if (tensor === undefined) throw createError('PRV_ERR_INFER_FAILED', `the plan computed no ${name}`);
    return tensor;
  });
  const segments: SegmentClaim[] = prepared.segments.map((s, i) => {
    const digest = fromHex(s.segment.sha256, 'segment sha256');
    if (s.mode === 'tee') return { mode: 'tee', digest };
    const k = keys[i] as ZkKeys;
    const { scaleBits, bitWidth } = s.circuit.config;
    return { mode: 'zk', digest, circuit: fromHex(s.circuit.digest, 'circuit digest'), vk: fromHex(k.vkDigest, 'vk digest'), scaleBits, bitWidth };
  });
  const evidence = await parts.receipts.issuePlan({
    mode: request.mode,
    model: request.model.digest,
    input: nativeTensorsDigest(request.inputs),
    output: nativeTensorsDigest(outputs),
    nonce: request.nonce,
    plan: prepared.planJson,
    segments,
    cuts: run.cuts.map((c) => (c === null ? null : commitmentFromDecimal(c.toString()))),
  });
  const tasks = prepared.segments.map((s, i): ProofTask | null => {
    if (s.mode === 'tee') return null;
    const k = keys[i] as ZkKeys;
    return {
      zkeyId: k.circuitDigest,
      zkey: () => k.loadZkey(),
      wtns: (run.witnesses[i] as RemoteWitness).wtns,
      verificationKey: k.verificationKey,
      expectedSignals: [String(run.cuts[i]), String(run.cuts[i + 1])],
    };
  });
  const last = run.cuts.length - 1;
  const openings = {
    input_salt: run.cuts[0] === null ? null : String(run.salts[0]),
    output_salt: run.cuts[last] === null ? null : String(run.salts[last]),
  };
  let receipt = parts.store.add(evidence, openings, tasks);
  if (request.wait) receipt = await parts.store.get(receipt.id, { wait: true, signal: deadline });
  return { outputs, receipt };
}

async function execute(prepared: PreparedPlan, inputs: readonly Tensor[], witnessPool: WitnessPool): Promise<Execution> {
  const n = prepared.segments.length;
  const values = new Map<string, Tensor>(inputs.map((t) => [t.name, t]));
  const cuts: (bigint | null)[] = new Array<bigint | null>(n + 1).fill(null);
  const salts: (bigint | null)[] = new Array<bigint | null>(n + 1).fill(null);
  const witnesses: (RemoteWitness | null)[] = new Array<RemoteWitness | null>(n).fill(null);
  for (const [i, s] of prepared.segments.entries()) {
    if (s.mode === 'tee') {
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of s.segment.inputs) feeds[name] = toOrtTensor(valueOf(values, name));
      let results: ort.InferenceSession.OnnxValueMapType;
      try {
        results = await s.session.run(feeds, [...s.segment.outputs]);
      } catch (error) {
        throw createError('PRV_ERR_INFER_FAILED', `segment ${i}: ${error instanceof Error ? error.message.slice(0, 200) : ''}`);
      }
      for (const name of s.segment.outputs) {
        const value = results[name];
        if (value === undefined) throw createError('PRV_ERR_INFER_FAILED', `segment ${i} returned no ${name}`);
        values.set(name, fromOrtTensor(name, value));
      }
      continue;
    }
    const inputName = s.segment.inputs[0] as string;
    const input = zkInput(s, valueOf(values, inputName));
    // At a zk → zk cut the previous circuit's output salt is this one's input salt, so one commitment is both.
    const salt = salts[i] ?? randomCommitmentSalt();
    const outputSalt = randomCommitmentSalt();
    const witness = await witnessPool.witness({ circuit: s.circuit, bytes: s.segment.bytes, input, salt, outputSalt });
    if (cuts[i] !== null && cuts[i] !== witness.inputCommitment) {
      throw createError('PRV_ERR_INTERNAL', `segment ${i}: its input commitment differs from the previous circuit's output commitment`);
    }
    cuts[i] = witness.inputCommitment;
    salts[i] = salt;
    cuts[i + 1] = witness.outputCommitment;
    salts[i + 1] = outputSalt;
    witnesses[i] = witness;
    const outputName = s.segment.outputs[0] as string;
    // q / 2^s is exact in float32 for the widths the config allows, so the next segment sees the committed values.
    const out = Float32Array.from(witness.output);
    values.set(outputName, { name: outputName, dtype: 'FP32', shape: [...s.circuit.outputShape], data: new Uint8Array(out.buffer) });
  }
  return { values, cuts, salts, witnesses };
}

/** The single tensor entering a zk segment, as the circuit takes it: FP32, its exact shape (batch 1). */
function zkInput(s: PreparedZkSegment, tensor: Tensor): Float32Array {
  const circuit: CompiledCircuit = s.circuit;
  if (tensor.dtype !== 'FP32') {
    throw createError('PRV_ERR_PLAN_ZK_UNSUPPORTED', `zk segment ${s.segment.index} takes FP32, ${tensor.name} is ${tensor.dtype}`);
  }
  const shape = circuit.inputShape;
  if (tensor.shape.length !== shape.length || tensor.shape.some((d, k) => d !== shape[k])) {
    const batch = tensor.shape[0] !== undefined && tensor.shape[0] !== 1 ? ` (a batch of ${tensor.shape[0]}: zk segments prove one sample)` : '';
    throw createError('PRV_ERR_PLAN_ZK_UNSUPPORTED', `zk segment ${s.segment.index} takes shape [${shape.join(', ')}], got [${tensor.shape.join(', ')}]${batch}`);
  }
  // A copy: the wire bytes may be unaligned for a Float32Array view.
  return new Float32Array(tensor.data.slice().buffer);
}

function valueOf(values: ReadonlyMap<string, Tensor>, name: string): Tensor {
  const tensor = values.get(name);
  if (tensor === undefined) throw createError('PRV_ERR_INTERNAL', `no value for boundary tensor ${name}`);
  return tensor;
}


/** Awaits `promise` unless the request is cancelled or its deadline passes first (setup keeps running for later requests). */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) throw abortError(signal, timeoutMs);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(abortError(signal, timeoutMs));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort as () => void);
  }
}

function abortError(signal: AbortSignal, timeoutMs: number): Error {
  const reason: unknown = signal.reason;
  if (isProvenantError(reason)) return reason;
  return createError('PRV_ERR_DEADLINE', `zk keys not ready within ${timeoutMs} ms (setup goes on; retry later)`);
}
