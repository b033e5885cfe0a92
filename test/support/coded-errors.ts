import assert from 'node:assert/strict';
import { isProvenantError, type ErrorCode } from '@provenant/protocol';

/** A validator for assert.throws / assert.rejects: the error carries `code` (and a matching detail). */
export function assertCode(code: ErrorCode, detailPattern?: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(isProvenantError(error, code), `expected ${code}, got ${String(error)}`);
    if (detailPattern !== undefined) assert.match(error.detail ?? '', detailPattern);
    return true;
  };
}

/** Yields to the event loop (no sleeping) until the condition holds. */
export async function until(condition: () => boolean): Promise<void> {
  for (let turn = 0; turn < 10_000; turn += 1) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail('condition never became true');
}
