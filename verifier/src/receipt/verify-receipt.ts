import { createError, decodeClaims, parseReceipt, PLAN_RECEIPT_FORMAT, type ErrorCode } from '@provenant/protocol';
import { CheckRunner } from '../report/check-runner.js';
import { EVIDENCE_CHECKS, runEvidenceChecks } from './receipt-evidence.js';
import { claimsView, pinWarnings, plannedBindingChecks, runBindingChecks, runHeaderChecks } from './receipt-common-checks.js';
import { resolveReceiptOptions, type ResolvedReceiptOptions, type VerifyReceiptOptions } from './receipt-options.js';
import type { ReceiptCheckId, ReceiptReport } from './receipt-report.js';
import { verifyPlanReceipt } from './verify-plan-receipt.js';

/**
 * Verifies a receipt by docs/receipts.md §5: parse and decode (§5.1), the session key hash (§5.2), the
 * mode's evidence (§5.3) and the bindings the caller asks for (§5.4); a plan receipt (format
 * provenant.receipt.v2) also gets its segments, proofs and openings checked (§7.3). `receipt` is the
 * parsed JSON object (a response's parameters.receipt, or GET /v1/receipts/{id}'s receipt).
 *
 * Never throws for a bad receipt or document: every failure is a check in the report, and the report
 * is ok only when every planned check ran and passed. Throws PRV_ERR_INVALID_ARGUMENT for bad options.
 */
export function verifyReceipt(receipt: unknown, options: VerifyReceiptOptions = {}): ReceiptReport {
  const opts = resolveReceiptOptions(options);
  // Dispatch on the declared format only; each format's parser then refuses everything it does not define.
  if (typeof receipt === 'object' && receipt !== null && (receipt as { format?: unknown }).format === PLAN_RECEIPT_FORMAT) {
    return verifyPlanReceipt(receipt, opts);
  }
  return verifyV1Receipt(receipt, opts);
}

/**
 * For callers who want an exception: returns the report when it is ok, otherwise throws the first
 * failed check's coded error (the detail names the check).
 */
export function verifyReceiptOrThrow(receipt: unknown, options: VerifyReceiptOptions = {}): ReceiptReport {
  const report = verifyReceipt(receipt, options);
  if (report.ok) return report;
  const failed = report.checks.find((check) => !check.ok);
  const code: ErrorCode = failed?.code ?? 'PRV_ERR_RECEIPT_MALFORMED';
  throw createError(code, failed === undefined ? 'verification incomplete' : `${failed.id}: ${failed.reason ?? 'failed'}`);
}

function verifyV1Receipt(receipt: unknown, opts: ResolvedReceiptOptions): ReceiptReport {
  const warnings = pinWarnings(opts);
  const runner = new CheckRunner<ReceiptCheckId>();
  const { parsed, claims } = runHeaderChecks(runner, receipt, parseReceipt, decodeClaims);
  if (parsed === undefined) return { ok: false, checks: runner.checks, warnings };

  const planned: ReceiptCheckId[] = ['receipt.parse', 'claims.decode', 'claims.mode', 'claims.key', ...EVIDENCE_CHECKS[parsed.mode]];
  const attestation = runEvidenceChecks(runner, parsed, claims, opts);
  planned.push(...plannedBindingChecks(opts));
  runBindingChecks(runner, claims, opts);
  // A caller who expects a plan (or pins a zk segment's key) was promised more than a v1 receipt states.
  if (opts.verificationKeys.size > 0) {
    planned.push('plan.segments');
    runner.fail('plan.segments', 'PRV_ERR_RECEIPT_PLAN_MISMATCH', 'verifying keys are pinned, but a v1 receipt has no zk segments');
  }
  if (opts.expectedPlan !== null) {
    planned.push('expected.plan');
    runner.fail('expected.plan', 'PRV_ERR_RECEIPT_PLAN_MISMATCH', `a plan was expected (${opts.expectedPlan.slice(0, 200)}), but a v1 receipt ran no plan`);
  }

  return {
    ok: runner.allPassed(planned),
    format: 'provenant.receipt.v1',
    mode: parsed.mode,
    checks: runner.checks,
    ...(claims === undefined ? {} : { claims: claimsView(claims) }),
    ...(attestation === undefined ? {} : { attestation }),
    warnings,
  };
}
