import { createError, isProvenantError, type ErrorCode } from '@provenant/protocol';
import type { ReceiptCheck, ReceiptCheckId } from './receipt-report.js';

/**
 * Records receipt checks in order, turning thrown coded errors into failed checks so verifyReceipt
 * never throws for a bad receipt. Same contract as the attestation CheckRunner: a check that cannot
 * run is recorded as skipped, and skipped counts as failed.
 */
export class ReceiptCheckRunner {
  readonly #checks: ReceiptCheck[] = [];

  run<T>(id: ReceiptCheckId, fallbackCode: ErrorCode, check: () => { value: T; reason: string }): T | undefined {
    try {
      const { value, reason } = check();
      this.#checks.push({ id, ok: true, reason });
      return value;
    } catch (error) {
      // A non-coded exception is a library refusing hostile bytes (or a bug): the check fails with its own code.
      const coded = isProvenantError(error) ? error : createError(fallbackCode, error instanceof Error ? error.message : 'unexpected failure');
      this.#checks.push({ id, ok: false, reason: coded.detail ?? coded.message, code: coded.code });
      return undefined;
    }
  }

  /** A check that ran and failed for a reason that is not an exception (e.g. a nested report). */
  fail(id: ReceiptCheckId, code: ErrorCode, reason: string): void {
    this.#checks.push({ id, ok: false, reason, code });
  }

  skip(id: ReceiptCheckId, blockedBy: ReceiptCheckId): void {
    this.#checks.push({ id, ok: false, skipped: true, reason: `not run: ${blockedBy} did not pass` });
  }

  get checks(): readonly ReceiptCheck[] {
    return this.#checks;
  }

  /** Fail closed: exactly the planned checks, in order, none skipped, all passed. */
  allPassed(planned: readonly ReceiptCheckId[]): boolean {
    if (this.#checks.length !== planned.length) return false;
    return planned.every((id, i) => {
      const check = this.#checks[i];
      return check !== undefined && check.id === id && check.ok && check.skipped !== true;
    });
  }
}
