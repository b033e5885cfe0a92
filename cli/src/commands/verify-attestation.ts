import { isProvenantError, MAX_ATTESTATION_DOCUMENT_BYTES } from '@provenant/protocol';
import { verifyAttestationDocument, type AttestationReport, type VerifyAttestationOptions } from '@provenant/verifier';
import type { CliIo } from '../main.js';
import { decodeDocumentInput, parseAtFlag, readPcrPins, readRoot, readSource, parseSingleFileArgs, UsageError } from './verify-input.js';

const USAGE = `usage: provenant verify attestation FILE [--at ISO8601] [--root PEM] [--pcr N=HEX ...] [--measurements FILE] [--allow-debug] [--json]

FILE is the document as raw CBOR, base64 or hex (auto-detected); '-' reads stdin.
  --at ISO8601    check certificate validity at this instant (default: now; leaves live ~3 hours)
  --root FILE     pin this root certificate (PEM or DER) instead of the AWS Nitro Enclaves root G1
  --pcr N=HEX     require PCR N to equal HEX (repeatable)
  --measurements FILE  require PCR0, 1, 2 (and 8 if present) from the image's measurements.json
  --allow-debug   accept a debug-mode enclave (PCR0 all zero)
  --json          print the report as JSON
Exit status: 0 every check passed, 1 verification failed, 2 usage error.
`;

/** Hex doubles the size; whitespace and line breaks get some slack. */
const MAX_INPUT_BYTES = MAX_ATTESTATION_DOCUMENT_BYTES * 2 + 4096;

export async function verifyAttestationCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let report: AttestationReport;
  let json: boolean;
  let source: string;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    ({ json, source } = parsed);
    const options = await buildOptions(parsed);
    const bytes = decodeDocumentInput(await readSource(source, io.stdin, MAX_INPUT_BYTES, 'FILE'));
    report = verifyAttestationDocument(bytes, options);
  } catch (error) {
    if (error instanceof UsageError || isProvenantError(error, 'PRV_ERR_INVALID_ARGUMENT')) {
      io.stderr.write(`provenant verify attestation: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, source));
  return report.ok ? 0 : 1;
}

interface CommandLine {
  readonly source: string;
  readonly at: string | undefined;
  readonly root: string | undefined;
  readonly pcrs: readonly string[];
  readonly measurements: string | undefined;
  readonly allowDebug: boolean;
  readonly json: boolean;
}

function parseCommandLine(argv: readonly string[]): CommandLine | 'help' {
  const parsed = parseSingleFileArgs(argv, {
    at: { type: 'string' },
    root: { type: 'string' },
    pcr: { type: 'string', multiple: true },
    measurements: { type: 'string' },
    'allow-debug': { type: 'boolean' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed === 'help') return 'help';
  const { values, file } = parsed;
  return {
    source: file,
    at: values.at,
    root: values.root,
    pcrs: values.pcr ?? [],
    measurements: values.measurements,
    allowDebug: values['allow-debug'] === true,
    json: values.json === true,
  };
}

async function buildOptions(line: CommandLine): Promise<VerifyAttestationOptions> {
  const expectedPcrs = await readPcrPins(line.pcrs, line.measurements);
  const at = parseAtFlag(line.at);
  const root = line.root === undefined ? undefined : await readRoot(line.root);
  return {
    ...(at === undefined ? {} : { at }),
    ...(root === undefined ? {} : { root }),
    ...(expectedPcrs === undefined ? {} : { expectedPcrs }),
    allowDebug: line.allowDebug,
  };
}

function formatReport(report: AttestationReport, source: string): string {
  const lines: string[] = [`attestation document ${source === '-' ? '(stdin)' : source}`, `  verified at  ${report.verifiedAt}`];
  const doc = report.document;
  if (doc !== undefined) {
    lines.push(
      `  module id    ${doc.moduleId}`,
      `  timestamp    ${doc.timestamp} (${doc.timestampMs} ms)`,
      `  digest       ${doc.digest}${doc.tagged ? ', tagged COSE_Sign1' : ''}`,
      `  public_key   ${field(doc.publicKey)}`,
      `  user_data    ${field(doc.userData)}`,
      `  nonce        ${field(doc.nonce)}`,
      '  PCRs',
      ...Object.entries(doc.pcrs).map(([index, value]) => `    ${index.padStart(2)}  ${value}`),
      '  certificates (root first)',
      ...doc.certificates.map((cert) => `    ${cert.subject}  [${cert.notBefore} .. ${cert.notAfter}]`),
    );
  }
  lines.push('checks');
  const width = Math.max(...report.checks.map((check) => check.id.length));
  for (const check of report.checks) {
    const status = check.ok ? 'PASS' : check.skipped === true ? 'SKIP' : 'FAIL';
    const code = check.code === undefined ? '' : ` [${check.code}]`;
    lines.push(`  ${status}  ${check.id.padEnd(width)}  ${check.reason ?? ''}${code}`);
  }
  const failed = report.checks.filter((check) => !check.ok).length;
  lines.push(report.ok ? 'result: VALID (every check passed)' : `result: INVALID (${failed} of ${report.checks.length} checks did not pass)`);
  return `${lines.join('\n')}\n`;
}

function field(hex: string | null): string {
  if (hex === null) return '(none)';
  const shown = hex.length > 64 ? `${hex.slice(0, 64)}...` : hex;
  return `${hex.length / 2} bytes ${shown}`;
}
