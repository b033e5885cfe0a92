import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createError, type ProvenantError } from '@provenant/protocol';
import { loadNativeGroth16Binding, nativeGroth16Available } from '../native/native-groth16-binding.js';
import type { ProveBackend, ProveReply, ProveRequest } from './prover-pool-protocol.js';

export type { ProveBackend } from './prover-pool-protocol.js';

/** snarkjs' proof.json, as JSON: pi_a/pi_c G1 and pi_b G2 in projective decimal form. */
export interface Groth16ProofJson {
  readonly pi_a: readonly string[];
  readonly pi_b: readonly (readonly string[])[];
  readonly pi_c: readonly string[];
  readonly protocol: string;
  readonly curve: string;
}

export interface Groth16ProveResult {
  readonly proof: Groth16ProofJson;
  /** Decimal strings, snarkjs order (outputs, then public inputs). */
  readonly publicSignals: readonly string[];
  /** Peak resident set of the proving process so far, in KiB (process.resourceUsage().maxRSS). */
  readonly maxRssKiB: number;
  /** Time of the proof alone (snarkjs' groth16.prove, or the native addon's call), in ms, without process start-up and curve build. */
  readonly snarkjsProveMs: number;
  /** Which prover made the proof (always set by ProverPool; optional so results built elsewhere stay valid). */
  readonly backend?: ProveBackend;
  /**
   * Steps in ms, where proving time goes: snarkjs (read, abc, fft, join, msmA, msmB1, msmB2G2, msmC, msmH) or the
   * native prover (read, abc, fft, msmA, msmB1, msmC, msmH, msmB2G2, blind; its fft includes the join).
   */
  readonly phasesMs: Readonly<Record<string, number>>;
}

export interface Groth16ProveOptions {
  /** Kills the proving process when it fires (PRV_ERR_ZK_PROVE_ABORTED); a queued job just leaves the queue. */
  readonly signal?: AbortSignal;
  /** Deadline in milliseconds from the call, queueing included (PRV_ERR_ZK_PROVE_TIMEOUT); default none. */
  readonly timeoutMs?: number;
}

export interface ProverPoolOptions {
  /** Long-lived proving processes; default 1: snarkjs already spreads one proof over every core. */
  readonly processes?: number;
  /** Jobs that may wait for a process; one more is refused with PRV_ERR_ZK_PROVER_BUSY. Default 16. */
  readonly maxQueued?: number;
  /** Proving keys each process keeps by zkeyId (least recently used dropped first). Default 4. */
  readonly maxCachedKeys?: number;
  /**
   * 'native': the C prover (prover/native/, several times faster; PRV_ERR_ZK_NATIVE_UNAVAILABLE here if its addon is
   * not built); 'snarkjs': snarkjs' WASM prover. Default: native when its addon loads, else snarkjs.
   */
  readonly backend?: ProveBackend;
}

export interface ProveJob {
  /** A stable id of the proving key (e.g. the circuit digest): the same id must always mean the same bytes. */
  readonly zkeyId: string;
  /** The .zkey bytes, or a loader called only when the chosen process does not hold zkeyId yet. */
  readonly zkey: Uint8Array | (() => Promise<Uint8Array>);
  readonly wtns: Uint8Array;
}

/** A proof that runs longer than a day is a bug, not a proof; setTimeout also caps at 2^31-1 ms. */
export const MAX_PROVE_TIMEOUT_MS = 24 * 60 * 60 * 1000;
/** Each process holds a whole snarkjs thread pool and its keys; more than this on one host is a misconfiguration. */
export const MAX_PROVER_PROCESSES = 64;
export const MAX_PROVER_QUEUE = 4096;
/** A cached key is a whole .zkey (~10 MB for the MNIST MLP): this bounds a process's memory by count. */
export const MAX_PROVER_CACHED_KEYS = 64;
export const MAX_ZKEY_ID_LENGTH = 256;
const POOL_OPTION_KEYS = new Set(['processes', 'maxQueued', 'maxCachedKeys', 'backend']);
const STDERR_TAIL_CHARS = 4096;
const CHILD = fileURLToPath(new URL('./prover-pool-child.js', import.meta.url));

type StopCode = 'PRV_ERR_ZK_PROVE_ABORTED' | 'PRV_ERR_ZK_PROVE_TIMEOUT';

interface Job {
  readonly id: number;
  readonly request: ProveJob;
  readonly resolve: (result: Groth16ProveResult) => void;
  readonly reject: (error: ProvenantError) => void;
  readonly cleanup: () => void;
  worker?: WarmProcess;
  settled: boolean;
}

/** One warm child and the parent's exact mirror of the keys it holds. */
interface WarmProcess {
  readonly child: ChildProcess;
  /** zkeyIds the child holds, least recently used first. */
  readonly keys: string[];
  job: Job | undefined;
  stderr: string;
  dead: boolean;
}

function assertCount(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', `${name} must be an integer in [${min}, ${max}], got ${String(value)}`);
  }
  return value;
}

/**
 * A bounded pool of long-lived snarkjs proving processes (STYLE rule 14: proving off the main thread, each
 * job abortable). A process builds the curve once and keeps proving keys by id, so a warm proof costs
 * snarkjs' groth16.prove alone instead of a process start, module load and curve build (~0.7-1 s), and a
 * 10 MB zkey crosses IPC once per process. Abort or deadline kill the process running that job (snarkjs
 * cannot be interrupted otherwise); a process that dies is replaced on the next job, and other jobs go on.
 */
export class ProverPool {
  readonly #processes: number;
  readonly #maxQueued: number;
  readonly #maxCachedKeys: number;
  readonly #backend: ProveBackend;
  readonly #workers: WarmProcess[] = [];
  readonly #queue: Job[] = [];
  #nextJobId = 1;
  #zkeyTransfers = 0;
  #closed = false;

  constructor(options: ProverPoolOptions = {}) {
    if (typeof options !== 'object' || options === null) throw createError('PRV_ERR_INVALID_ARGUMENT', 'options must be an object');
    for (const key of Object.keys(options)) {
      if (!POOL_OPTION_KEYS.has(key)) throw createError('PRV_ERR_INVALID_ARGUMENT', `unknown ProverPool option ${JSON.stringify(key)}`);
    }
    this.#processes = assertCount('processes', options.processes, 1, 1, MAX_PROVER_PROCESSES);
    this.#maxQueued = assertCount('maxQueued', options.maxQueued, 16, 0, MAX_PROVER_QUEUE);
    this.#maxCachedKeys = assertCount('maxCachedKeys', options.maxCachedKeys, 4, 1, MAX_PROVER_CACHED_KEYS);
    this.#backend = resolveBackend(options.backend);
  }

  /** The prover this pool's processes run. */
  get backend(): ProveBackend {
    return this.#backend;
  }

  /** Jobs waiting for a process. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Jobs a process is working on. */
  get running(): number {
    return this.#workers.filter((w) => w.job !== undefined).length;
  }

  /** Proving keys sent to a process so far (once per process and zkeyId while it stays cached). */
  get zkeyTransfers(): number {
    return this.#zkeyTransfers;
  }

  prove(job: ProveJob, options: Groth16ProveOptions = {}): Promise<Groth16ProveResult> {
    try {
      assertJob(job);
      assertProveOptions(options);
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closed) return Promise.reject(createError('PRV_ERR_ZK_PROVER_CLOSED', 'prove() after close()'));
    const { signal, timeoutMs } = options;
    if (signal?.aborted === true) return Promise.reject(createError('PRV_ERR_ZK_PROVE_ABORTED', 'aborted before start'));
    if (!this.#hasIdleSlot() && this.#queue.length >= this.#maxQueued) {
      return Promise.reject(createError('PRV_ERR_ZK_PROVER_BUSY', `${this.#queue.length} proofs already wait (maxQueued ${this.#maxQueued})`));
    }
    return new Promise<Groth16ProveResult>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const onAbort = (): void => this.#stop(entry, 'PRV_ERR_ZK_PROVE_ABORTED', 'the AbortSignal fired');
      const entry: Job = {
        id: this.#nextJobId++,
        request: job,
        resolve,
        reject,
        settled: false,
        cleanup: () => {
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => this.#stop(entry, 'PRV_ERR_ZK_PROVE_TIMEOUT', `no proof after ${timeoutMs} ms`), timeoutMs);
      }
      this.#queue.push(entry);
      this.#dispatch();
    });
  }

  /** Kills every process and rejects waiting and running jobs with PRV_ERR_ZK_PROVER_CLOSED. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) this.#settle(job, () => job.reject(createError('PRV_ERR_ZK_PROVER_CLOSED', 'close() was called while this proof waited')));
    const exits = this.#workers.splice(0).map((worker) => {
      if (worker.job !== undefined) {
        const job = worker.job;
        this.#settle(job, () => job.reject(createError('PRV_ERR_ZK_PROVER_CLOSED', 'close() was called while this proof ran; its process was killed')));
      }
      return this.#kill(worker);
    });
    await Promise.all(exits);
  }

  #hasIdleSlot(): boolean {
    return this.#workers.length < this.#processes || this.#workers.some((w) => w.job === undefined);
  }

  #dispatch(): void {
    while (!this.#closed && this.#queue.length > 0) {
      const job = this.#queue[0]!;
      const idle = this.#workers.filter((w) => w.job === undefined);
      // Prefer a process that already holds the key: no transfer, no eviction.
      const worker = idle.find((w) => w.keys.includes(job.request.zkeyId)) ?? idle[0] ?? this.#spawn();
      if (worker === undefined) return;
      this.#queue.shift();
      worker.job = job;
      job.worker = worker;
      setRef(worker.child, true);
      void this.#send(worker, job);
    }
  }

  #spawn(): WarmProcess | undefined {
    if (this.#workers.length >= this.#processes) return undefined;
    const child = fork(CHILD, [this.#backend], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    const worker: WarmProcess = { child, keys: [], job: undefined, stderr: '', dead: false };
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      worker.stderr = (worker.stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.on('message', (reply: ProveReply) => this.#onReply(worker, reply));
    const gone = (why: string): void => {
      if (worker.dead) return;
      worker.dead = true;
      this.#remove(worker);
      const job = worker.job;
      if (job !== undefined) {
        this.#settle(job, () => job.reject(createError('PRV_ERR_ZK_PROVE_FAILED', `proving process ${why} without a proof: ${worker.stderr.trim()}`)));
      }
      this.#dispatch();
    };
    // 'error' (spawn failure, or a send on a channel that just closed) may come more than once; 'exit' follows.
    child.on('error', (error) => gone(`failed (${error.message})`));
    child.once('exit', (code, sig) => gone(`exited (${sig ?? code})`));
    this.#workers.push(worker);
    return worker;
  }

  async #send(worker: WarmProcess, job: Job): Promise<void> {
    const { zkeyId, wtns } = job.request;
    const cached = worker.keys.indexOf(zkeyId);
    let zkey: Uint8Array | undefined;
    const evict: string[] = [];
    if (cached >= 0) {
      worker.keys.splice(cached, 1);
    } else {
      try {
        const source = job.request.zkey;
        zkey = typeof source === 'function' ? await source() : source;
        if (!(zkey instanceof Uint8Array)) throw new TypeError('the zkey loader did not return a Uint8Array');
      } catch (error) {
        this.#settle(job, () =>
          job.reject(createError('PRV_ERR_ZK_PROVE_FAILED', `loading zkey ${zkeyId}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })),
        );
        this.#release(worker);
        return;
      }
      // The job may have been aborted, or the process may have died, while the key loaded.
      if (job.settled || worker.dead) {
        if (!worker.dead) this.#release(worker);
        return;
      }
      while (worker.keys.length >= this.#maxCachedKeys) evict.push(worker.keys.shift()!);
      this.#zkeyTransfers += 1;
    }
    worker.keys.push(zkeyId);
    const request: ProveRequest = zkey === undefined ? { type: 'prove', jobId: job.id, zkeyId, evict, wtns } : { type: 'prove', jobId: job.id, zkeyId, zkey, evict, wtns };
    worker.child.send(request);
  }

  #onReply(worker: WarmProcess, reply: ProveReply): void {
    const job = worker.job;
    if (job === undefined || reply.jobId !== job.id) return;
    if (reply.ok) {
      const { proof, publicSignals, maxRssKiB, snarkjsProveMs, phasesMs } = reply;
      this.#settle(job, () => job.resolve({ proof, publicSignals, maxRssKiB, snarkjsProveMs, backend: this.#backend, phasesMs }));
    } else {
      // The child dropped the key on failure (it may be what snarkjs refused); keep the mirror exact.
      const at = worker.keys.indexOf(job.request.zkeyId);
      if (at >= 0) worker.keys.splice(at, 1);
      this.#settle(job, () => job.reject(createError('PRV_ERR_ZK_PROVE_FAILED', reply.reason)));
    }
    this.#release(worker);
  }

  /** Abort or deadline: a queued job leaves the queue; a running one takes its process down with it. */
  #stop(job: Job, code: StopCode, why: string): void {
    if (job.settled) return;
    const worker = job.worker;
    if (worker === undefined) {
      const at = this.#queue.indexOf(job);
      if (at >= 0) this.#queue.splice(at, 1);
      this.#settle(job, () => job.reject(createError(code, `${why} while queued`)));
      return;
    }
    this.#settle(job, () => job.reject(createError(code, `${why}; proving process killed`)));
    worker.dead = true;
    this.#remove(worker);
    void this.#kill(worker);
    this.#dispatch();
  }

  #settle(job: Job, outcome: () => void): void {
    if (job.settled) return;
    job.settled = true;
    job.cleanup();
    outcome();
  }

  #release(worker: WarmProcess): void {
    worker.job = undefined;
    setRef(worker.child, false);
    this.#dispatch();
  }

  #remove(worker: WarmProcess): void {
    const at = this.#workers.indexOf(worker);
    if (at >= 0) this.#workers.splice(at, 1);
  }

  #kill(worker: WarmProcess): Promise<void> {
    const { child } = worker;
    worker.dead = true;
    if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    // Held referenced until it is gone, or an idle loop would exit before 'exit' arrives and close() never settles.
    setRef(child, true);
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

/** An idle child must not keep the parent's event loop alive: a forgotten pool should not hang a CLI. */
function setRef(child: ChildProcess, ref: boolean): void {
  const handles: ({ ref(): void; unref(): void } | null | undefined)[] = [child, child.channel, child.stderr as unknown as { ref(): void; unref(): void } | null];
  for (const handle of handles) {
    if (ref) handle?.ref();
    else handle?.unref();
  }
}

function resolveBackend(backend: ProveBackend | undefined): ProveBackend {
  if (backend === undefined) return nativeGroth16Available() ? 'native' : 'snarkjs';
  if (backend !== 'native' && backend !== 'snarkjs') throw createError('PRV_ERR_INVALID_ARGUMENT', `backend must be 'native' or 'snarkjs', got ${JSON.stringify(backend)}`);
  // Fails here, in the caller's process, rather than in every proving child.
  if (backend === 'native' && !nativeGroth16Available()) loadNativeGroth16Binding();
  return backend;
}

function assertJob(job: ProveJob): void {
  if (typeof job !== 'object' || job === null) throw createError('PRV_ERR_INVALID_ARGUMENT', 'job must be an object');
  const { zkeyId, zkey, wtns } = job;
  if (typeof zkeyId !== 'string' || zkeyId.length === 0 || zkeyId.length > MAX_ZKEY_ID_LENGTH) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', `zkeyId must be a string of 1-${MAX_ZKEY_ID_LENGTH} characters`);
  }
  if (!(zkey instanceof Uint8Array) && typeof zkey !== 'function') throw createError('PRV_ERR_INVALID_ARGUMENT', 'zkey must be a Uint8Array or a loader function');
  if (!(wtns instanceof Uint8Array)) throw createError('PRV_ERR_INVALID_ARGUMENT', 'wtns must be a Uint8Array');
}

export function assertProveOptions(options: Groth16ProveOptions): void {
  if (typeof options !== 'object' || options === null) throw createError('PRV_ERR_INVALID_ARGUMENT', 'options must be an object');
  const { signal, timeoutMs } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw createError('PRV_ERR_INVALID_ARGUMENT', 'signal must be an AbortSignal');
  if (timeoutMs !== undefined && (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_PROVE_TIMEOUT_MS)) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', `timeoutMs must be an integer in [1, ${MAX_PROVE_TIMEOUT_MS}]`);
  }
}
