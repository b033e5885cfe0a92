import { bytesToHex } from '@noble/hashes/utils.js';
import { equalBytes } from '@noble/curves/utils.js';
import {
  COSE_ALG_ES384,
  COSE_HEADER_ALG,
  createError,
  parseAttestationPayload,
  sigStructure,
  type AttestationPayload,
  type DecodedCoseSign1,
  type ErrorCode,
} from '@provenant/protocol';
import { verifyEcdsa } from '../x509/ecdsa-verify.js';
import { resolveAttestationOptions, type ResolvedAttestationOptions, type VerifyAttestationOptions } from './attestation-options.js';
import type { AttestationCheckId, AttestationDocumentView, AttestationReport } from './attestation-report.js';
import { assertChainPath, assertChainValidAt, assertRootPinned, parseChain, type ParsedChain } from './certificate-chain.js';
import { CheckRunner } from '../report/check-runner.js';
import { decodeAttestationEnvelope } from './decode-attestation-document.js';

/** RFC 9052 §3.1: label 2 lists header parameters the recipient must understand. */
const COSE_HEADER_CRIT = 2;
/** RFC 9053 §2.1: ES384 signatures are r || s, each 48 bytes. */
const ES384_SIGNATURE_BYTES = 96;

/**
 * Verifies a Nitro attestation document following AWS's procedure (aws-nitro-enclaves-nsm-api
 * docs/attestation_process.md §3.2): COSE_Sign1 structure, ES384, payload fields, certificate chain
 * to the pinned root at `options.at`, the COSE signature over the payload as received, then the
 * caller's expectations (debug mode, PCRs, user_data, nonce, public_key).
 *
 * Never throws for a bad document: every failure is a check in the report. Throws
 * PRV_ERR_INVALID_ARGUMENT only for bad options or a non-Uint8Array input.
 */
export function verifyAttestationDocument(bytes: Uint8Array, options: VerifyAttestationOptions = {}): AttestationReport {
  const opts = resolveAttestationOptions(options);
  if (!(bytes instanceof Uint8Array)) throw createError('PRV_ERR_INVALID_ARGUMENT', 'document must be a Uint8Array');
  const expected = plannedChecks(opts);
  const runner = new CheckRunner<AttestationCheckId>();

  const cose = runner.run('cose.structure', 'PRV_ERR_ATT_MALFORMED', () => {
    const decoded = decodeAttestationEnvelope(bytes);
    return { value: decoded, reason: `${decoded.tagged ? 'tagged' : 'untagged'} COSE_Sign1` };
  });
  if (cose === undefined) {
    for (const id of expected.slice(1)) runner.skip(id, 'cose.structure');
    return { ok: false, verifiedAt: opts.at.toISOString(), checks: runner.checks };
  }
  const algOk = runner.run('cose.alg', 'PRV_ERR_ATT_ALG', () => ({ value: true, reason: checkAlg(cose) })) === true;
  const payload = runner.run('payload.fields', 'PRV_ERR_ATT_MALFORMED', () => ({
    value: parseAttestationPayload(cose.payloadBytes),
    reason: 'all fields present with valid types and sizes',
  }));
  if (payload === undefined) {
    for (const id of expected.slice(3)) runner.skip(id, 'payload.fields');
    return { ok: false, verifiedAt: opts.at.toISOString(), checks: runner.checks };
  }

  const chain = runner.run('certificates.parse', 'PRV_ERR_ATT_CERT_MALFORMED', () => ({
    value: parseChain(payload.cabundle, payload.certificate),
    reason: `${payload.cabundle.length} CA certificates and the leaf parse`,
  }));
  runner.run('chain.root', 'PRV_ERR_ATT_ROOT_MISMATCH', () => {
    if (chain !== undefined) assertRootPinned(chain, opts.rootDer);
    else if (!equalBytes(payload.cabundle[0] as Uint8Array, opts.rootDer)) {
      throw createError('PRV_ERR_ATT_ROOT_MISMATCH', 'cabundle[0] is not the pinned root');
    }
    return { value: true, reason: 'cabundle[0] is byte-for-byte the pinned root' };
  });
  if (chain === undefined) {
    runner.skip('chain.path', 'certificates.parse');
    runner.skip('chain.validity', 'certificates.parse');
    runner.skip('cose.signature', 'certificates.parse');
  } else {
    runner.run('chain.path', 'PRV_ERR_ATT_CHAIN', () => {
      assertChainPath(chain);
      return { value: true, reason: `${chain.path.length - 1} signatures, CA constraints and key usages verify` };
    });
    runner.run('chain.validity', 'PRV_ERR_ATT_CERT_EXPIRED', () => {
      assertChainValidAt(chain, opts.at);
      return { value: true, reason: `every certificate is valid at ${opts.at.toISOString()}` };
    });
    if (algOk) {
      runner.run('cose.signature', 'PRV_ERR_ATT_SIGNATURE', () => ({ value: true, reason: checkCoseSignature(cose, chain) }));
    } else {
      runner.skip('cose.signature', 'cose.alg');
    }
  }
  runExpectationChecks(runner, payload, opts);

  return {
    ok: runner.allPassed(expected),
    verifiedAt: opts.at.toISOString(),
    checks: runner.checks,
    document: documentView(cose, payload, chain),
  };
}

/**
 * For callers who want an exception: returns the report when every check passes, otherwise throws
 * the first failed check's coded error (detail names the check).
 */
export function verifyAttestationDocumentOrThrow(bytes: Uint8Array, options: VerifyAttestationOptions = {}): AttestationReport {
  const report = verifyAttestationDocument(bytes, options);
  if (report.ok) return report;
  const failed = report.checks.find((check) => !check.ok);
  const code: ErrorCode = failed?.code ?? 'PRV_ERR_ATT_MALFORMED';
  throw createError(code, failed === undefined ? 'verification incomplete' : `${failed.id}: ${failed.reason ?? 'failed'}`);
}

function plannedChecks(opts: ResolvedAttestationOptions): AttestationCheckId[] {
  const ids: AttestationCheckId[] = [
    'cose.structure',
    'cose.alg',
    'payload.fields',
    'certificates.parse',
    'chain.root',
    'chain.path',
    'chain.validity',
    'cose.signature',
    'pcr0.debug',
  ];
  if (opts.expectedPcrs !== null) ids.push('pcrs.expected');
  if (opts.expectedUserData !== null) ids.push('user_data.expected');
  if (opts.expectedNonce !== null) ids.push('nonce.expected');
  if (opts.expectedPublicKey !== null) ids.push('public_key.expected');
  return ids;
}

function checkAlg(cose: DecodedCoseSign1): string {
  const alg = cose.protectedHeader.get(COSE_HEADER_ALG);
  if (alg !== COSE_ALG_ES384) {
    throw createError('PRV_ERR_ATT_ALG', `protected alg is ${alg === undefined ? 'absent' : String(alg)}, expected ES384 (-35)`);
  }
  if (cose.protectedHeader.has(COSE_HEADER_CRIT)) throw createError('PRV_ERR_ATT_ALG', 'protected header has crit parameters');
  return 'ES384 (-35) in the protected header';
}

/** RFC 9052 §4.4: ECDSA over SHA-384 of Sig_structure built from the bytes exactly as received. */
function checkCoseSignature(cose: DecodedCoseSign1, chain: ParsedChain): string {
  const key = chain.leaf.publicKey;
  if (key.curve !== 'P-384') throw createError('PRV_ERR_ATT_SIGNATURE', `leaf key is ${key.curve}, ES384 needs P-384`);
  if (cose.signature.length !== ES384_SIGNATURE_BYTES) {
    throw createError('PRV_ERR_ATT_SIGNATURE', `signature has ${cose.signature.length} bytes, expected ${ES384_SIGNATURE_BYTES}`);
  }
  const toBeSigned = sigStructure(cose.protectedBytes, cose.payloadBytes);
  if (!verifyEcdsa('P-384', key.point, 'ecdsa-with-SHA384', toBeSigned, cose.signature, 'compact')) {
    throw createError('PRV_ERR_ATT_SIGNATURE', 'ES384 signature does not verify with the leaf certificate key');
  }
  return 'ES384 signature verifies with the leaf certificate key';
}

function runExpectationChecks(runner: CheckRunner<AttestationCheckId>, payload: AttestationPayload, opts: ResolvedAttestationOptions): void {
  runner.run('pcr0.debug', 'PRV_ERR_ATT_DEBUG_MODE', () => {
    const pcr0 = payload.pcrs.get(0);
    if (pcr0 === undefined) throw createError('PRV_ERR_ATT_DEBUG_MODE', 'PCR0 is absent, so debug mode cannot be ruled out');
    // Debug-mode enclaves report PCR0-2 (and 8) as zeros; PCR0 alone decides (REFERENCE.md, AWS docs).
    const debug = pcr0.every((byte) => byte === 0);
    if (!debug) return { value: true, reason: 'PCR0 is non-zero: not a debug-mode enclave' };
    if (opts.allowDebug) return { value: true, reason: 'PCR0 is all zero: debug-mode enclave accepted (allowDebug)' };
    throw createError('PRV_ERR_ATT_DEBUG_MODE', 'PCR0 is all zero: debug-mode enclave (pass allowDebug to accept)');
  });
  if (opts.expectedPcrs !== null) {
    const expectedPcrs = opts.expectedPcrs;
    runner.run('pcrs.expected', 'PRV_ERR_ATT_PCR_MISMATCH', () => {
      for (const [index, value] of expectedPcrs) {
        const actual = payload.pcrs.get(index);
        if (actual === undefined) throw createError('PRV_ERR_ATT_PCR_MISMATCH', `PCR${index} is absent`);
        if (!equalBytes(actual, value)) {
          throw createError('PRV_ERR_ATT_PCR_MISMATCH', `PCR${index} is ${bytesToHex(actual)}, expected ${bytesToHex(value)}`);
        }
      }
      return { value: true, reason: `PCR ${[...expectedPcrs.keys()].join(', ')} match` };
    });
  }
  expectField(runner, 'user_data.expected', 'PRV_ERR_ATT_USER_DATA_MISMATCH', 'user_data', payload.userData, opts.expectedUserData);
  expectField(runner, 'nonce.expected', 'PRV_ERR_ATT_NONCE_MISMATCH', 'nonce', payload.nonce, opts.expectedNonce);
  expectField(runner, 'public_key.expected', 'PRV_ERR_ATT_PUBLIC_KEY_MISMATCH', 'public_key', payload.publicKey, opts.expectedPublicKey);
}

function expectField(
  runner: CheckRunner<AttestationCheckId>,
  id: AttestationCheckId,
  code: ErrorCode,
  name: string,
  actual: Uint8Array | null,
  expected: Uint8Array | null,
): void {
  if (expected === null) return;
  runner.run(id, code, () => {
    if (actual === null) throw createError(code, `${name} is absent`);
    if (!equalBytes(actual, expected)) throw createError(code, `${name} differs from the expected ${expected.length} bytes`);
    return { value: true, reason: `${name} matches` };
  });
}

function documentView(cose: DecodedCoseSign1, payload: AttestationPayload, chain: ParsedChain | undefined): AttestationDocumentView {
  const pcrs: Record<string, string> = {};
  for (const [index, value] of payload.pcrs) pcrs[String(index)] = bytesToHex(value);
  const hexOrNull = (value: Uint8Array | null) => (value === null ? null : bytesToHex(value));
  return {
    tagged: cose.tagged,
    moduleId: payload.moduleId,
    digest: payload.digest,
    timestampMs: payload.timestampMs,
    timestamp: new Date(payload.timestampMs).toISOString(),
    pcrs,
    publicKey: hexOrNull(payload.publicKey),
    userData: hexOrNull(payload.userData),
    nonce: hexOrNull(payload.nonce),
    certificates: (chain?.path ?? []).map((cert) => ({
      subject: cert.subjectText,
      issuer: cert.issuerText,
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
    })),
  };
}
