import {
  createError,
  isOp,
  isProvenantError,
  parseAttestRequest,
  parseEmptyRequest,
  parseInferKserveRequest,
  parseInferRequest,
  parseModelNameRequest,
  parseModelPutRequest,
  parseReceiptGetRequest,
  toPublicError,
  type Fields,
} from '@provenant/protocol';
import type { ApplicationFrame, FramedConnection } from '@provenant/transport';
import type { EnclaveLogger } from '../logging/enclave-logger.js';
import type { ModelUpload } from '../models/model-upload.js';
import type { EnclaveService } from './enclave-service.js';

interface InFlight {
  readonly op: string;
  readonly abort: AbortController;
  upload?: ModelUpload;
  /** Upload idle timer: a parent that stops sending chunks does not hold the name and buffer forever. */
  idleTimer?: ReturnType<typeof setTimeout>;
  /** The upload's bytes are complete and the model is loading; later chunks are a protocol error. */
  loading?: boolean;
}

export interface EnclaveConnectionOptions {
  readonly maxInFlight: number;
  readonly logger: EnclaveLogger;
}

/**
 * Serves one parent connection: request ids multiplex many operations, model.put bodies arrive as chunk
 * frames, cancel drops a request. Each request's failure becomes an err frame for its id; the connection
 * itself closes only for protocol violations (FramedConnection handles frame-level ones).
 */
export class EnclaveConnection {
  readonly #connection: FramedConnection;
  readonly #service: EnclaveService;
  readonly #options: EnclaveConnectionOptions;
  readonly #inFlight = new Map<number, InFlight>();

  constructor(connection: FramedConnection, service: EnclaveService, options: EnclaveConnectionOptions) {
    this.#connection = connection;
    this.#service = service;
    this.#options = options;
    connection.on('frame', (frame: ApplicationFrame) => this.#onFrame(frame));
    connection.on('close', () => this.#abortAll());
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  #onFrame(frame: ApplicationFrame): void {
    switch (frame.k) {
      case 'req':
        this.#onRequest(frame.id, frame.op, frame.body);
        return;
      case 'chunk':
        this.#onChunk(frame.id, frame.seq, frame.data, frame.end);
        return;
      case 'cancel':
        this.#finish(frame.id, createError('PRV_ERR_DEADLINE', 'cancelled by the parent'), false);
        return;
      default:
        void this.#connection.close(createError('PRV_ERR_WIRE_MALFORMED', `the enclave does not accept ${frame.k} frames`));
    }
  }

  #onRequest(id: number, op: string, body: unknown): void {
    if (this.#inFlight.has(id)) {
      void this.#connection.sendError(id, createError('PRV_ERR_WIRE_DUPLICATE_ID', String(id)));
      return;
    }
    if (this.#inFlight.size >= this.#options.maxInFlight) {
      void this.#connection.sendError(id, createError('PRV_ERR_BUSY', `${this.#inFlight.size} requests in flight on this connection`));
      return;
    }
    if (!isOp(op)) {
      void this.#connection.sendError(id, createError('PRV_ERR_WIRE_UNKNOWN_OP', op.slice(0, 32)));
      return;
    }
    const entry: InFlight = { op, abort: new AbortController() };
    this.#inFlight.set(id, entry);
    if (op === 'model.put') {
      // Synchronous, so chunks that follow in the same read already find the upload (or no entry at all).
      try {
        entry.upload = this.#service.beginUpload(parseModelPutRequest(body));
        this.#armIdle(id, entry);
      } catch (error) {
        this.#finish(id, error, true);
      }
      return;
    }
    let work: Promise<Fields | undefined>;
    try {
      work = this.#dispatch(op, body, entry);
    } catch (error) {
      work = Promise.reject(error);
    }
    work.then(
      (response) => {
        if (response !== undefined) this.#respond(id, response);
      },
      (error: unknown) => this.#finish(id, error, true),
    );
  }

  async #dispatch(op: string, body: unknown, entry: InFlight): Promise<Fields | undefined> {
    switch (op) {
      case 'status':
        parseEmptyRequest(body, op);
        return this.#service.status();
      case 'infer':
        return this.#service.infer(parseInferRequest(body), entry.abort.signal);
      case 'infer.kserve':
        return this.#service.inferKserve(parseInferKserveRequest(body), entry.abort.signal);
      case 'model.list':
        parseEmptyRequest(body, op);
        return this.#service.listModels();
      case 'model.delete':
        return this.#service.deleteModel(parseModelNameRequest(body, 'model.delete').name);
      case 'attest':
        return this.#service.attest(parseAttestRequest(body));
      case 'receipt.get':
        return this.#service.getReceipt(parseReceiptGetRequest(body), entry.abort.signal);
      default:
        throw createError('PRV_ERR_WIRE_UNKNOWN_OP', op.slice(0, 32));
    }
  }

  #onChunk(id: number, seq: number, data: Uint8Array, end: boolean): void {
    const entry = this.#inFlight.get(id);
    // Chunks for an upload that already failed (and was answered) are dropped, as docs/protocol.md allows.
    if (entry === undefined) return;
    if (entry.upload === undefined || entry.loading === true) {
      this.#finish(id, createError('PRV_ERR_WIRE_MALFORMED', `chunk for request ${id}, which takes no chunks now`), true);
      return;
    }
    const upload = entry.upload;
    let bytes: Uint8Array | undefined;
    try {
      bytes = upload.push(seq, data, end);
    } catch (error) {
      this.#finish(id, error, true);
      return;
    }
    if (bytes === undefined) {
      this.#armIdle(id, entry);
      return;
    }
    clearTimeout(entry.idleTimer);
    entry.loading = true;
    this.#service.finishUpload(upload, bytes).then(
      (info) => {
        entry.upload = undefined; // the registry owns the name now
        this.#respond(id, info);
      },
      (error: unknown) => {
        entry.upload = undefined; // add() released the reservation itself
        this.#finish(id, error, true);
      },
    );
  }

  #armIdle(id: number, entry: InFlight): void {
    clearTimeout(entry.idleTimer);
    const timeoutMs = this.#service.requestTimeoutMs;
    entry.idleTimer = setTimeout(() => this.#finish(id, createError('PRV_ERR_DEADLINE', `no chunk for ${timeoutMs} ms`), true), timeoutMs);
  }

  #respond(id: number, body: Fields): void {
    const entry = this.#inFlight.get(id);
    if (entry === undefined || entry.abort.signal.aborted) return; // cancelled: the parent no longer waits
    this.#inFlight.delete(id);
    this.#connection.send({ k: 'res', id, body }).catch((error: unknown) => this.#logSendFailure(error));
  }

  /** Ends request `id` with `error`: frees what it holds and, unless the parent cancelled it, sends err. */
  #finish(id: number, error: unknown, answer: boolean): void {
    const entry = this.#inFlight.get(id);
    if (entry === undefined) return;
    this.#inFlight.delete(id);
    clearTimeout(entry.idleTimer);
    if (entry.upload !== undefined && entry.loading !== true) this.#service.abandonUpload(entry.upload);
    const cancelled = entry.abort.signal.aborted;
    entry.abort.abort(error);
    const code = toPublicError(error).code;
    this.#options.logger.log(code === 'PRV_ERR_INTERNAL' ? 'error' : 'info', 'request.failed', { op: entry.op, code, cancelled: !answer });
    if (answer && !cancelled && this.#connection.isOpen) {
      this.#connection.sendError(id, error).catch((sendError: unknown) => this.#logSendFailure(sendError));
    }
  }

  #logSendFailure(error: unknown): void {
    this.#options.logger.log('warn', 'send.failed', { code: isProvenantError(error) ? error.code : 'PRV_ERR_INTERNAL' });
  }

  #abortAll(): void {
    for (const id of [...this.#inFlight.keys()]) this.#finish(id, createError('PRV_ERR_WIRE_CLOSED'), false);
  }
}
