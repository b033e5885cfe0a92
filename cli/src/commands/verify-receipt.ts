import {
  fromBase64,
  fromHex,
  isProvenantError,
  MAX_ATTESTATION_DOCUMENT_BYTES,
  MAX_KSERVE_BODY_BYTES,
  MAX_PLAN_JSON_BYTES,
  parseKserveInferRequest,
  parseKserveInferResponse,
  type Tensor,
} from '@provenant/protocol';
import { verifyReceipt, type ReceiptReport, type SegmentEvidence, type VerifyReceiptOptions } from '@provenant/verifier';
import type { CliIo } from '../main.js';
import { decodeDocumentInput, parseAtFlag, readBounded, readPcrPins, readRoot, readSource, parseSingleFileArgs, UsageError } from './verify-input.js';

const USAGE = `usage: provenant verify receipt FILE [--boot FILE | --attestation-response FILE] [--root PEM]
       [--pcr N=HEX ...] [--measurements FILE] [--model-sha256 HEX] [--request FILE] [--response FILE]
       [--nonce HEX] [--plan JSON|@FILE] [--vk INDEX=HEX ...] [--allow-pending] [--allow-debug]
       [--at ISO8601] [--json]

FILE is the receipt JSON, a whole inference response JSON (its parameters.receipt is verified and its
outputs are checked against the receipt's output digest), or what GET /v1/receipts/{id} returned; '-'
reads stdin. Checks: docs/receipts.md §5, and §7.3 for plan receipts (provenant.receipt.v2), whose
input and output commitments are opened with the --request inputs and the response's outputs.
  --boot FILE                  the boot attestation document (raw CBOR, base64 or hex); needed in session mode
  --attestation-response FILE  the JSON GET /v1/attestation returned; its boot_document is used
  --root FILE                  pin this root certificate (PEM or DER) instead of the AWS Nitro Enclaves root G1
  --pcr N=HEX                  require PCR N to equal HEX (repeatable)
  --measurements FILE          require PCR0, 1, 2 (and 8 if present) from the image's measurements.json
  --model-sha256 HEX           require this model (sha256sum of the .onnx file)
  --request FILE               the inference request JSON sent: its inputs (and nonce) must match the receipt
  --response FILE              the inference response JSON received, when FILE is the bare receipt
  --nonce HEX                  require this client nonce
  --plan JSON|@FILE            require this proof plan (plan receipts), given inline or read from FILE
  --vk INDEX=HEX               trust this verifying-key digest for zk segment INDEX instead of the one the
                               enclave-signed claims name (repeatable)
  --allow-pending              report a proof still being computed as pending without failing (exit 0);
                               by default a pending proof fails the receipt
  --allow-debug                accept a debug-mode enclave (PCR0 all zero)
  --at ISO8601                 check certificates at this instant (default: each document at its own timestamp)
  --json                       print the report as JSON
Exit status: 0 every check passed, 1 verification failed, 2 usage error.
`;

/** Hex doubles a document's size; whitespace and line breaks get some slack. */
const MAX_DOCUMENT_INPUT_BYTES = MAX_ATTESTATION_DOCUMENT_BYTES * 2 + 4096;
/** GET /v1/attestation: two base64 documents, a 65-byte key and the config, well under this. */
const MAX_ATTESTATION_RESPONSE_BYTES = 4 * MAX_ATTESTATION_DOCUMENT_BYTES + 64 * 1024;
const ATTESTATION_RESPONSE_KEYS = ['document', 'boot_document', 'session_key', 'config'];
/** GET /v1/receipts/{id} (docs/protocol.md): the receipt with its id and settlement status. */
const RECEIPT_RESPONSE_KEYS = ['id', 'status', 'receipt'];

interface CommandLine {
  readonly source: string;
  readonly boot: string | undefined;
  readonly attestationResponse: string | undefined;
  readonly root: string | undefined;
  readonly pcrs: readonly string[];
  readonly measurements: string | undefined;
  readonly modelSha256: string | undefined;
  readonly request: string | undefined;
  readonly response: string | undefined;
  readonly nonce: string | undefined;
  readonly plan: string | undefined;
  readonly vks: readonly string[];
  readonly allowPending: boolean;
  readonly allowDebug: boolean;
  readonly at: string | undefined;
  readonly json: boolean;
}

export async function verifyReceiptCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let report: ReceiptReport;
  let line: CommandLine;
  try {
    const parsed = parseCommandLine(argv);
    if (parsed === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    line = parsed;
    const { receipt, outputs } = await readReceiptFile(line, io.stdin);
    report = verifyReceipt(receipt, await buildOptions(line, outputs, io.stdin));
  } catch (error) {
    if (error instanceof UsageError || isProvenantError(error, 'PRV_ERR_INVALID_ARGUMENT')) {
      io.stderr.write(`provenant verify receipt: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  io.stdout.write(line.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report, line.source));
  return report.ok ? 0 : 1;
}

function parseCommandLine(argv: readonly string[]): CommandLine | 'help' {
  const parsed = parseSingleFileArgs(argv, {
    boot: { type: 'string' },
    'attestation-response': { type: 'string' },
    root: { type: 'string' },
    pcr: { type: 'string', multiple: true },
    measurements: { type: 'string' },
    'model-sha256': { type: 'string' },
    request: { type: 'string' },
    response: { type: 'string' },
    nonce: { type: 'string' },
    plan: { type: 'string' },
    vk: { type: 'string', multiple: true },
    'allow-pending': { type: 'boolean' },
    'allow-debug': { type: 'boolean' },
    at: { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed === 'help') return 'help';
  const { values, file } = parsed;
  if (values.boot !== undefined && values['attestation-response'] !== undefined) {
    throw new UsageError('give --boot or --attestation-response, not both');
  }
  const planFile = values.plan?.startsWith('@') === true ? values.plan.slice(1) : undefined;
  const stdinUsers = [file, values.boot, values['attestation-response'], values.request, values.response, planFile].filter((file) => file === '-');
  if (stdinUsers.length > 1) throw new UsageError("only one input can be read from stdin ('-')");
  return {
    source: file,
    boot: values.boot,
    attestationResponse: values['attestation-response'],
    root: values.root,
    pcrs: values.pcr ?? [],
    measurements: values.measurements,
    modelSha256: values['model-sha256'],
    request: values.request,
    response: values.response,
    nonce: values.nonce,
    plan: values.plan,
    vks: values.vk ?? [],
    allowPending: values['allow-pending'] === true,
    allowDebug: values['allow-debug'] === true,
    at: values.at,
    json: values.json === true,
  };
}

/**
 * FILE holds either the receipt object itself (it has "format") or the whole Open Inference Protocol
 * response; a response also yields the outputs the client received, to check the output digest.
 */
async function readReceiptFile(line: CommandLine, stdin: NodeJS.ReadableStream): Promise<{ receipt: unknown; outputs?: readonly Tensor[] }> {
  const bytes = await readSource(line.source, stdin, MAX_KSERVE_BODY_BYTES, 'FILE');
  const value = parseJson(bytes, 'FILE');
  const isResponse = typeof value === 'object' && value !== null && !Array.isArray(value) && !('format' in value) && 'parameters' in value;
  if (isResponse && line.response !== undefined) throw new UsageError('FILE is an inference response already; --response is for a bare receipt');
  if (isResponse) {
    const response = kserve(() => parseKserveInferResponse(bytes), 'FILE');
    return { receipt: response.receipt, outputs: response.outputs };
  }
  const receipt = isReceiptResponse(value) ? value.receipt : value;
  if (line.response === undefined) return { receipt };
  const responseBytes = await readSource(line.response, stdin, MAX_KSERVE_BODY_BYTES, '--response');
  const response = kserve(() => parseKserveInferResponse(responseBytes), '--response');
  return { receipt, outputs: response.outputs };
}

/** GET /v1/receipts/{id}'s body: exactly id, status and receipt, the receipt checked by the verifier. */
function isReceiptResponse(value: unknown): value is { receipt: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || 'format' in value) return false;
  const keys = Object.keys(value);
  return keys.length === RECEIPT_RESPONSE_KEYS.length && RECEIPT_RESPONSE_KEYS.every((key) => keys.includes(key));
}

/** --plan: the plan's JSON text inline, or @FILE (bounded like the plan itself); the verifier parses it. */
async function readPlanFlag(value: string | undefined, stdin: NodeJS.ReadableStream): Promise<string | undefined> {
  if (value === undefined) return undefined;
  if (!value.startsWith('@')) return value;
  const bytes = await readSource(value.slice(1), stdin, MAX_PLAN_JSON_BYTES, '--plan');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError('--plan file is not UTF-8 text');
  }
}

/** --vk INDEX=HEX, each index at most once. Index and digest ranges are checked by the verifier's options. */
function readVkPins(entries: readonly string[]): Record<number, string> | undefined {
  const pins: Record<number, string> = {};
  for (const entry of entries) {
    const match = /^(\d{1,2})=([0-9a-fA-F]{64})$/.exec(entry);
    if (match === null) throw new UsageError(`--vk ${JSON.stringify(entry.slice(0, 80))} is not INDEX=HEX (a segment index and a 64-hex-digit key digest)`);
    const index = Number(match[1]);
    if (index in pins) throw new UsageError(`--vk ${index} given twice`);
    pins[index] = match[2] as string;
  }
  return entries.length === 0 ? undefined : pins;
}

async function buildOptions(line: CommandLine, outputs: readonly Tensor[] | undefined, stdin: NodeJS.ReadableStream): Promise<VerifyReceiptOptions> {
  const expectedPcrs = await readPcrPins(line.pcrs, line.measurements);
  const at = parseAtFlag(line.at);
  const root = line.root === undefined ? undefined : await readRoot(line.root);
  const bootDocument = await readBootDocument(line);
  const expectedPlan = await readPlanFlag(line.plan, stdin);
  const verificationKeys = readVkPins(line.vks);
  let inputs: readonly Tensor[] | undefined;
  let expectedNonce: Uint8Array | undefined = line.nonce === undefined ? undefined : hexFlag(line.nonce, '--nonce');
  if (line.request !== undefined) {
    const requestBytes = await readBounded(line.request, MAX_KSERVE_BODY_BYTES, '--request');
    const request = kserve(() => parseKserveInferRequest(requestBytes), '--request');
    inputs = request.inputs;
    // The nonce the request carried is the one the client sent; --nonce may only restate it.
    if (request.nonce !== undefined) {
      if (expectedNonce !== undefined && Buffer.compare(expectedNonce, request.nonce) !== 0) {
        throw new UsageError("--nonce differs from the request's parameters.nonce");
      }
      expectedNonce = request.nonce;
    }
  }
  return {
    ...(root === undefined ? {} : { root }),
    ...(expectedPcrs === undefined ? {} : { expectedPcrs }),
    allowDebug: line.allowDebug,
    ...(bootDocument === undefined ? {} : { bootDocument }),
    ...(line.modelSha256 === undefined ? {} : { expectedModelSha256: line.modelSha256 }),
    ...(inputs === undefined ? {} : { inputs }),
    ...(outputs === undefined ? {} : { outputs }),
    ...(expectedNonce === undefined ? {} : { expectedNonce }),
    ...(at === undefined ? {} : { at }),
    ...(expectedPlan === undefined ? {} : { expectedPlan }),
    ...(verificationKeys === undefined ? {} : { verificationKeys }),
    allowPending: line.allowPending,
  };
}

async function readBootDocument(line: CommandLine): Promise<Uint8Array | undefined> {
  if (line.boot !== undefined) return decodeDocumentInput(await readBounded(line.boot, MAX_DOCUMENT_INPUT_BYTES, '--boot'));
  if (line.attestationResponse === undefined) return undefined;
  const bytes = await readBounded(line.attestationResponse, MAX_ATTESTATION_RESPONSE_BYTES, '--attestation-response');
  const value = parseJson(bytes, '--attestation-response');
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new UsageError('--attestation-response must be a JSON object');
  for (const key of Object.keys(value)) {
    if (!ATTESTATION_RESPONSE_KEYS.includes(key)) throw new UsageError(`--attestation-response has unknown field ${JSON.stringify(key.slice(0, 32))}`);
  }
  const boot = (value as Record<string, unknown>).boot_document;
  if (typeof boot !== 'string') throw new UsageError('--attestation-response has no boot_document string');
  try {
    return fromBase64(boot, 'boot_document');
  } catch {
    throw new UsageError('--attestation-response boot_document is not canonical base64');
  }
}

function parseJson(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new UsageError(`${what} is not UTF-8 JSON`);
  }
}

function kserve<T>(parse: () => T, what: string): T {
  try {
    return parse();
  } catch (error) {
    if (isProvenantError(error)) throw new UsageError(`${what}: ${error.message}`);
    throw error;
  }
}

function hexFlag(value: string, flag: string): Uint8Array {
  try {
    return fromHex(value, flag);
  } catch {
    throw new UsageError(`${flag} must be an even-length hex string`);
  }
}

const EVIDENCE_WORDS: Record<SegmentEvidence, string> = {
  'hardware-attested': 'hardware-attested (enclave evidence verified)',
  'zero-knowledge-proven': 'zero-knowledge-proven (Groth16 proof verified)',
  'proof-pending': 'proof PENDING (not verified yet)',
  'proof-failed': 'proof FAILED (the enclave reports it)',
  'not-verified': 'NOT verified',
};

function formatReport(report: ReceiptReport, source: string): string {
  const lines: string[] = [`receipt ${source === '-' ? '(stdin)' : source}${report.mode === undefined ? '' : ` (${report.format === 'provenant.receipt.v2' ? 'plan receipt, ' : ''}${report.mode} mode)`}`];
  const claims = report.claims;
  if (claims !== undefined) {
    lines.push(
      `  seq          ${claims.seq}`,
      `  time         ${claims.time} (${claims.ts} ms)`,
      `  model        ${claims.model}`,
      `  input        ${claims.input}`,
      `  output       ${claims.output}`,
      `  nonce        ${claims.nonce ?? '(none)'}`,
      `  key          ${claims.key}`,
    );
  }
  const plan = report.plan;
  if (plan !== undefined) {
    lines.push(`plan         ${plan.plan}`, `  receipt id   ${plan.id}`);
    for (const segment of plan.segments) {
      const what = segment.mode === 'zk' ? ` circuit ${segment.circuit ?? ''} key ${segment.verificationKey ?? ''}` : '';
      lines.push(`  segment ${segment.index}    ${segment.mode.padEnd(3)} until ${JSON.stringify(segment.until)}: ${EVIDENCE_WORDS[segment.evidence]}${what}`);
    }
  }
  const doc = report.attestation?.document;
  if (doc !== undefined) {
    lines.push(
      `${report.mode === 'session' ? 'boot document' : 'attestation document'}`,
      `  module id    ${doc.moduleId}`,
      `  timestamp    ${doc.timestamp} (${doc.timestampMs} ms)`,
      `  checked at   ${report.attestation?.verifiedAt ?? ''}`,
      ...['0', '1', '2', '8', '16'].filter((index) => doc.pcrs[index] !== undefined).map((index) => `  PCR${index.padEnd(9)} ${doc.pcrs[index]}`),
    );
  }
  lines.push('checks');
  const width = Math.max(...report.checks.map((check) => check.id.length));
  for (const check of report.checks) {
    const status = check.ok ? 'PASS' : check.code === 'PRV_ERR_RECEIPT_PROOF_PENDING' ? 'PEND' : check.skipped === true ? 'SKIP' : 'FAIL';
    const code = check.code === undefined ? '' : ` [${check.code}]`;
    lines.push(`  ${status}  ${check.id.padEnd(width)}  ${check.reason ?? ''}${code}`);
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  const failed = report.checks.filter((check) => !check.ok).length;
  const pending = report.pendingSegments ?? [];
  if (report.ok && pending.length > 0) lines.push(`result: VALID EXCEPT PENDING (segment(s) ${pending.join(', ')} not yet proven; every other check passed)`);
  else lines.push(report.ok ? 'result: VALID (every check passed)' : `result: INVALID (${failed} of ${report.checks.length} checks did not pass)`);
  return `${lines.join('\n')}\n`;
}
