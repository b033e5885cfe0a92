import { createError, isProvenantError, type ErrorCode } from '@provenant/protocol';
import type { ZkCheck, ZkCheckId } from './zk-report.js';

/**
 * Same discipline as the attestation verifier's CheckRunner: each check either passes with a reason or
 * fails with a code, thrown coded errors become failed checks, and the report is ok only when every
 * planned check ran and passed.
 */
export class ZkCheckRunner {
  readonly #checks: ZkCheck[] = [];

  run<T>(id: ZkCheckId, fallbackCode: ErrorCode, check: () => { value: T; reason: string }): T | undefined {
    try {
      const { value, reason } = check();
      this.#checks.push({ id, ok: true, reason });
      return value;
    } catch (error) {
      // A non-coded exception is a library refusing hostile input (or a bug): the check fails, never the caller.
      const coded = isProvenantError(error) ? error : createError(fallbackCode, error instanceof Error ? error.message : 'unexpected failure');
      this.#checks.push({ id, ok: false, reason: coded.detail ?? coded.message, code: coded.code });
      return undefined;
    }
  }

  skip(id: ZkCheckId, blockedBy: string): void {
    this.#checks.push({ id, ok: false, skipped: true, reason: `not run: ${blockedBy} did not pass` });
  }

  get checks(): readonly ZkCheck[] {
    return this.#checks;
  }

  get allPassed(): boolean {
    return this.#checks.length > 0 && this.#checks.every((check) => check.ok && check.skipped !== true);
  }
}
