import { createError, isProvenantError, type ErrorCode } from '@provenant/protocol';

/** One step of a verification, as every report lists it. */
export interface VerificationCheck<Id extends string> {
  readonly id: Id;
  readonly ok: boolean;
  /** Why it passed or failed, in words; for a check that could not run, which check blocked it. */
  readonly reason?: string;
  /** Set on failure. */
  readonly code?: ErrorCode;
  /** True when an earlier failure kept this check from running (it counts as failed). */
  readonly skipped?: boolean;
}

/** What a passing check returns: the value later checks need and a reason for the report. */
export interface CheckPass<T> {
  readonly value: T;
  readonly reason: string;
}

/**
 * Runs checks in order and records each outcome, turning thrown coded errors into failed checks so a
 * verifier never throws for bad input. A check whose input is missing is recorded as skipped, which counts
 * as failed: a report is ok only if every planned check ran and passed (fail closed). Shared by the
 * attestation, receipt and proof verifiers so all three reports follow the same rules.
 */
export class CheckRunner<Id extends string> {
  readonly #checks: VerificationCheck<Id>[] = [];

  run<T>(id: Id, fallbackCode: ErrorCode, check: () => CheckPass<T>): T | undefined {
    try {
      const { value, reason } = check();
      this.#checks.push({ id, ok: true, reason });
      return value;
    } catch (error) {
      // A non-coded exception here is a bug or a library rejecting hostile input; either way the check
      // fails with its own code rather than escaping to the caller.
      const coded = isProvenantError(error) ? error : createError(fallbackCode, error instanceof Error ? error.message : 'unexpected failure');
      this.#checks.push({ id, ok: false, reason: coded.detail ?? coded.message, code: coded.code });
      return undefined;
    }
  }

  /** A check that ran and failed for a reason that is not an exception (e.g. a nested report). */
  fail(id: Id, code: ErrorCode, reason: string): void {
    this.#checks.push({ id, ok: false, reason, code });
  }

  skip(id: Id, blockedBy: string): void {
    this.#checks.push({ id, ok: false, skipped: true, reason: `not run: ${blockedBy} did not pass` });
  }

  get checks(): readonly VerificationCheck<Id>[] {
    return this.#checks;
  }

  /**
   * Fail closed. With `planned`: exactly those checks, in order, none skipped, all passed. Without: at
   * least one check, and every recorded one passed.
   */
  allPassed(planned?: readonly Id[]): boolean {
    if (planned === undefined) return this.#checks.length > 0 && this.#checks.every((check) => check.ok && check.skipped !== true);
    if (this.#checks.length !== planned.length) return false;
    return planned.every((id, i) => {
      const check = this.#checks[i];
      return check !== undefined && check.id === id && check.ok && check.skipped !== true;
    });
  }
}
