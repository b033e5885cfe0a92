import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createError, type Receipt, type ReceiptClaims } from '@provenant/protocol';
import { equal, short } from './attested-document.js';
import type { CheckRunner } from '../report/check-runner.js';
import type { ResolvedReceiptOptions } from './receipt-options.js';
import type { ReceiptCheckId, ReceiptClaimsView } from './receipt-report.js';

/** What v1 claims and plan claims (docs/receipts.md §2, §7.1) have in common: all but the version's type. */
export type CommonClaims = Omit<ReceiptClaims, 'v'> & { readonly v: number };

/**
 * §5 steps 1-2, shared by v1 and plan receipts: parse, decode the claims, then claims.mode and
 * claims.key. `parse` and `decode` are the format's own strict parsers.
 */
export function runHeaderChecks<R extends Receipt, C extends CommonClaims>(
  runner: CheckRunner<ReceiptCheckId>,
  receipt: unknown,
  parse: (value: unknown) => R,
  decode: (bytes: Uint8Array) => C,
): { parsed?: R; claims?: C } {
  const parsed = runner.run('receipt.parse', 'PRV_ERR_RECEIPT_MALFORMED', () => {
    const value = parse(receipt);
    return { value, reason: `${value.mode} receipt, ${value.claimsBytes.length} claims bytes` };
  });
  if (parsed === undefined) return {};
  const claims = runner.run('claims.decode', 'PRV_ERR_RECEIPT_MALFORMED', () => {
    const value = decode(parsed.claimsBytes);
    return { value, reason: `claims v${value.v}, seq ${value.seq}, in deterministic CBOR` };
  });
  if (claims === undefined) {
    runner.skip('claims.mode', 'claims.decode');
    runner.skip('claims.key', 'claims.decode');
    return { parsed };
  }
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
  return { parsed, claims };
}

const BINDINGS = [
  ['expected.model', 'expectedModel', 'model', 'PRV_ERR_RECEIPT_MODEL_MISMATCH', 'the expected model SHA-256'],
  ['expected.input', 'inputDigest', 'input', 'PRV_ERR_RECEIPT_INPUT_MISMATCH', 'the tensor digest of the given inputs'],
  ['expected.output', 'outputDigest', 'output', 'PRV_ERR_RECEIPT_OUTPUT_MISMATCH', 'the tensor digest of the given outputs'],
  ['expected.nonce', 'expectedNonce', 'nonce', 'PRV_ERR_RECEIPT_NONCE_MISMATCH', 'the nonce the client sent'],
] as const;

/** The §5.4 binding checks the caller asked for, in report order. */
export function plannedBindingChecks(opts: ResolvedReceiptOptions): ReceiptCheckId[] {
  return BINDINGS.filter(([, option]) => opts[option] !== null).map(([id]) => id);
}

/** §5.4: only the bindings the caller asked for, each against the decoded claims. */
export function runBindingChecks(runner: CheckRunner<ReceiptCheckId>, claims: CommonClaims | undefined, opts: ResolvedReceiptOptions): void {
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

export function pinWarnings(opts: ResolvedReceiptOptions): string[] {
  const warnings: string[] = [];
  if (opts.expectedPcrs === undefined) {
    warnings.push('no PCRs pinned: any enclave image whose documents chain to the root is accepted (pin PCR0, 1, 2 and 8 from measurements.json)');
  }
  if (opts.allowDebug) warnings.push('debug-mode enclaves are accepted: their memory is readable by the parent instance');
  return warnings;
}

export function claimsView(claims: CommonClaims): ReceiptClaimsView {
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
