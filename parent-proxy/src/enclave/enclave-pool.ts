import { createReadStream } from 'node:fs';
import {
  MODEL_CHUNK_BYTES,
  createError,
  encodeInferKserveRequest,
  isProvenantError,
  parseAttestResponse,
  parseEmptyResponse,
  parseInferKserveResponse,
  parseModelInfo,
  parseModelList,
  parseStatus,
  type AttestResponse,
  type EnclaveStatus,
  type InferKserveRequest,
  type InferKserveResponse,
  type ModelInfo,
  type Op,
  type PlanReceiptJson,
} from '@provenant/protocol';
import type { EnclaveLink } from './enclave-link.js';
import { EnclaveSlot, type SlotOptions } from './enclave-slot.js';
import { fanOutModel } from './model-upload.js';
import { lookUpReceipt } from './receipt-lookup.js';
import { ReceiptRoutes } from './receipt-routes.js';

/** A model file loaded into every enclave whenever a connection to it comes up. */
export interface StartupModel {
  readonly name: string;
  readonly path: string;
  readonly size: number;
}

export interface PoolOptions extends Omit<SlotOptions, 'onLink'> {
  readonly addresses: readonly string[];
  readonly requestTimeoutMs: number;
  readonly uploadTimeoutMs: number;
  readonly startupModels: readonly StartupModel[];
}

/** Ops that may be retried on another connection after a drop: they change nothing in the enclave. */
const IDEMPOTENT: ReadonlySet<Op> = new Set(['model.list', 'status', 'attest']);

/**
 * Every enclave the proxy serves from. Requests go to the open link with the fewest in flight, round robin
 * among ties; model uploads and deletes go to every open link.
 */
export class EnclavePool {
  readonly #slots: EnclaveSlot[];
  readonly #options: PoolOptions;
  readonly #receipts = new ReceiptRoutes();
  #cursor = 0;

  constructor(options: PoolOptions) {
    this.#options = options;
    this.#slots = options.addresses.map((address) => new EnclaveSlot(address, { ...options, onLink: (link) => this.#sync(link) }));
  }

  start(): void {
    for (const slot of this.#slots) slot.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#slots].reverse().map((slot) => slot.stop()));
  }

  /** Per address: whether it is connected, its in-flight count and how many times it connected. */
  get slots(): readonly { address: string; connected: boolean; inFlight: number; connects: number }[] {
    return this.#slots.map((slot) => ({ address: slot.address, connected: slot.link !== undefined, inFlight: slot.link?.inFlight ?? 0, connects: slot.connects }));
  }

  get connectedCount(): number {
    return this.#links().length;
  }

  get inFlight(): number {
    return this.#links().reduce((sum, link) => sum + link.inFlight, 0);
  }

  /** An Open Inference Protocol request relayed as received; the answer is the HTTP response body to send. */
  async inferKserve(request: InferKserveRequest, signal?: AbortSignal): Promise<InferKserveResponse> {
    const timeoutMs = request.timeoutMs ?? this.#options.requestTimeoutMs;
    const link = this.#pick();
    const response = parseInferKserveResponse(
      await link.request('infer.kserve', encodeInferKserveRequest({ ...request, timeoutMs }), { timeoutMs, ...(signal === undefined ? {} : { signal }) }),
    );
    // A plan receipt completes later in this enclave: GET /v1/receipts/{id} asks it first.
    if (response.receiptId !== undefined) this.#receipts.remember(response.receiptId, link.address);
    return response;
  }

  /** A plan receipt by id (receipt.get), from the enclave that issued it or else any that holds it. */
  getReceipt(id: string, options: { wait: boolean; signal?: AbortSignal }): Promise<PlanReceiptJson> {
    return lookUpReceipt(this.#requireLinks(), this.#receipts, id, { ...options, timeoutMs: this.#options.requestTimeoutMs });
  }

  listModels(): Promise<ModelInfo[]> {
    return this.#idempotent('model.list', {}, parseModelList);
  }

  /** model.list from every open link, for GET /v1/models. */
  async listModelsEverywhere(): Promise<{ address: string; models: ModelInfo[] }[]> {
    return Promise.all(
      this.#links().map(async (link) => ({
        address: link.address,
        models: parseModelList(await link.request('model.list', {}, { timeoutMs: this.#options.requestTimeoutMs })),
      })),
    );
  }

  attest(nonce?: Uint8Array): Promise<AttestResponse> {
    return this.#idempotent('attest', nonce === undefined ? {} : { nonce }, parseAttestResponse);
  }

  /** status from every open link; a link that fails to answer counts as not ready. */
  async statuses(timeoutMs: number): Promise<(EnclaveStatus | undefined)[]> {
    return Promise.all(
      this.#links().map((link) => link.request('status', {}, { timeoutMs }).then(parseStatus, () => undefined)),
    );
  }

  async deleteModel(name: string): Promise<void> {
    const links = this.#requireLinks();
    const results = await Promise.allSettled(
      links.map(async (link) => parseEmptyResponse(await link.request('model.delete', { name }, { timeoutMs: this.#options.requestTimeoutMs }), 'model.delete')),
    );
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  /**
   * Uploads to every open link at once, with the model's default plan (canonical plan JSON) when given. Answers the first enclave's model info when all accepted, else the
   * first refusal (the enclaves that accepted keep the model; they all hash the same bytes, so a split
   * outcome means an enclave-local condition such as a name already taken).
   */
  async putModel(name: string, size: number, source: AsyncIterable<Uint8Array>, signal?: AbortSignal, plan?: string): Promise<ModelInfo> {
    const options = { timeoutMs: this.#options.uploadTimeoutMs, ...(signal === undefined ? {} : { signal }) };
    const body = plan === undefined ? { name, size } : { name, size, plan };
    const streams = this.#requireLinks().map((link) => link.stream('model.put', body, options));
    const results = await fanOutModel(streams, size, source);
    const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
    const infos = results.map((result) => parseModelInfo((result as PromiseFulfilledResult<unknown>).value));
    return infos[0] as ModelInfo;
  }

  /** Loads the startup models into a fresh link; a model the enclave already holds is fine. */
  async #sync(link: EnclaveLink): Promise<void> {
    for (const model of this.#options.startupModels) {
      const stream = link.stream('model.put', { name: model.name, size: model.size }, { timeoutMs: this.#options.uploadTimeoutMs });
      const source = createReadStream(model.path, { highWaterMark: MODEL_CHUNK_BYTES });
      try {
        const [result] = await fanOutModel([stream], model.size, source);
        if (result?.status === 'fulfilled') {
          this.#options.log(`enclave ${link.address}: loaded ${model.name}`);
        } else if (!isProvenantError(result?.reason, 'PRV_ERR_MODEL_EXISTS')) {
          this.#options.log(`enclave ${link.address}: ${model.name} refused (${(result?.reason as { code?: string }).code ?? 'error'})`);
        }
      } catch (error) {
        this.#options.log(`enclave ${link.address}: ${model.name} not loaded (${(error as { code?: string }).code ?? 'read error'})`);
      } finally {
        source.destroy();
      }
      if (!link.isOpen) return;
    }
  }

  async #idempotent<T>(op: Op, body: object, parse: (body: unknown) => T): Promise<T> {
    try {
      return parse(await this.#pick().request(op, body, { timeoutMs: this.#options.requestTimeoutMs }));
    } catch (error) {
      // A dropped connection says nothing about the request itself: ask another enclave once.
      if (!isProvenantError(error, 'PRV_ERR_WIRE_CLOSED')) throw error;
      return parse(await this.#pick().request(op, body, { timeoutMs: this.#options.requestTimeoutMs }));
    }
  }

  #links(): EnclaveLink[] {
    return this.#slots.flatMap((slot) => (slot.link === undefined ? [] : [slot.link]));
  }

  #requireLinks(): EnclaveLink[] {
    const links = this.#links();
    if (links.length === 0) throw createError('PRV_ERR_PROXY_NO_ENCLAVE');
    return links;
  }

  /** Least in flight; ties broken round robin by starting the scan after the last pick. */
  #pick(): EnclaveLink {
    let best: { link: EnclaveLink; index: number } | undefined;
    let open = 0;
    for (let step = 0; step < this.#slots.length; step++) {
      const index = (this.#cursor + step) % this.#slots.length;
      const link = this.#slots[index]?.link;
      if (link === undefined) continue;
      open++;
      if (!link.hasCapacity) continue;
      if (best === undefined || link.inFlight < best.link.inFlight) best = { link, index };
    }
    if (best === undefined) throw createError(open === 0 ? 'PRV_ERR_PROXY_NO_ENCLAVE' : 'PRV_ERR_PROXY_SATURATED');
    this.#cursor = (best.index + 1) % this.#slots.length;
    return best.link;
  }
}
