import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createError, decodeClaims, parseReceipt, type ErrorCode, type Receipt, type ReceiptClaims } from '@provenant/protocol';
import { equal, short } from './attested-document.js';
import { CheckRunner } from '../report/check-runner.js';
import { EVIDENCE_CHECKS, runEvidenceChecks } from './receipt-evidence.js';
import { resolveReceiptOptions, type ResolvedReceiptOptions, type VerifyReceiptOptions } from './receipt-options.js';
import type { ReceiptCheckId, ReceiptClaimsView, ReceiptReport } from './receipt-report.js';

/**
 * Verifies a receipt by docs/receipts.md §5: parse and decode (§5.1), the session key hash (§5.2), the
 * mode's evidence (§5.3) and the bindings the caller asks for (§5.4). `receipt` is the parsed JSON
 * object (a response's parameters.receipt).
 *
 * Never throws for a bad receipt or document: every failure is a check in the report, and the report
 * is ok only when every planned check ran and passed. Throws PRV_ERR_INVALID_ARGUMENT for bad options.
 */
export function verifyReceipt(receipt: unknown, options: VerifyReceiptOptions = {}): ReceiptReport {
  const opts = resolveReceiptOptions(options);
  const warnings = pinWarnings(opts);
  const runner = new CheckRunner<ReceiptCheckId>();

  const parsed = runner.run('receipt.parse', 'PRV_ERR_RECEIPT_MALFORMED', () => {
    const value = parseReceipt(receipt);
    return { value, reason: `${value.mode} receipt, ${value.claimsBytes.length} claims bytes` };
  });
  if (parsed === undefined) return { ok: false, checks: runner.checks, warnings };

  const planned = plannedChecks(parsed, opts);
  const claims = runner.run('claims.decode', 'PRV_ERR_RECEIPT_MALFORMED', () => {
    const value = decodeClaims(parsed.claimsBytes);
    return { value, reason: `claims v${value.v}, seq ${value.seq}, in deterministic CBOR` };
  });
  if (claims === undefined) {
    runner.skip('claims.mode', 'claims.decode');
    runner.skip('claims.key', 'claims.decode');
  } else {
    runner.run('claims.mode', 'PRV_ERR_RECEIPT_MODE_MISMATCH', () => {
      if (claims.mode !== parsed.mode) throw createError('PRV_ERR_RECEIPT_MODE_MISMATCH', `receipt says ${parsed.mode}, claims say ${claims.mode}`);
      return { value: true, reason: `claims.mode is ${claims.mode}` };
    });
    runner.run('claims.key', 'PRV_ERR_RECEIPT_KEY_MISMATCH', () => {
      const keyHash = sha256(parsed.sessionKey);
      if (!equal(claims.key, keyHash)) {
        throw createError('PRV_ERR_RECEIPT_KEY_MISMATCH', `claims.key ${short(claims.key)} is not SHA-256(session_key) ${short(keyHash)}`);
      }
      return { value: true, reason: 'claims.key is SHA-256(session_key)' };
    });
  }
  const attestation = runEvidenceChecks(runner, parsed, claims, opts);
  runBindingChecks(runner, claims, opts);

  return {
    ok: runner.allPassed(planned),
    mode: parsed.mode,
    checks: runner.checks,
    ...(claims === undefined ? {} : { claims: claimsView(claims) }),
    ...(attestation === undefined ? {} : { attestation }),
    warnings,
  };
}

/**
 * For callers who want an exception: returns the report when every check passes, otherwise throws
 * the first failed check's coded error (the detail names the check).
 */
export function verifyReceiptOrThrow(receipt: unknown, options: VerifyReceiptOptions = {}): ReceiptReport {
  const report = verifyReceipt(receipt, options);
  if (report.ok) return report;
  const failed = report.checks.find((check) => !check.ok);
  const code: ErrorCode = failed?.code ?? 'PRV_ERR_RECEIPT_MALFORMED';
  throw createError(code, failed === undefined ? 'verification incomplete' : `${failed.id}: ${failed.reason ?? 'failed'}`);
}

function plannedChecks(receipt: Receipt, opts: ResolvedReceiptOptions): ReceiptCheckId[] {
  const ids: ReceiptCheckId[] = ['receipt.parse', 'claims.decode', 'claims.mode', 'claims.key', ...EVIDENCE_CHECKS[receipt.mode]];
  if (opts.expectedModel !== null) ids.push('expected.model');
  if (opts.inputDigest !== null) ids.push('expected.input');
  if (opts.outputDigest !== null) ids.push('expected.output');
  if (opts.expectedNonce !== null) ids.push('expected.nonce');
  return ids;
}

const BINDINGS = [
  ['expected.model', 'expectedModel', 'model', 'PRV_ERR_RECEIPT_MODEL_MISMATCH', 'the expected model SHA-256'],
  ['expected.input', 'inputDigest', 'input', 'PRV_ERR_RECEIPT_INPUT_MISMATCH', 'the tensor digest of the given inputs'],
  ['expected.output', 'outputDigest', 'output', 'PRV_ERR_RECEIPT_OUTPUT_MISMATCH', 'the tensor digest of the given outputs'],
  ['expected.nonce', 'expectedNonce', 'nonce', 'PRV_ERR_RECEIPT_NONCE_MISMATCH', 'the nonce the client sent'],
] as const;

/** §5.4: only the bindings the caller asked for, each against the decoded claims. */
function runBindingChecks(runner: CheckRunner<ReceiptCheckId>, claims: ReceiptClaims | undefined, opts: ResolvedReceiptOptions): void {
  for (const [id, option, field, code, what] of BINDINGS) {
    const expected = opts[option];
    if (expected === null) continue;
    if (claims === undefined) {
      runner.skip(id, 'claims.decode');
      continue;
    }
    runner.run(id, code, () => {
      const actual = claims[field];
      if (actual === null) throw createError(code, `claims.${field} is null, expected ${what} ${short(expected)}`);
      if (!equal(actual, expected)) throw createError(code, `claims.${field} ${short(actual)} is not ${what} ${short(expected)}`);
      return { value: true, reason: `claims.${field} equals ${what}` };
    });
  }
}

function pinWarnings(opts: ResolvedReceiptOptions): string[] {
  const warnings: string[] = [];
  if (opts.expectedPcrs === undefined) {
    warnings.push('no PCRs pinned: any enclave image whose documents chain to the root is accepted (pin PCR0, 1, 2 and 8 from measurements.json)');
  }
  if (opts.allowDebug) warnings.push('debug-mode enclaves are accepted: their memory is readable by the parent instance');
  return warnings;
}

function claimsView(claims: ReceiptClaims): ReceiptClaimsView {
  const time = new Date(claims.ts);
  return {
    v: claims.v,
    mode: claims.mode,
    model: bytesToHex(claims.model),
    input: bytesToHex(claims.input),
    output: bytesToHex(claims.output),
    nonce: claims.nonce === null ? null : bytesToHex(claims.nonce),
    ts: claims.ts,
    time: Number.isNaN(time.getTime()) ? 'out of range' : time.toISOString(),
    seq: claims.seq,
    key: bytesToHex(claims.key),
  };
}
