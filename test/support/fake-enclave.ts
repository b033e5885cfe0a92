import type { Duplex } from 'node:stream';
import {
  PLAN_RECEIPT_FORMAT,
  encodeAttestResponse,
  encodeInferKserveResponse,
  encodeKserveInferResponse,
  encodeModelInfo,
  encodeModelList,
  encodeStatus,
  parseInferKserveRequest,
  parseKserveInferRequest,
  parseModelPutRequest,
  toBase64,
  toPublicError,
  wantsBinaryOutput,
  type ErrorCode,
  type ModelInfo,
  type PlanReceiptJson,
  type ReceiptJson,
  type Tensor,
} from '@provenant/protocol';
import { FramedConnection, listen, type ApplicationFrame, type Listener } from '@provenant/transport';

/** What a handler answers: a response body, an error, or nothing ever (to test deadlines). */
export type FakeAnswer = { readonly body: unknown } | { readonly code: ErrorCode; readonly message: string } | 'hang';

export interface FakeRequest {
  readonly id: number;
  readonly op: string;
  readonly body: unknown;
}

/** A canned, protocol-valid session receipt (parseReceipt accepts it; no verifier runs in these tests). */
export function cannedReceipt(seed: number): ReceiptJson {
  const bytes = (length: number, first?: number): string => toBase64(Uint8Array.from({ length }, (_, i) => (i === 0 && first !== undefined ? first : (seed * 31 + i) & 0xff)));
  return { format: 'provenant.receipt.v1', mode: 'session', claims: bytes(120), session_key: bytes(65, 0x04), signature: bytes(64) };
}

export function cannedModel(name: string, source: 'boot' | 'upload' = 'boot', size = 1234): ModelInfo {
  return {
    name,
    sha256: 'ab'.repeat(32),
    size,
    loadedAt: 1_700_000_000_000,
    source,
    inputs: [{ name: 'input', dtype: 'FP32', shape: [-1, 4] }],
    outputs: [{ name: 'output', dtype: 'FP32', shape: [-1, 4] }],
    plan: null,
  };
}

/**
 * The fake's infer.kserve: parses the relayed body with the enclave's own parser (so bad requests get the
 * enclave's codes), echoes the first input back as output "output" and answers the HTTP body to relay.
 */
export function echoKserve(body: unknown, models: readonly ModelInfo[], receipt: ReceiptJson | PlanReceiptJson): FakeAnswer {
  try {
    const request = parseInferKserveRequest(body);
    const model = models.find((m) => m.name === request.model);
    if (model === undefined) return { code: 'PRV_ERR_MODEL_NOT_FOUND', message: 'model not found: ' + request.model };
    const kserve = parseKserveInferRequest(request.body, request.jsonBytes);
    const input = kserve.inputs[0] as Tensor;
    const encoded = encodeKserveInferResponse(
      { modelName: model.name, modelVersion: model.sha256, ...(kserve.id === undefined ? {} : { id: kserve.id }), outputs: [{ ...input, name: 'output' }], receipt },
      (name) => wantsBinaryOutput(kserve, name),
    );
    return { body: encodeInferKserveResponse({ ...encoded, ...(receipt.format === PLAN_RECEIPT_FORMAT ? { receiptId: receipt.id } : {}) }) };
  } catch (error) {
    const { code, message } = toPublicError(error);
    return { code, message };
  }
}

/**
 * A stand-in enclave daemon speaking the real wire protocol through FramedConnection. By default it serves
 * one model ("iris"), echoes each infer.kserve input back as output "output" (same dtype, shape, bytes) with a
 * canned receipt, accepts uploads (recording every chunk in order) and answers attest/status.
 */
export class FakeEnclave {
  readonly requests: FakeRequest[] = [];
  readonly chunks: { id: number; seq: number; data: Uint8Array; end: boolean }[] = [];
  readonly cancels: number[] = [];
  models: ModelInfo[] = [cannedModel('iris')];
  ready = true;
  receiptSeed = 1;
  /** Per-op override; return undefined to fall back to the default answer. */
  handler: ((request: FakeRequest) => FakeAnswer | undefined | Promise<FakeAnswer | undefined>) | undefined;
  readonly connections = new Set<FramedConnection>();
  #listener: Listener | undefined;
  readonly #uploads = new Map<number, { name: string; size: number; received: number }>();

  async start(address: string): Promise<string> {
    this.#listener = await listen(address, (stream) => this.#accept(stream));
    const bound = this.#listener.address;
    return bound.kind === 'tcp' ? `tcp://${bound.host}:${bound.port}` : address;
  }

  /** Closes the listener and drops every connection, as a crashed daemon would. */
  async stop(): Promise<void> {
    await this.#listener?.close();
    await Promise.all([...this.connections].map((connection) => connection.close()));
  }

  #accept(stream: Duplex): void {
    stream.on('error', () => undefined);
    const connection = new FramedConnection(stream, { role: 'enclave' });
    this.connections.add(connection);
    void connection.closed.then(() => this.connections.delete(connection));
    connection.on('frame', (frame: ApplicationFrame) => void this.#onFrame(connection, frame));
  }

  async #onFrame(connection: FramedConnection, frame: ApplicationFrame): Promise<void> {
    if (frame.k === 'cancel') {
      this.cancels.push(frame.id);
      return;
    }
    if (frame.k === 'chunk') {
      this.chunks.push({ id: frame.id, seq: frame.seq, data: frame.data, end: frame.end });
      const upload = this.#uploads.get(frame.id);
      if (upload === undefined) return;
      upload.received += frame.data.length;
      if (frame.end) {
        this.#uploads.delete(frame.id);
        const answer = upload.received === upload.size ? { body: encodeModelInfo(cannedModel(upload.name, 'upload', upload.size)) } : { code: 'PRV_ERR_MODEL_SIZE_MISMATCH' as const, message: 'model size mismatch' };
        await this.#answer(connection, frame.id, answer);
      }
      return;
    }
    if (frame.k !== 'req') return;
    const request = { id: frame.id, op: frame.op, body: frame.body };
    this.requests.push(request);
    const custom = await this.handler?.(request);
    if (custom === 'hang') return;
    if (custom !== undefined) {
      if (frame.op === 'model.put' && 'code' in custom) this.#uploads.delete(frame.id);
      await this.#answer(connection, frame.id, custom);
      return;
    }
    await this.#answer(connection, frame.id, this.#default(request));
  }

  #default(request: FakeRequest): FakeAnswer | 'hang' {
    switch (request.op) {
      case 'infer.kserve':
        return echoKserve(request.body, this.models, cannedReceipt(this.receiptSeed++));
      case 'model.put': {
        const put = parseModelPutRequest(request.body);
        this.#uploads.set(request.id, { name: put.name, size: put.size, received: 0 });
        return 'hang'; // answered when the last chunk arrives
      }
      case 'model.delete':
        return { body: {} };
      case 'model.list':
        return { body: encodeModelList(this.models) };
      case 'attest':
        return {
          body: encodeAttestResponse({
            document: new Uint8Array([1, 2, 3]),
            bootDocument: new Uint8Array([4, 5, 6]),
            sessionKey: Uint8Array.from({ length: 65 }, (_, i) => (i === 0 ? 4 : i)),
            config: new Uint8Array([0xa0]),
          }),
        };
      case 'status':
        return { body: encodeStatus({ ready: this.ready, models: this.models.length, inFlight: 0, queued: 0, receipts: 0, uptimeMs: 1 }) };
      default:
        return { code: 'PRV_ERR_WIRE_UNKNOWN_OP', message: 'unknown operation' };
    }
  }

  async #answer(connection: FramedConnection, id: number, answer: Exclude<FakeAnswer, 'hang'> | 'hang'): Promise<void> {
    if (answer === 'hang' || !connection.isOpen) return;
    if ('body' in answer) await connection.send({ k: 'res', id, body: answer.body }).catch(() => undefined);
    else await connection.send({ k: 'err', id, code: answer.code, message: answer.message }).catch(() => undefined);
  }
}
