import { randomBytes } from 'node:crypto';
import {
  MAX_PROOF_ERROR_CHARS,
  createError,
  planReceiptSettled,
  toPublicError,
  type PlanReceiptJson,
  type SegmentProofJson,
} from '@provenant/protocol';
import type { ProverPool } from '@provenant/prover';
import type { EnclaveLogger } from '../logging/enclave-logger.js';
import type { PlanEvidenceJson } from '../receipts/receipt-issuer.js';

/** One zk segment's proving work, handed over once the receipt's evidence exists. */
export interface ProofTask {
  /** The prover pool's key id: the circuit digest (the same id always means the same .zkey). */
  readonly zkeyId: string;
  readonly zkey: () => Promise<Uint8Array>;
  readonly wtns: Uint8Array;
  readonly verificationKey: Record<string, unknown>;
  /** [decimal(cuts[i]), decimal(cuts[i + 1])]: a proof whose public signals differ is reported failed, not served. */
  readonly expectedSignals: readonly [string, string];
}

export type Prover = Pick<ProverPool, 'prove' | 'close'>;

export interface ReceiptStoreOptions {
  readonly prover: Prover;
  /** Receipts kept; adding one more evicts the oldest settled receipt (config zk.maxReceipts). */
  readonly maxReceipts: number;
  /** Proofs queued or running; a request needing more is refused with PRV_ERR_ZK_PROVER_BUSY (config zk.maxPendingProofs). */
  readonly maxPendingProofs: number;
  /** Deadline of one proof, queueing included. */
  readonly proveTimeoutMs?: number;
  readonly logger: EnclaveLogger;
}

export interface GetOptions {
  /** Answer only once every proof is settled, or when `signal` fires (then with the receipt as it stands). */
  readonly wait?: boolean;
  readonly signal?: AbortSignal;
}

/** A proof of the bundled models takes well under a second; ten minutes means something is stuck. */
export const DEFAULT_PROVE_TIMEOUT_MS = 10 * 60 * 1000;

interface Entry {
  readonly evidence: PlanEvidenceJson;
  readonly openings: PlanReceiptJson['openings'];
  readonly proofs: (SegmentProofJson | null)[];
  readonly waiters: Set<() => void>;
}

/**
 * Plan receipts by id (16 random bytes, hex), so receipt.get can return them as their proofs finish
 * (docs/receipts.md §7.2). Bounded twice: receipts kept (oldest settled first out; never a pending one,
 * whose proof would then be lost) and proofs in flight. A proof that fails is written into its entry as
 * `failed` with the code: never dropped.
 */
export class ReceiptStore {
  readonly #options: ReceiptStoreOptions;
  readonly #entries = new Map<string, Entry>();
  #pendingProofs = 0;
  #closed = false;

  constructor(options: ReceiptStoreOptions) {
    this.#options = options;
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Proofs queued or running. */
  get pendingProofs(): number {
    return this.#pendingProofs;
  }

  /**
   * Refuses early (before the run and the evidence) when `count` more proofs would exceed the bound, or
   * when no receipt could be evicted to make room. add() re-checks; both run on one thread with no await
   * between the check in add() and the reservation.
   */
  assertCapacity(count: number): void {
    if (this.#closed) throw createError('PRV_ERR_ENCLAVE_STOPPING');
    if (this.#pendingProofs + count > this.#options.maxPendingProofs) {
      throw createError('PRV_ERR_ZK_PROVER_BUSY', `${this.#pendingProofs} proofs pending (zk.maxPendingProofs ${this.#options.maxPendingProofs})`);
    }
    if (this.#entries.size >= this.#options.maxReceipts && this.#oldestSettled() === undefined) {
      throw createError('PRV_ERR_ZK_PROVER_BUSY', `all ${this.#entries.size} stored receipts wait for proofs (zk.maxReceipts)`);
    }
  }

  /**
   * Stores a receipt whose `tasks` (one per segment, null for tee) are proven from now on, and returns it
   * as it stands: zk entries pending.
   */
  add(evidence: PlanEvidenceJson, openings: PlanReceiptJson['openings'], tasks: readonly (ProofTask | null)[]): PlanReceiptJson {
    const count = tasks.filter((t) => t !== null).length;
    this.assertCapacity(count);
    if (this.#entries.size >= this.#options.maxReceipts) {
      const oldest = this.#oldestSettled() as string;
      this.#entries.delete(oldest);
    }
    const id = randomBytes(16).toString('hex');
    const entry: Entry = { evidence, openings, proofs: tasks.map((t) => (t === null ? null : { status: 'pending' })), waiters: new Set() };
    this.#entries.set(id, entry);
    this.#pendingProofs += count;
    tasks.forEach((task, i) => {
      if (task !== null) void this.#prove(id, entry, i, task);
    });
    return this.#snapshot(id, entry);
  }

  async get(id: string, options: GetOptions = {}): Promise<PlanReceiptJson> {
    const entry = this.#entries.get(id);
    if (entry === undefined) throw createError('PRV_ERR_RECEIPT_NOT_FOUND', id);
    if (options.wait === true && !planReceiptSettled(entry) && options.signal?.aborted !== true) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          entry.waiters.delete(done);
          options.signal?.removeEventListener('abort', done);
          resolve();
        };
        entry.waiters.add(done);
        options.signal?.addEventListener('abort', done, { once: true });
      });
    }
    return this.#snapshot(id, entry);
  }

  /** Stops proving: running and queued proofs end as failed (PRV_ERR_ZK_PROVER_CLOSED) and waiters wake. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#options.prover.close();
  }

  async #prove(id: string, entry: Entry, index: number, task: ProofTask): Promise<void> {
    let outcome: SegmentProofJson;
    try {
      const result = await this.#options.prover.prove(
        { zkeyId: task.zkeyId, zkey: task.zkey, wtns: task.wtns },
        { timeoutMs: this.#options.proveTimeoutMs ?? DEFAULT_PROVE_TIMEOUT_MS },
      );
      const signals = [...result.publicSignals];
      if (signals.length !== 2 || signals[0] !== task.expectedSignals[0] || signals[1] !== task.expectedSignals[1]) {
        throw createError('PRV_ERR_INTERNAL', 'the proof\'s public signals are not the commitments the claims state');
      }
      outcome = { status: 'proven', proof: { ...result.proof }, public_signals: signals, verification_key: task.verificationKey };
    } catch (error) {
      const publicError = toPublicError(error);
      outcome = { status: 'failed', error: { code: publicError.code, message: publicError.message.slice(0, MAX_PROOF_ERROR_CHARS) } };
      this.#options.logger.log('warn', 'zk.proof_failed', { receipt: id.slice(0, 8), segment: index, code: publicError.code });
    }
    this.#pendingProofs -= 1;
    entry.proofs[index] = outcome;
    if (planReceiptSettled(entry)) for (const wake of [...entry.waiters]) wake();
  }

  #oldestSettled(): string | undefined {
    for (const [id, entry] of this.#entries) if (planReceiptSettled(entry)) return id;
    return undefined;
  }

  #snapshot(id: string, entry: Entry): PlanReceiptJson {
    return { ...entry.evidence, id, proofs: [...entry.proofs], openings: { ...entry.openings } };
  }
}
