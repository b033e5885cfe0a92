import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { assertModelName, createError, encodePlanJson, isProvenantError, sha256Hex, type ModelInfo, type ProofPlan, type TensorSpec } from '@provenant/protocol';
import * as ort from 'onnxruntime-node';
import type { EnclaveLogger } from '../logging/enclave-logger.js';
import type { NsmClient } from '../nsm/nsm-client.js';
import { tensorSpecs } from './model-metadata.js';

/** The user PCR every model load extends with the model's SHA-256 (docs/receipts.md). */
export const MODEL_PCR_INDEX = 16;
const ONNX_SUFFIX = '.onnx';

export interface LoadedModel {
  readonly info: ModelInfo;
  /** SHA-256 of the exact ONNX bytes: the model's identity and the receipts' `model` claim. */
  readonly digest: Uint8Array;
  readonly session: ort.InferenceSession;
  readonly inputs: ReadonlyMap<string, TensorSpec>;
  readonly outputNames: readonly string[];
  /**
   * The ONNX bytes, kept because proof plans partition them (enclave-app/src/plans); bounded by
   * maxModelBytes and maxModels like the sessions themselves.
   */
  readonly bytes: Uint8Array;
  /** The default proof plan set at upload (model.put `plan`), or null: requests without a plan then get v1 receipts. */
  readonly plan: ProofPlan | null;
}

export interface ModelRegistryOptions {
  readonly nsm: NsmClient;
  readonly maxModels: number;
  readonly maxModelBytes: number;
  /** onnxruntime intra-op threads per session (config limits.ortThreads). */
  readonly ortThreads: number;
  readonly logger: EnclaveLogger;
  readonly now?: () => number;
}

/**
 * Models by name. One onnxruntime session per model, created at load and reused by every request.
 * Every load extends PCR16 with the model digest, so later attestation documents carry the history of
 * what was loaded (and in which order); deleting a model does not, and cannot, undo that.
 */
export class ModelRegistry {
  readonly #models = new Map<string, LoadedModel>();
  /** Names held by a load or upload in progress, so two uploads cannot race for one name. */
  readonly #reserved = new Set<string>();
  readonly #options: ModelRegistryOptions;
  readonly #now: () => number;
  #sealed = false;

  constructor(options: ModelRegistryOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** True once seal() ran: the model set is fixed for the life of the enclave. */
  get sealed(): boolean {
    return this.#sealed;
  }

  /**
   * Fixes the model set (config sealModels): the caller has locked PCR16, so a later load could not be
   * measured and a delete would leave PCR16 naming a model that is gone. Refuses while a load is running.
   */
  seal(): void {
    if (this.#reserved.size > 0) throw createError('PRV_ERR_INTERNAL', 'seal() while a model load is in progress');
    this.#sealed = true;
  }

  #assertNotSealed(operation: 'upload' | 'delete'): void {
    if (this.#sealed) throw createError('PRV_ERR_MODEL_SEALED', `${operation} refused: models are sealed (PCR16 is locked)`);
  }

  get size(): number {
    return this.#models.size;
  }

  get(name: string): LoadedModel {
    const model = this.#models.get(name);
    if (model === undefined) throw createError('PRV_ERR_MODEL_NOT_FOUND', name);
    return model;
  }

  list(): ModelInfo[] {
    return [...this.#models.values()].map((model) => model.info);
  }

  /**
   * Claims `name` for a load about to happen; release() gives it back on failure. Refuses a name that
   * is taken or a registry that would exceed maxModels.
   */
  reserve(name: string): void {
    this.#assertNotSealed('upload');
    assertModelName(name, 'model name');
    if (this.#models.has(name) || this.#reserved.has(name)) throw createError('PRV_ERR_MODEL_EXISTS', name);
    if (this.#models.size + this.#reserved.size >= this.#options.maxModels) {
      throw createError('PRV_ERR_MODEL_LIMIT', `maxModels is ${this.#options.maxModels}`);
    }
    this.#reserved.add(name);
  }

  release(name: string): void {
    this.#reserved.delete(name);
  }

  /**
   * Creates the session from bytes the enclave holds (never trusted: they are hashed here), reads the
   * signature, extends PCR16 and publishes the model. `name` must have been reserved.
   */
  async add(name: string, bytes: Uint8Array, source: 'boot' | 'upload', plan: ProofPlan | null = null): Promise<ModelInfo> {
    if (!this.#reserved.has(name)) throw createError('PRV_ERR_INTERNAL', 'add() without reserve()');
    try {
      if (bytes.length === 0 || bytes.length > this.#options.maxModelBytes) {
        throw createError('PRV_ERR_MODEL_TOO_LARGE', `${bytes.length} bytes, limit ${this.#options.maxModelBytes}`);
      }
      const digest = Uint8Array.from(createHash('sha256').update(bytes).digest());
      let session: ort.InferenceSession;
      try {
        session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: this.#options.ortThreads, interOpNumThreads: 1 });
      } catch (error) {
        throw createError('PRV_ERR_MODEL_INVALID', error instanceof Error ? error.message.slice(0, 200) : undefined);
      }
      let inputs: TensorSpec[];
      let outputs: TensorSpec[];
      try {
        inputs = tensorSpecs(session.inputMetadata, 'input');
        outputs = tensorSpecs(session.outputMetadata, 'output');
      } catch (error) {
        await session.release().catch(() => undefined);
        throw error;
      }
      // Measure before publishing: a model that serves a request is always in PCR16.
      await this.#options.nsm.extendPcr(MODEL_PCR_INDEX, digest);
      const info: ModelInfo = {
        name,
        sha256: sha256Hex(digest),
        size: bytes.length,
        loadedAt: this.#now(),
        source,
        inputs,
        outputs,
        plan: plan === null ? null : encodePlanJson(plan),
      };
      this.#models.set(name, {
        info,
        digest,
        session,
        inputs: new Map(inputs.map((spec) => [spec.name, spec])),
        outputNames: outputs.map((spec) => spec.name),
        bytes,
        plan,
      });
      this.#options.logger.log('info', 'model.loaded', { model: name, source, bytes: bytes.length, models: this.#models.size });
      return info;
    } finally {
      this.#reserved.delete(name);
    }
  }

  /** Removes a model; requests already running on its session finish first (release waits for nothing else). */
  async delete(name: string): Promise<void> {
    this.#assertNotSealed('delete');
    const model = this.get(name);
    this.#models.delete(name);
    this.#options.logger.log('info', 'model.deleted', { model: name, models: this.#models.size });
    // Sessions in use by a running request are released by onnxruntime once the run returns.
    await model.session.release().catch(() => undefined);
  }

  /**
   * Loads every `<name>.onnx` in `directory` (sorted, so PCR16's extend chain is reproducible). The
   * directory is part of the measured image; a file that fails to load stops the boot.
   */
  async loadDirectory(directory: string): Promise<ModelInfo[]> {
    const files = (await readdir(directory)).filter((file) => file.endsWith(ONNX_SUFFIX)).sort();
    const loaded: ModelInfo[] = [];
    for (const file of files) {
      const name = file.slice(0, -ONNX_SUFFIX.length);
      const full = path.join(directory, file);
      const info = await stat(full);
      if (!info.isFile()) continue;
      if (info.size > this.#options.maxModelBytes) throw createError('PRV_ERR_MODEL_TOO_LARGE', `${file}: ${info.size} bytes`);
      this.reserve(name);
      try {
        loaded.push(await this.add(name, new Uint8Array(await readFile(full)), 'boot'));
      } catch (error) {
        this.release(name);
        throw isProvenantError(error) ? createError(error.code, `boot model ${file}: ${error.detail ?? error.message}`) : error;
      }
    }
    return loaded;
  }

  async close(): Promise<void> {
    const models = [...this.#models.values()];
    this.#models.clear();
    await Promise.all(models.map((model) => model.session.release().catch(() => undefined)));
  }
}
