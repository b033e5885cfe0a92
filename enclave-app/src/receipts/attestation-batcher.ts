import { leafHash, merkleTreeWithPaths } from '@provenant/protocol';

export interface BatchInclusion {
  readonly document: Uint8Array;
  readonly index: number;
  readonly size: number;
  readonly path: readonly Uint8Array[];
}

export interface AttestationBatcherOptions {
  /**
   * Linger: how long an idle batcher waits for company before asking the NSM. 0 (the default) asks at
   * once, so a lone request pays no batching delay.
   */
  readonly windowMs: number;
  readonly maxLeaves: number;
  /** Asks the NSM for one document whose user_data is the batch's Merkle root. */
  readonly attest: (root: Uint8Array) => Promise<Uint8Array>;
  readonly setTimeout?: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
  /**
   * Runs a callback after pending I/O (default setImmediate). Flushes go through it so that requests
   * already received in the same event-loop turn join the batch instead of each taking a document.
   */
  readonly defer?: (callback: () => void) => void;
}

interface Waiting {
  readonly leaf: Uint8Array;
  readonly resolve: (inclusion: BatchInclusion) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Batched receipts (docs/receipts.md): claims share one NSM attestation whose user_data is the RFC 9162
 * Merkle root over leafHash(claims bytes); each receipt carries its inclusion path.
 *
 * Group commit, as databases batch log flushes: at most one document is being made at a time; claims that
 * arrive meanwhile wait and all go into the next one (up to maxLeaves). Under light load a request waits
 * for nothing but its own document; under heavy load the batch grows with the NSM's latency, so documents
 * per second stay bounded by the NSM while receipts per second scale. A fixed window would instead add
 * its whole length to every request at low load.
 */
export class AttestationBatcher {
  readonly #options: AttestationBatcherOptions;
  #pending: Waiting[] = [];
  #timer: unknown;
  #inFlight = false;
  #flushScheduled = false;
  #batches = 0;

  constructor(options: AttestationBatcherOptions) {
    this.#options = options;
  }

  /** Documents requested so far. */
  get batches(): number {
    return this.#batches;
  }

  add(claimsBytes: Uint8Array): Promise<BatchInclusion> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ leaf: leafHash(claimsBytes), resolve, reject });
      if (this.#inFlight) return;
      if (this.#pending.length >= this.#options.maxLeaves) this.flush();
      else if (this.#options.windowMs === 0) this.#flushSoon();
      else if (this.#timer === undefined) {
        const set = this.#options.setTimeout ?? ((callback: () => void, ms: number) => setTimeout(callback, ms));
        this.#timer = set(() => this.flush(), this.#options.windowMs);
      }
    });
  }

  /** Asks for a document covering what is waiting now, unless one is already being made. */
  flush(): void {
    if (this.#timer !== undefined) {
      const clear = this.#options.clearTimeout ?? ((handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>));
      clear(this.#timer);
      this.#timer = undefined;
    }
    if (this.#inFlight || this.#pending.length === 0) return;
    const batch = this.#pending.splice(0, this.#options.maxLeaves);
    this.#inFlight = true;
    this.#batches++;
    const tree = merkleTreeWithPaths(batch.map((entry) => entry.leaf));
    this.#options
      .attest(tree.root)
      .then(
        (document) => batch.forEach((entry, index) => entry.resolve({ document, index, size: batch.length, path: tree.paths[index] as Uint8Array[] })),
        (error: unknown) => batch.forEach((entry) => entry.reject(error)),
      )
      .finally(() => {
        this.#inFlight = false;
        // Whatever queued up while the NSM worked goes out next, together with what the event loop has
        // received meanwhile (a device NSM answers off-thread; the mock blocks the loop while it signs).
        this.#flushSoon();
      });
  }

  #flushSoon(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    (this.#options.defer ?? setImmediate)(() => {
      this.#flushScheduled = false;
      this.flush();
    });
  }
}
