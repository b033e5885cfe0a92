/**
 * Plan receipts remembered per enclave: an enclave keeps at most `zk.maxReceipts` (default 1,024) of them,
 * and MAX_ENCLAVES (64) enclaves at that default hold 65,536. Past this bound the oldest routes are
 * forgotten and a lookup falls back to asking each enclave in turn, so the bound only costs round trips.
 */
export const MAX_ROUTED_RECEIPTS = 65_536;

/**
 * Which enclave address issued which plan-receipt id (filled from infer responses), so GET /v1/receipts/{id}
 * asks that enclave first. Bounded; oldest first out (a Map iterates in insertion order).
 */
export class ReceiptRoutes {
  readonly #routes = new Map<string, string>();
  readonly #max: number;

  constructor(max = MAX_ROUTED_RECEIPTS) {
    this.#max = max;
  }

  get size(): number {
    return this.#routes.size;
  }

  /** Records which enclave issued the plan receipt `id` (checked by the wire parser). */
  remember(id: string, address: string): void {
    this.#routes.delete(id);
    this.#routes.set(id, address);
    if (this.#routes.size > this.#max) {
      const oldest = this.#routes.keys().next();
      if (oldest.done !== true) this.#routes.delete(oldest.value);
    }
  }

  addressOf(id: string): string | undefined {
    return this.#routes.get(id);
  }

  forget(id: string): void {
    this.#routes.delete(id);
  }
}
