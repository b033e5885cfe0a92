import { decodeModel, partitionModel, type Segment } from '@provenant/onnx';
import { createError, encodePlanJson, isProvenantError, type ProofPlan } from '@provenant/protocol';
import { compileOnnx, type CompiledCircuit } from '@provenant/prover';
import * as ort from 'onnxruntime-node';
import type { EnclaveLogger } from '../logging/enclave-logger.js';
import type { ZkKeys, ZkKeyStore } from './zk-keys.js';

export interface PreparedTeeSegment {
  readonly mode: 'tee';
  readonly segment: Segment;
  readonly session: ort.InferenceSession;
}

export interface PreparedZkSegment {
  readonly mode: 'zk';
  readonly segment: Segment;
  readonly circuit: CompiledCircuit;
  /** The key store's single-flight promise: shared while setup runs, retried after a failure. */
  keys(): Promise<ZkKeys>;
}

export type PreparedSegment = PreparedTeeSegment | PreparedZkSegment;

/** One model under one plan, ready to run: partitioned, sessions open, circuits compiled, setup started. */
export interface PreparedPlan {
  /** Lowercase hex SHA-256 of the whole model's bytes. */
  readonly modelSha256: string;
  readonly plan: ProofPlan;
  /** encodePlanJson(plan): what the plan claims carry. */
  readonly planJson: string;
  readonly segments: readonly PreparedSegment[];
}

export interface PlanPreparerOptions {
  readonly keys: ZkKeyStore;
  /** config.zk: every zk segment's circuit uses these (no inputRange: inputs get the full bitWidth). */
  readonly scaleBits: number;
  readonly bitWidth: number;
  readonly ortThreads: number;
  readonly logger: EnclaveLogger;
  /** Prepared plans kept; the least recently used one is closed first. */
  readonly maxPlans?: number;
}

/** Each prepared plan holds sessions and circuits (a few MB for the bundled models): a small LRU suffices. */
export const DEFAULT_MAX_PREPARED_PLANS = 32;

interface Entry {
  readonly prepared: Promise<PreparedPlan>;
  /** Runs using the plan now: an evicted plan's sessions are released only once this drops to zero. */
  users: number;
  evicted: boolean;
}

/**
 * Prepares (model, plan) pairs once and caches them by (model SHA-256, canonical plan). Preparing is
 * where a plan is refused: partitionModel's PRV_ERR_PLAN_* codes, PRV_ERR_PLAN_ZK_UNAVAILABLE when the
 * enclave has no ptau, PRV_ERR_PLAN_ZK_UNSUPPORTED for a zk segment with other than one input and one
 * output tensor (docs/receipts.md §7.1), and the compiler's PRV_ERR_ZK_* codes.
 */
export class PlanPreparer {
  readonly #options: PlanPreparerOptions;
  readonly #maxPlans: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: PlanPreparerOptions) {
    this.#options = options;
    this.#maxPlans = options.maxPlans ?? DEFAULT_MAX_PREPARED_PLANS;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Runs `use` with the prepared plan, preparing it first if needed; the plan cannot be released while
   * `use` runs.
   */
  async with<T>(modelBytes: Uint8Array, modelSha256: string, plan: ProofPlan, use: (prepared: PreparedPlan) => Promise<T>): Promise<T> {
    const entry = this.#entry(modelBytes, modelSha256, plan);
    entry.users += 1;
    try {
      return await use(await entry.prepared);
    } finally {
      entry.users -= 1;
      if (entry.evicted && entry.users === 0) void this.#release(entry);
    }
  }

  /** Prepares without running (model upload): refuses a bad plan now and starts the zk setup in the background. */
  async prepare(modelBytes: Uint8Array, modelSha256: string, plan: ProofPlan): Promise<PreparedPlan> {
    return this.with(modelBytes, modelSha256, plan, async (prepared) => prepared);
  }

  /** Drops the plans of a deleted model. */
  forget(modelSha256: string): void {
    for (const [key, entry] of this.#entries) {
      if (key.startsWith(`${modelSha256}\n`)) this.#evict(key, entry);
    }
  }

  async close(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => this.#release(entry)));
  }

  #entry(modelBytes: Uint8Array, modelSha256: string, plan: ProofPlan): Entry {
    const planJson = encodePlanJson(plan);
    const key = `${modelSha256}\n${planJson}`;
    const existing = this.#entries.get(key);
    if (existing !== undefined) {
      // Map order is recency order: move to the back.
      this.#entries.delete(key);
      this.#entries.set(key, existing);
      return existing;
    }
    const entry: Entry = { prepared: this.#build(modelBytes, modelSha256, plan, planJson), users: 0, evicted: false };
    // A plan that fails to prepare is not cached: the error says what to fix, and the next try starts afresh.
    entry.prepared.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    });
    this.#entries.set(key, entry);
    while (this.#entries.size > this.#maxPlans) {
      const [oldKey, oldEntry] = this.#entries.entries().next().value as [string, Entry];
      this.#evict(oldKey, oldEntry);
    }
    return entry;
  }

  #evict(key: string, entry: Entry): void {
    this.#entries.delete(key);
    entry.evicted = true;
    if (entry.users === 0) void this.#release(entry);
  }

  async #release(entry: Entry): Promise<void> {
    const prepared = await entry.prepared.catch(() => undefined);
    if (prepared === undefined) return;
    await Promise.all(prepared.segments.map((s) => (s.mode === 'tee' ? s.session.release().catch(() => undefined) : undefined)));
  }

  async #build(modelBytes: Uint8Array, modelSha256: string, plan: ProofPlan, planJson: string): Promise<PreparedPlan> {
    const { keys, scaleBits, bitWidth, ortThreads } = this.#options;
    // Refuse before any work: without a ptau no zk segment can ever be proven here.
    if (plan.some((s) => s.mode === 'zk')) keys.assertAvailable();
    const segments = partitionModel(decodeModel(modelBytes), plan);
    const prepared: PreparedSegment[] = [];
    try {
      for (const segment of segments) {
        if (segment.mode === 'tee') {
          let session: ort.InferenceSession;
          try {
            session = await ort.InferenceSession.create(segment.bytes, { intraOpNumThreads: ortThreads, interOpNumThreads: 1 });
          } catch (error) {
            throw createError('PRV_ERR_MODEL_INVALID', `segment ${segment.index}: ${error instanceof Error ? error.message.slice(0, 200) : ''}`);
          }
          prepared.push({ mode: 'tee', segment, session });
          continue;
        }
        if (segment.inputs.length !== 1 || segment.outputs.length !== 1) {
          throw createError(
            'PRV_ERR_PLAN_ZK_UNSUPPORTED',
            `zk segment ${segment.index} has ${segment.inputs.length} input and ${segment.outputs.length} output tensors; a zk segment needs exactly one of each`,
          );
        }
        const circuit = compileOnnx(segment.bytes, { scaleBits, bitWidth });
        // ArgMax outputs integers at scale 0: neither the next segment nor the cut rule's quantization would match.
        if (circuit.outputScale !== scaleBits) {
          throw createError('PRV_ERR_PLAN_ZK_UNSUPPORTED', `zk segment ${segment.index} ends in an integer tensor, not a fixed-point one`);
        }
        // Setup starts now (model upload: "setup at upload"); runs await it; a failure is logged and retried on next use.
        keys.keys(circuit).catch(() => undefined);
        prepared.push({ mode: 'zk', segment, circuit, keys: () => keys.keys(circuit) });
      }
    } catch (error) {
      await Promise.all(prepared.map((s) => (s.mode === 'tee' ? s.session.release().catch(() => undefined) : undefined)));
      throw isProvenantError(error) ? error : createError('PRV_ERR_PLAN_ZK_UNSUPPORTED', error instanceof Error ? error.message.slice(0, 200) : undefined);
    }
    this.#options.logger.log('info', 'plan.prepared', { model: modelSha256.slice(0, 16), segments: prepared.length, zk: prepared.filter((s) => s.mode === 'zk').length });
    return { modelSha256, plan, planJson, segments: prepared };
  }
}
