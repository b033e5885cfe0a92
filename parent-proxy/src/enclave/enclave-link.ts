import { ERRORS, MAX_IN_FLIGHT_PER_CONNECTION, MAX_REQUEST_ID, createError, isProvenantError, type ErrorCode, type Op, type ProvenantError } from '@provenant/protocol';
import type { ApplicationFrame, FramedConnection } from '@provenant/transport';

export interface LinkRequestOptions {
  /** Deadline for the enclave's answer; past it a cancel frame goes out and the call fails with PRV_ERR_PROXY_DEADLINE. */
  readonly timeoutMs: number;
  /** The HTTP client went away: cancel the request the same way. */
  readonly signal?: AbortSignal;
}

/** A streamed request: push chunk frames, await the answer, or give up (sends cancel). */
export interface LinkStream {
  readonly done: Promise<unknown>;
  sendChunk(data: Uint8Array, end: boolean): Promise<void>;
  abort(error: Error): void;
}

interface Pending {
  readonly op: Op;
  readonly resolve: (body: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  readonly cleanup: () => void;
}

/**
 * One live connection to an enclave, seen from the parent: allocates request ids, multiplexes requests,
 * matches res/err frames to them, enforces deadlines with cancel frames, and fails everything in flight
 * with PRV_ERR_WIRE_CLOSED when the connection drops.
 */
export class EnclaveLink {
  readonly address: string;
  readonly #connection: FramedConnection;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed = false;

  constructor(address: string, connection: FramedConnection) {
    this.address = address;
    this.#connection = connection;
    connection.on('frame', (frame: ApplicationFrame) => this.#onFrame(frame));
    void connection.closed.then((error) => this.#failAll(error));
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  get isOpen(): boolean {
    return !this.#closed && this.#connection.isReady;
  }

  get hasCapacity(): boolean {
    return this.#pending.size < MAX_IN_FLIGHT_PER_CONNECTION;
  }

  /** Sends one request and resolves with the enclave's response body (still to be parsed by the caller). */
  request(op: Op, body: unknown, options: LinkRequestOptions): Promise<unknown> {
    const { id, done } = this.#open(op, options);
    this.#connection.send({ k: 'req', id, op, body }).catch((error: unknown) => this.#settle(id, toError(error)));
    return done;
  }

  /**
   * Streams a request body (model.put): the req frame, then chunk frames pulled from `chunks` one at a time,
   * each awaited until the connection accepted it (drain), so a slow enclave slows the source. Stops sending
   * as soon as the request is settled (the enclave may refuse early). Resolves with the response body.
   */
  stream(op: Op, body: unknown, options: LinkRequestOptions): LinkStream {
    const { id, done } = this.#open(op, options);
    let seq = 0;
    const opened = this.#connection.send({ k: 'req', id, op, body });
    opened.catch((error: unknown) => this.#settle(id, toError(error)));
    const sendChunk = async (data: Uint8Array, end: boolean): Promise<void> => {
      await opened.catch(() => undefined);
      if (!this.#pending.has(id)) return;
      try {
        await this.#connection.send({ k: 'chunk', id, seq: seq++, data, end });
      } catch (error) {
        this.#settle(id, toError(error));
      }
    };
    return { done, sendChunk, abort: (error) => this.#cancel(id, error) };
  }

  close(): Promise<ProvenantError | undefined> {
    return this.#connection.close();
  }

  #open(op: Op, options: LinkRequestOptions): { id: number; done: Promise<unknown> } {
    if (!this.isOpen) throw createError('PRV_ERR_WIRE_CLOSED', `connection to ${this.address} is not open`);
    if (!this.hasCapacity) throw createError('PRV_ERR_PROXY_SATURATED', `${MAX_IN_FLIGHT_PER_CONNECTION} requests in flight`);
    if (options.signal?.aborted === true) throw createError('PRV_ERR_PROXY_CLIENT_CLOSED');
    const id = this.#allocateId();
    let resolve!: (body: unknown) => void;
    let reject!: (error: Error) => void;
    const done = new Promise<unknown>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Callers attach their handler later (an upload awaits `done` after its last chunk): never unhandled.
    done.catch(() => undefined);
    const timer = setTimeout(() => this.#cancel(id, createError('PRV_ERR_PROXY_DEADLINE', `${op} took longer than ${options.timeoutMs} ms`)), options.timeoutMs);
    const onAbort = (): void => this.#cancel(id, createError('PRV_ERR_PROXY_CLIENT_CLOSED'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const pending: Pending = {
      op,
      resolve,
      reject,
      timer,
      cleanup: () => options.signal?.removeEventListener('abort', onAbort),
    };
    this.#pending.set(id, pending);
    return { id, done };
  }

  #allocateId(): number {
    // u32 ids, never 0; skip any still in flight after a wrap-around.
    for (;;) {
      const id = this.#nextId;
      this.#nextId = id >= MAX_REQUEST_ID ? 1 : id + 1;
      if (!this.#pending.has(id)) return id;
    }
  }

  #onFrame(frame: ApplicationFrame): void {
    if (frame.k === 'res') this.#settle(frame.id, undefined, frame.body);
    else if (frame.k === 'err') this.#settle(frame.id, enclaveError(frame.code, frame.message));
    else void this.#connection.close(createError('PRV_ERR_WIRE_MALFORMED', `an enclave may not send ${frame.k} frames`));
    // res/err for an id no longer pending answer a request we cancelled: dropped on purpose.
  }

  #settle(id: number, error: Error | undefined, body?: unknown): void {
    const pending = this.#pending.get(id);
    if (pending === undefined) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    pending.cleanup();
    if (error === undefined) pending.resolve(body);
    else pending.reject(error);
  }

  #cancel(id: number, error: Error): void {
    if (!this.#pending.has(id)) return;
    this.#settle(id, error);
    if (this.#connection.isOpen) this.#connection.send({ k: 'cancel', id }).catch(() => undefined);
  }

  #failAll(error: ProvenantError | undefined): void {
    this.#closed = true;
    const reason = error !== undefined && error.code === 'PRV_ERR_WIRE_PEER_TIMEOUT' ? error : undefined;
    for (const id of [...this.#pending.keys()]) {
      this.#settle(id, reason ?? createError('PRV_ERR_WIRE_CLOSED', `connection to ${this.address} dropped`));
    }
  }
}

/**
 * Rebuilds the enclave's public error so that toPublicError() on this side yields the enclave's message
 * unchanged: the err frame's message is already "<fixed message>[: <detail>]".
 */
function enclaveError(code: ErrorCode, message: string): ProvenantError {
  const prefix = `${ERRORS[code].message}: `;
  return createError(code, message.startsWith(prefix) ? message.slice(prefix.length) : message === ERRORS[code].message ? undefined : message);
}

function toError(error: unknown): Error {
  return isProvenantError(error) || error instanceof Error ? error : createError('PRV_ERR_INTERNAL');
}
