import { open, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isProvenantError, MAX_ATTESTATION_DOCUMENT_BYTES, MAX_CERTIFICATE_BYTES } from '@provenant/protocol';
import { verifyAttestationDocument, type AttestationReport, type VerifyAttestationOptions } from '@provenant/verifier';
import type { CliIo } from '../main.js';

const USAGE = `usage: provenant verify attestation FILE [--at ISO8601] [--root PEM] [--pcr N=HEX ...] [--allow-debug] [--json]

FILE is the document as raw CBOR, base64 or hex (auto-detected); '-' reads stdin.
  --at ISO8601    check certificate validity at this instant (default: now; leaves live ~3 hours)
  --root FILE     pin this root certificate (PEM or DER) instead of the AWS Nitro Enclaves root G1
  --pcr N=HEX     require PCR N to equal HEX (repeatable)
  --allow-debug   accept a debug-mode enclave (PCR0 all zero)
  --json          print the report as JSON
Exit status: 0 every check passed, 1 verification failed, 2 usage error.
`;

/** Hex doubles the size; whitespace and line breaks get some slack. */
const MAX_INPUT_BYTES = MAX_ATTESTATION_DOCUMENT_BYTES * 2 + 4096;
/** PEM of the largest accepted certificate, with line breaks. */
const MAX_ROOT_FILE_BYTES = MAX_CERTIFICATE_BYTES * 2 + 1024;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

class UsageError extends Error {}

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
    const bytes = decodeInput(await readInput(source, io.stdin));
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
  readonly allowDebug: boolean;
  readonly json: boolean;
}

function parseCommandLine(argv: readonly string[]): CommandLine | 'help' {
  let values;
  let positionals;
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: true,
      options: {
        at: { type: 'string' },
        root: { type: 'string' },
        pcr: { type: 'string', multiple: true },
        'allow-debug': { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : 'bad arguments');
  }
  if (values.help === true) return 'help';
  if (positionals.length !== 1) throw new UsageError(`expected exactly one FILE, got ${positionals.length}`);
  return {
    source: positionals[0] as string,
    at: values.at,
    root: values.root,
    pcrs: values.pcr ?? [],
    allowDebug: values['allow-debug'] === true,
    json: values.json === true,
  };
}

async function buildOptions(line: CommandLine): Promise<VerifyAttestationOptions> {
  const expectedPcrs: Record<number, string> = {};
  for (const entry of line.pcrs) {
    const match = /^(\d{1,2})=([0-9a-fA-F]+)$/.exec(entry);
    if (match === null) throw new UsageError(`--pcr ${JSON.stringify(entry)} is not N=HEX`);
    const index = Number(match[1]);
    if (index in expectedPcrs) throw new UsageError(`--pcr ${index} given twice`);
    expectedPcrs[index] = match[2] as string;
  }
  let at: Date | undefined;
  if (line.at !== undefined) {
    at = new Date(line.at);
    if (!ISO_8601.test(line.at) || Number.isNaN(at.getTime())) throw new UsageError(`--at ${JSON.stringify(line.at)} is not an ISO 8601 instant`);
  }
  const root = line.root === undefined ? undefined : await readRoot(line.root);
  return {
    ...(at === undefined ? {} : { at }),
    ...(root === undefined ? {} : { root }),
    ...(line.pcrs.length === 0 ? {} : { expectedPcrs }),
    allowDebug: line.allowDebug,
  };
}

async function readRoot(file: string): Promise<string | Uint8Array> {
  const bytes = await readBounded(file, MAX_ROOT_FILE_BYTES, '--root');
  const text = new TextDecoder().decode(bytes);
  return text.includes('-----BEGIN CERTIFICATE-----') ? text : bytes;
}

async function readInput(source: string, stdin: NodeJS.ReadableStream): Promise<Uint8Array> {
  if (source !== '-') return readBounded(source, MAX_INPUT_BYTES, 'FILE');
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
    total += bytes.length;
    if (total > MAX_INPUT_BYTES) throw new UsageError(`stdin is over ${MAX_INPUT_BYTES} bytes`);
    chunks.push(bytes);
  }
  return Uint8Array.from(Buffer.concat(chunks));
}

/** Checks the size before reading so a huge or endless file is never buffered (STYLE rule 8). */
async function readBounded(file: string, maxBytes: number, what: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new UsageError(`cannot open ${what} ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new UsageError(`${what} is ${size} bytes, over the ${maxBytes}-byte limit`);
    return Uint8Array.from(await readFile(handle));
  } finally {
    await handle.close();
  }
}

/**
 * Raw CBOR starts with 0x84 (array of 4) or 0xd2 (tag 18), neither of which is printable ASCII, so
 * it cannot be mistaken for text. Text is hex when it is all hex digits, else base64.
 */
function decodeInput(bytes: Uint8Array): Uint8Array {
  if (bytes[0] === 0x84 || bytes[0] === 0xd2) return bytes;
  const text = new TextDecoder().decode(bytes).replace(/\s+/g, '');
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text)) return Uint8Array.from(Buffer.from(text, 'hex'));
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return Uint8Array.from(Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64'));
  // Not recognisable as text: hand the bytes over as they are, the verifier reports why they fail.
  return bytes;
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
