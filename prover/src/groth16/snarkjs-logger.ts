import type { SnarkjsLogger } from 'snarkjs';

/** One step of a long operation, for progress output (the CLI prints these to stderr). */
export interface ZkProgress {
  readonly stage: string;
  readonly message: string;
}

export type ZkProgressCallback = (progress: ZkProgress) => void;

/**
 * Adapts snarkjs' logger to a progress callback. snarkjs reports some refusals only through
 * `logger.error` and a sentinel return value, so errors are also collected for the caller's exception.
 */
export class CollectingLogger implements SnarkjsLogger {
  readonly errors: string[] = [];
  readonly #stage: string;
  readonly #onProgress: ZkProgressCallback | undefined;

  constructor(stage: string, onProgress?: ZkProgressCallback) {
    this.#stage = stage;
    this.#onProgress = onProgress;
  }

  debug(): void {
    // Per-chunk debug lines (thousands for a large ptau) would drown the progress output.
  }
  info(message: string): void {
    this.#onProgress?.({ stage: this.#stage, message });
  }
  log(message: string): void {
    this.#onProgress?.({ stage: this.#stage, message });
  }
  warn(message: string): void {
    this.#onProgress?.({ stage: this.#stage, message: `warning: ${message}` });
  }
  error(message: string): void {
    this.errors.push(message);
  }
}
