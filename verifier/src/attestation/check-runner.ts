import { createError, isProvenantError, type ErrorCode } from '@provenant/protocol';
import type { AttestationCheck, AttestationCheckId } from './attestation-report.js';

/** What a passing check returns: the value later checks need and a reason for the report. */
export interface CheckPass<T> {
  readonly value: T;
  readonly reason: string;
}

/**
 * Runs checks in order and records each outcome, turning thrown coded errors into failed checks so
 * the verifier never throws for a bad document. A check whose input is missing is recorded as
 * skipped, which counts as failed: the report is ok only if every planned check ran and passed.
 */
export class CheckRunner {
  readonly #checks: AttestationCheck[] = [];

  run<T>(id: AttestationCheckId, fallbackCode: ErrorCode, check: () => CheckPass<T>): T | undefined {
    try {
      const { value, reason } = check();
      this.#checks.push({ id, ok: true, reason });
      return value;
    } catch (error) {
      // A non-coded exception here is a bug or a library rejecting hostile input; either way the
      // check fails with its own code rather than escaping to the caller.
      const coded = isProvenantError(error) ? error : createError(fallbackCode, describe(error));
      this.#checks.push({ id, ok: false, reason: coded.detail ?? coded.message, code: coded.code });
      return undefined;
    }
  }

  skip(id: AttestationCheckId, blockedBy: AttestationCheckId): void {
    this.#checks.push({ id, ok: false, skipped: true, reason: `not run: ${blockedBy} did not pass` });
  }

  get checks(): readonly AttestationCheck[] {
    return this.#checks;
  }

  /** Fail closed: every expected check must be present, none skipped, all passed. */
  allPassed(expected: readonly AttestationCheckId[]): boolean {
    if (this.#checks.length !== expected.length) return false;
    return expected.every((id, i) => {
      const check = this.#checks[i];
      return check !== undefined && check.id === id && check.ok && check.skipped !== true;
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : 'unexpected failure';
}
