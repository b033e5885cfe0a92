import { bytesToHex } from '@noble/hashes/utils.js';
import {
  commitmentToDecimal,
  createError,
  decodePlanClaims,
  parsePlanJson,
  parsePlanReceipt,
  PLAN_RECEIPT_FORMAT,
  type PlanClaims,
  type PlanReceipt,
  type ZkSegmentClaim,
} from '@provenant/protocol';
import { CheckRunner } from '../report/check-runner.js';
import { EVIDENCE_CHECKS, runEvidenceChecks } from './receipt-evidence.js';
import { claimsView, pinWarnings, plannedBindingChecks, runBindingChecks, runHeaderChecks } from './receipt-common-checks.js';
import { checkPlanSegments, proofCheckIds, runSegmentProofChecks, type SegmentProofOutcome } from './plan-proof-checks.js';
import { openCut } from './plan-openings.js';
import type { ResolvedReceiptOptions } from './receipt-options.js';
import type { PlanReportView, PlanSegmentView, ReceiptCheckId, ReceiptReport, SegmentEvidence } from './receipt-report.js';

/**
 * docs/receipts.md §7.3: a plan receipt's claims and evidence as for v1 (steps 1-3), then its segments
 * (step 5), each zk segment's proof (step 6), and the bindings, plan and openings the caller asks for
 * (step 7). With allowPending, a proof still being computed is reported as pending (its checks fail with
 * PRV_ERR_RECEIPT_PROOF_PENDING or are skipped) without failing the report; everything else fails closed.
 */
export function verifyPlanReceipt(receipt: unknown, opts: ResolvedReceiptOptions): ReceiptReport {
  const warnings = pinWarnings(opts);
  const runner = new CheckRunner<ReceiptCheckId>();
  const { parsed, claims } = runHeaderChecks(runner, receipt, parsePlanReceipt, decodePlanClaims);
  if (parsed === undefined) return { ok: false, format: PLAN_RECEIPT_FORMAT, checks: runner.checks, warnings };

  const planned: ReceiptCheckId[] = ['receipt.parse', 'claims.decode', 'claims.mode', 'claims.key', ...EVIDENCE_CHECKS[parsed.mode]];
  const attestation = runEvidenceChecks(runner, parsed, claims, opts);
  const evidenceOk = runner.allPassed(planned);

  planned.push('plan.segments');
  const outcomes = new Map<number, SegmentProofOutcome>();
  if (claims === undefined) runner.skip('plan.segments', 'claims.decode');
  else {
    const segmentsOk = runner.run('plan.segments', 'PRV_ERR_RECEIPT_PLAN_MISMATCH', () => ({
      value: true,
      reason: checkPlanSegments(parsed, claims, opts.verificationKeys),
    }));
    claims.segments.forEach((segment, i) => {
      if (segment.mode !== 'zk') return;
      planned.push(...proofCheckIds(i));
      if (segmentsOk === undefined) for (const id of proofCheckIds(i)) runner.skip(id, 'plan.segments');
      else outcomes.set(i, runSegmentProofChecks(runner, parsed, claims, i, opts.verificationKeys.get(i)));
    });
  }

  planned.push(...plannedBindingChecks(opts));
  runBindingChecks(runner, claims, opts);
  if (opts.expectedPlan !== null) {
    planned.push('expected.plan');
    runExpectedPlan(runner, claims, opts.expectedPlan);
  }
  runOpenings(runner, planned, parsed, claims, opts);

  const pendingSegments = [...outcomes].filter(([, outcome]) => outcome.status === 'pending').map(([i]) => i);
  const ok = allPassedExceptPending(runner, planned, opts.allowPending ? pendingSegments : []);
  warnings.push(...planWarnings(claims, opts, pendingSegments));
  return {
    ok,
    format: PLAN_RECEIPT_FORMAT,
    mode: parsed.mode,
    checks: runner.checks,
    ...(claims === undefined ? {} : { claims: claimsView(claims), plan: planView(parsed, claims, evidenceOk, outcomes) }),
    pendingSegments,
    ...(attestation === undefined ? {} : { attestation }),
    warnings,
  };
}

function runExpectedPlan(runner: CheckRunner<ReceiptCheckId>, claims: PlanClaims | undefined, expected: string): void {
  if (claims === undefined) {
    runner.skip('expected.plan', 'claims.decode');
    return;
  }
  runner.run('expected.plan', 'PRV_ERR_RECEIPT_PLAN_MISMATCH', () => {
    // Both sides are canonical (decodePlanClaims refuses any other form), so text equality is plan equality.
    if (claims.plan !== expected) throw createError('PRV_ERR_RECEIPT_PLAN_MISMATCH', `the claims' plan ${clip(claims.plan)} is not the expected ${clip(expected)}`);
    return { value: true, reason: `the claims' plan is the expected ${clip(expected)}` };
  });
}

/** opening.input / opening.output run when the caller gives the tensors and that cut is a commitment. */
function runOpenings(
  runner: CheckRunner<ReceiptCheckId>,
  planned: ReceiptCheckId[],
  receipt: PlanReceipt,
  claims: PlanClaims | undefined,
  opts: ResolvedReceiptOptions,
): void {
  const n = claims?.segments.length ?? 0;
  const sides = [
    ['opening.input', opts.inputs, 0, 0, receipt.openings.inputSalt, 'input'],
    ['opening.output', opts.outputs, n, n - 1, receipt.openings.outputSalt, 'output'],
  ] as const;
  for (const [id, tensors, cutIndex, segmentIndex, salt, what] of sides) {
    if (tensors === null) continue;
    if (claims === undefined) {
      // Whether the cut is a commitment is unknown: plan the check so the report cannot pass without it.
      planned.push(id);
      runner.skip(id, 'claims.decode');
      continue;
    }
    const cut = claims.cuts[cutIndex];
    if (cut === null || cut === undefined) continue;
    planned.push(id);
    const segment = claims.segments[segmentIndex] as ZkSegmentClaim;
    runner.run(id, 'PRV_ERR_RECEIPT_COMMITMENT_MISMATCH', () => ({ value: true, reason: openCut(tensors, salt, cut, segment, what, cutIndex) }));
  }
}

/**
 * CheckRunner.allPassed, except that a pending segment's own checks (its status, failed with
 * PROOF_PENDING, and the three skipped behind it) do not fail the report when the caller allows it.
 */
function allPassedExceptPending(runner: CheckRunner<ReceiptCheckId>, planned: readonly ReceiptCheckId[], excused: readonly number[]): boolean {
  const checks = runner.checks;
  if (checks.length !== planned.length) return false;
  const excusedIds = new Set(excused.flatMap(proofCheckIds));
  return planned.every((id, i) => {
    const check = checks[i];
    if (check === undefined || check.id !== id) return false;
    if (check.ok && check.skipped !== true) return true;
    if (!excusedIds.has(id)) return false;
    return check.skipped === true || check.code === 'PRV_ERR_RECEIPT_PROOF_PENDING';
  });
}

function planView(receipt: PlanReceipt, claims: PlanClaims, evidenceOk: boolean, outcomes: ReadonlyMap<number, SegmentProofOutcome>): PlanReportView {
  const plan = parsePlanJson(claims.plan); // decodePlanClaims already parsed it; this gives the cut names.
  const segments = claims.segments.map((segment, index): PlanSegmentView => {
    const base = { index, mode: segment.mode, until: plan[index]?.until ?? '', segment: bytesToHex(segment.digest) };
    if (segment.mode === 'tee') return { ...base, evidence: evidenceOk ? 'hardware-attested' : 'not-verified' };
    const outcome = outcomes.get(index);
    let evidence: SegmentEvidence = 'not-verified';
    if (outcome?.status === 'pending') evidence = 'proof-pending';
    else if (outcome?.status === 'failed') evidence = 'proof-failed';
    else if (outcome?.verified === true) evidence = 'zero-knowledge-proven';
    return {
      ...base,
      evidence,
      circuit: bytesToHex(segment.circuit),
      verificationKey: bytesToHex(segment.vk),
      scaleBits: segment.scaleBits,
      bitWidth: segment.bitWidth,
    };
  });
  return { id: receipt.id, plan: claims.plan, segments, cuts: claims.cuts.map((cut) => (cut === null ? null : commitmentToDecimal(cut))) };
}

function planWarnings(claims: PlanClaims | undefined, opts: ResolvedReceiptOptions, pending: readonly number[]): string[] {
  const warnings: string[] = [];
  if (claims === undefined) return warnings;
  const unpinned = claims.segments.flatMap((segment, i) => (segment.mode === 'zk' && !opts.verificationKeys.has(i) ? [i] : []));
  if (unpinned.length > 0) {
    warnings.push(
      `zk segment(s) ${unpinned.join(', ')}: the verifying key is the one the enclave-signed claims name; pin its digest (verificationKeys, --vk) to rely on the proof without trusting the enclave`,
    );
  }
  for (const i of pending) {
    warnings.push(
      opts.allowPending
        ? `segment ${i}: the zero-knowledge proof is still pending and NOT verified (allowed by allowPending); fetch the receipt again (GET /v1/receipts/{id}) to verify it`
        : `segment ${i}: the zero-knowledge proof is still pending; fetch the receipt again (GET /v1/receipts/{id}?wait=true) once it is proven`,
    );
  }
  return warnings;
}

function clip(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}
