import { createHash } from 'node:crypto';
import {
  createError,
  encodeAttestResponse,
  encodeInferKserveResponse,
  encodeInferResponse,
  encodeKserveInferResponse,
  encodeModelInfo,
  encodeModelList,
  encodeReceiptGetResponse,
  encodeStatus,
  PLAN_RECEIPT_FORMAT,
  parseKserveInferRequest,
  parsePlanJson,
  sha256Hex,
  type AttestRequest,
  type Fields,
  type InferKserveRequest,
  type InferRequest,
  type ModelInfo,
  type ModelPutRequest,
  type PlanReceiptJson,
  type ProofPlan,
  type ReceiptJson,
  type ReceiptGetRequest,
  type Tensor,
  wantsBinaryOutput,
} from '@provenant/protocol';
import { assertInputsMatch, runInference, selectOutputs } from '../inference/run-inference.js';
import type { SessionKey } from '../keys/session-key.js';
import type { EnclaveLogger } from '../logging/enclave-logger.js';
import type { LoadedModel, ModelRegistry } from '../models/model-registry.js';
import { ModelUpload } from '../models/model-upload.js';
import type { NsmClient } from '../nsm/nsm-client.js';
import { runPlan } from '../plans/plan-runner.js';
import type { PlanPreparer } from '../plans/prepared-plan.js';
import type { ReceiptStore } from '../plans/receipt-store.js';
import type { WitnessPool } from '../plans/witness-pool.js';
import type { ReceiptIssuer } from '../receipts/receipt-issuer.js';
import { nativeTensorsDigest } from '../receipts/native-tensor-digest.js';
import type { WorkQueue } from '../scheduling/work-queue.js';

export interface EnclaveServiceParts {
  readonly nsm: NsmClient;
  readonly sessionKey: SessionKey;
  /** Deterministic CBOR of the effective config; its SHA-256 is every document's user_data but receipts'. */
  readonly configBytes: Uint8Array;
  readonly bootDocument: Uint8Array;
  readonly registry: ModelRegistry;
  readonly receipts: ReceiptIssuer;
  readonly queue: WorkQueue;
  /** Proof plans: prepared (partitioned, compiled, keys) once per model and plan. */
  readonly plans: PlanPreparer;
  /** Plan receipts by id, filled in as proofs finish (receipt.get). */
  readonly planReceipts: ReceiptStore;
  /** zk segments' witnesses, off the event loop. */
  readonly witnesses: WitnessPool;
  readonly logger: EnclaveLogger;
  readonly maxModelBytes: number;
  readonly requestTimeoutMs: number;
}

/**
 * The operations (docs/protocol.md §Operations), each taking an already-parsed request body and returning
 * the response body to encode. Until boot completes (`attach`), only status answers.
 */
export class EnclaveService {
  #parts: EnclaveServiceParts | undefined;
  #stopping = false;
  readonly #startedAt: number;
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
    this.#startedAt = now();
  }

  /** Boot finished: the service starts answering every op. */
  attach(parts: EnclaveServiceParts): void {
    this.#parts = parts;
  }

  /** Shutdown began: new work is refused. */
  markStopping(): void {
    this.#stopping = true;
  }

  get parts(): EnclaveServiceParts {
    if (this.#stopping) throw createError('PRV_ERR_ENCLAVE_STOPPING');
    if (this.#parts === undefined) throw createError('PRV_ERR_ENCLAVE_NOT_READY');
    return this.#parts;
  }

  get requestTimeoutMs(): number {
    return this.parts.requestTimeoutMs;
  }

  status(): Fields {
    const parts = this.#parts;
    return encodeStatus({
      ready: parts !== undefined && !this.#stopping,
      models: parts?.registry.size ?? 0,
      inFlight: parts?.queue.running ?? 0,
      queued: parts?.queue.queued ?? 0,
      receipts: parts?.receipts.issued ?? 0,
      uptimeMs: Math.max(0, this.#now() - this.#startedAt),
    });
  }

  async infer(request: InferRequest, signal: AbortSignal): Promise<Fields> {
    const { model, outputs, receipt } = await this.#run(request, signal);
    return encodeInferResponse({ model: { name: model.info.name, sha256: model.info.sha256 }, outputs, receipt });
  }

  /**
   * infer.kserve: the client's Open Inference Protocol body, parsed here rather than by the parent, and the
   * HTTP response body written here too, so the parent relays bytes both ways (docs/protocol.md).
   */
  async inferKserve(request: InferKserveRequest, signal: AbortSignal): Promise<Fields> {
    const kserve = parseKserveInferRequest(request.body, request.jsonBytes);
    const { model, outputs, receipt } = await this.#run(
      {
        model: request.model,
        inputs: kserve.inputs,
        receipt: kserve.receiptMode,
        ...(kserve.outputs === undefined ? {} : { outputs: kserve.outputs.map((output) => output.name) }),
        ...(kserve.nonce === undefined ? {} : { nonce: kserve.nonce }),
        ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
        ...(kserve.plan === undefined ? {} : { plan: kserve.plan }),
        ...(kserve.wait === undefined ? {} : { wait: kserve.wait }),
      },
      signal,
    );
    const encoded = encodeKserveInferResponse(
      { modelName: model.info.name, modelVersion: model.info.sha256, ...(kserve.id === undefined ? {} : { id: kserve.id }), outputs, receipt },
      (name) => wantsBinaryOutput(kserve, name),
    );
    return encodeInferKserveResponse({
      body: encoded.body,
      ...(encoded.jsonBytes === undefined ? {} : { jsonBytes: encoded.jsonBytes }),
      ...(receipt.format === PLAN_RECEIPT_FORMAT ? { receiptId: receipt.id } : {}),
    });
  }

  async #run(request: InferRequest, signal: AbortSignal): Promise<{ model: LoadedModel; outputs: readonly Tensor[]; receipt: ReceiptJson | PlanReceiptJson }> {
    const parts = this.parts;
    const model = parts.registry.get(request.model);
    assertInputsMatch(model, request.inputs);
    const outputNames = selectOutputs(model, request.outputs);
    const timeoutMs = request.timeoutMs ?? parts.requestTimeoutMs;
    // docs/receipts.md §7: a request's own plan, else the model's default; neither keeps the v1 path as it was.
    const plan = request.plan === undefined ? model.plan : parsePlanJson(request.plan);
    if (plan !== null) {
      const run = await parts.plans.with(model.bytes, model.info.sha256, plan, (prepared) =>
        runPlan(
          { model, prepared, inputs: request.inputs, outputNames, mode: request.receipt, nonce: request.nonce ?? null, wait: request.wait === true, timeoutMs, signal },
          { receipts: parts.receipts, store: parts.planReceipts, queue: parts.queue, witnesses: parts.witnesses },
        ),
      );
      return { model, outputs: run.outputs, receipt: run.receipt };
    }
    // Hashed before inference, while the bytes just decoded are still in cache: after it they are not, and
    // this is on the request's path either way.
    const input = nativeTensorsDigest(request.inputs);
    const outputs = await parts.queue.run(() => runInference(model, request.inputs, outputNames), { timeoutMs, signal });
    const receipt = await parts.receipts.issue({
      mode: request.receipt,
      model: model.digest,
      input,
      output: nativeTensorsDigest(outputs),
      nonce: request.nonce ?? null,
    });
    return { model, outputs, receipt };
  }

  /** Starts a model.put: reserves the name and allocates the declared size after checking it. */
  beginUpload(request: ModelPutRequest): ModelUpload {
    const parts = this.parts;
    // A malformed plan fails before any byte is buffered; whether it fits the model is known only at the end.
    if (request.plan !== undefined) parsePlanJson(request.plan);
    parts.registry.reserve(request.name);
    try {
      return new ModelUpload(request, parts.maxModelBytes);
    } catch (error) {
      parts.registry.release(request.name);
      throw error;
    }
  }

  abandonUpload(upload: ModelUpload): void {
    this.#parts?.registry.release(upload.request.name);
  }

  /**
   * With a default plan, the plan is prepared before the model is added (and PCR16 extended): a plan that
   * does not fit fails the upload with its own code, and the zk segments' setup starts now, in the
   * background, with progress in the log.
   */
  async finishUpload(upload: ModelUpload, bytes: Uint8Array): Promise<Fields> {
    const parts = this.parts;
    const name = upload.request.name;
    let plan: ProofPlan | null = null;
    if (upload.request.plan !== undefined) {
      try {
        plan = parsePlanJson(upload.request.plan);
        await parts.plans.prepare(bytes, sha256Hex(Uint8Array.from(createHash('sha256').update(bytes).digest())), plan);
      } catch (error) {
        parts.registry.release(name);
        throw error;
      }
    }
    const info: ModelInfo = await parts.registry.add(name, bytes, 'upload', plan);
    return encodeModelInfo(info);
  }

  async deleteModel(name: string): Promise<Fields> {
    const parts = this.parts;
    const sha256 = parts.registry.list().find((info) => info.name === name)?.sha256;
    // delete() raises the codes (sealed, not found); the model's prepared plans go with it.
    await parts.registry.delete(name);
    if (sha256 !== undefined && !parts.registry.list().some((info) => info.sha256 === sha256)) parts.plans.forget(sha256);
    return {};
  }

  /** A plan receipt as it stands; with `wait`, once settled or at the request deadline, whichever comes first. */
  async getReceipt(request: ReceiptGetRequest, signal: AbortSignal): Promise<Fields> {
    const parts = this.parts;
    const deadline = AbortSignal.any([signal, AbortSignal.timeout(parts.requestTimeoutMs)]);
    return encodeReceiptGetResponse(await parts.planReceipts.get(request.id, { wait: request.wait === true, signal: deadline }));
  }

  listModels(): Fields {
    return encodeModelList(this.parts.registry.list());
  }

  /** A fresh document binding the config digest, the session key and the caller's nonce. */
  async attest(request: AttestRequest): Promise<Fields> {
    const parts = this.parts;
    const userData = Uint8Array.from(createHash('sha256').update(parts.configBytes).digest());
    const document = await parts.nsm.attestation({ userData, nonce: request.nonce ?? null, publicKey: parts.sessionKey.publicKey });
    return encodeAttestResponse({ document, bootDocument: parts.bootDocument, sessionKey: parts.sessionKey.publicKey, config: parts.configBytes });
  }
}
