/**
 * Hand-driven timers for code that takes injectable `setTimeout`/`clearTimeout` (STYLE rule 16: fake
 * timers instead of sleeping). `advance(ms)` fires due callbacks in time order.
 */
export class ManualTimers {
  #now = 0;
  #nextId = 1;
  readonly #pending = new Map<number, { at: number; callback: () => void }>();

  readonly setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.#nextId++;
    this.#pending.set(id, { at: this.#now + ms, callback });
    return id;
  };

  readonly clearTimeout = (handle: unknown): void => {
    this.#pending.delete(handle as number);
  };

  get now(): number {
    return this.#now;
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let dueId: number | undefined;
      let dueAt = Infinity;
      for (const [id, timer] of this.#pending) {
        if (timer.at <= end && timer.at < dueAt) {
          dueAt = timer.at;
          dueId = id;
        }
      }
      if (dueId === undefined) break;
      const timer = this.#pending.get(dueId) as { at: number; callback: () => void };
      this.#pending.delete(dueId);
      this.#now = timer.at;
      timer.callback();
    }
    this.#now = end;
  }
}
