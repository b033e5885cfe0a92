import { inclusionPath, leafHash, merkleRoot } from '@provenant/protocol';

export interface BatchInclusion {
  readonly document: Uint8Array;
  readonly index: number;
  readonly size: number;
  readonly path: readonly Uint8Array[];
}

export interface AttestationBatcherOptions {
  readonly windowMs: number;
  readonly maxLeaves: number;
  /** Asks the NSM for one document whose user_data is the batch's Merkle root. */
  readonly attest: (root: Uint8Array) => Promise<Uint8Array>;
  readonly setTimeout?: (callback: () => void, ms: number) => unknown;
  readonly clearTimeout?: (handle: unknown) => void;
}

interface Waiting {
  readonly leaf: Uint8Array;
  readonly resolve: (inclusion: BatchInclusion) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Batched receipts (docs/receipts.md): claims that finish within `windowMs` of the batch's first one share
 * one NSM attestation whose user_data is the RFC 9162 Merkle root over leafHash(claims bytes); each
 * receipt carries its inclusion path. A batch is signed early when it reaches `maxLeaves`. The NSM is the
 * slow part (a few ms per document on hardware), so this turns N documents into one.
 */
export class AttestationBatcher {
  readonly #options: AttestationBatcherOptions;
  #pending: Waiting[] = [];
  #timer: unknown;
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
      if (this.#pending.length >= this.#options.maxLeaves) this.flush();
      else if (this.#pending.length === 1) {
        const set = this.#options.setTimeout ?? ((callback: () => void, ms: number) => setTimeout(callback, ms));
        this.#timer = set(() => this.flush(), this.#options.windowMs);
      }
    });
  }

  /** Signs whatever is waiting now. */
  flush(): void {
    const clear = this.#options.clearTimeout ?? ((handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    clear(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    if (batch.length === 0) return;
    this.#batches++;
    const leaves = batch.map((entry) => entry.leaf);
    const root = merkleRoot(leaves);
    this.#options.attest(root).then(
      (document) => {
        batch.forEach((entry, index) => entry.resolve({ document, index, size: leaves.length, path: inclusionPath(leaves, index) }));
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  }
}
