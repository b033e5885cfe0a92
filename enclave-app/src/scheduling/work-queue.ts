import { createError } from '@provenant/protocol';

export interface WorkQueueOptions {
  /** Tasks running at once. */
  readonly concurrency: number;
  /** Tasks waiting for a slot; one more is refused with PRV_ERR_BUSY instead of held in memory. */
  readonly maxQueue: number;
}

export interface RunOptions {
  /** Fires PRV_ERR_DEADLINE after this many ms, whether the task waits or runs. */
  readonly timeoutMs: number;
  /** Cancel: the caller gave up; a waiting task is dropped, a running one's result is discarded. */
  readonly signal?: AbortSignal;
}

interface Job {
  readonly start: () => void;
  readonly fail: (error: unknown) => void;
}

/**
 * A bounded queue in front of a fixed number of slots. A running onnxruntime call cannot be interrupted,
 * so a deadline or cancel that hits a running task answers at once but keeps the slot until the call
 * returns: the slot count stays honest about the CPU in use.
 */
export class WorkQueue {
  readonly #options: WorkQueueOptions;
  #waiting: Job[] = [];
  #running = 0;
  #closed = false;

  constructor(options: WorkQueueOptions) {
    this.#options = options;
  }

  get running(): number {
    return this.#running;
  }

  get queued(): number {
    return this.#waiting.length;
  }

  run<T>(task: () => Promise<T>, options: RunOptions): Promise<T> {
    if (this.#closed) return Promise.reject(createError('PRV_ERR_ENCLAVE_STOPPING'));
    if (options.signal?.aborted === true) return Promise.reject(options.signal.reason);
    const mustWait = this.#running >= this.#options.concurrency;
    if (mustWait && this.#waiting.length >= this.#options.maxQueue) {
      return Promise.reject(createError('PRV_ERR_BUSY', `${this.#waiting.length} requests queued`));
    }
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const settle = (action: () => void): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        action();
      };
      const job: Job = {
        start: () => {
          this.#running++;
          task().then(
            (value) => settle(() => resolve(value)),
            (error: unknown) => settle(() => reject(error)),
          ).finally(() => {
            this.#running--;
            this.#next();
          });
        },
        fail: (error) => settle(() => reject(error)),
      };
      const drop = (error: unknown): void => {
        const index = this.#waiting.indexOf(job);
        if (index >= 0) this.#waiting.splice(index, 1);
        job.fail(error);
      };
      const onAbort = (): void => drop(options.signal?.reason ?? createError('PRV_ERR_DEADLINE', 'cancelled'));
      const timer = setTimeout(() => drop(createError('PRV_ERR_DEADLINE', `${options.timeoutMs} ms`)), options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (mustWait) this.#waiting.push(job);
      else job.start();
    });
  }

  #next(): void {
    while (this.#running < this.#options.concurrency && this.#waiting.length > 0) (this.#waiting.shift() as Job).start();
  }

  /** Refuses new work and fails everything still waiting with PRV_ERR_ENCLAVE_STOPPING. */
  close(): void {
    this.#closed = true;
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const job of waiting) job.fail(createError('PRV_ERR_ENCLAVE_STOPPING'));
  }
}
