import {
  MAX_ZK_PROOF_BUNDLE_BYTES,
  MAX_ZK_VERIFICATION_KEY_BYTES,
  verifyProofBundle,
  type ProofBundleReport,
  type VerifyProofBundleOptions,
} from '@provenant/verifier';
import type { CliIo } from '../main.js';
import { readBounded, readSource, parseSingleFileArgs, UsageError } from './verify-input.js';

const USAGE = `usage: provenant verify proof FILE --vk VK.json [--circuit HEX] [--vk-digest HEX] [--json]

FILE is a proof bundle from 'provenant zk prove' (docs/zk.md); '-' reads stdin.
  --vk FILE         the verifying key (snarkjs verification_key.json, from 'provenant zk setup --vk-out')
  --circuit HEX     require this circuit digest (SHA-256 of the .r1cs; pins the model)
  --vk-digest HEX   require this verifying-key digest (pins the setup)
  --json            print the report as JSON
Exit status: 0 every check passed, 1 verification failed, 2 usage error.
`;
const HEX64 = /^[0-9a-f]{64}$/;

export async function verifyProofCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let report: ProofBundleReport;
  let json: boolean;
  try {
    const line = parseCommandLine(argv);
    if (line === 'help') {
      io.stdout.write(USAGE);
      return 0;
    }
    json = line.json;
    const bundle = parseJsonInput(await readSource(line.source, io.stdin, MAX_ZK_PROOF_BUNDLE_BYTES, 'FILE'), 'FILE');
    const vk = parseJsonInput(await readBounded(line.vk, MAX_ZK_VERIFICATION_KEY_BYTES, '--vk'), '--vk');
    report = verifyProofBundle(bundle, vk, line.options);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`provenant verify proof: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  return report.ok ? 0 : 1;
}

interface CommandLine {
  readonly source: string;
  readonly vk: string;
  readonly json: boolean;
  readonly options: VerifyProofBundleOptions;
}

function parseCommandLine(argv: readonly string[]): CommandLine | 'help' {
  const parsed = parseSingleFileArgs(argv, {
    vk: { type: 'string' },
    circuit: { type: 'string' },
    'vk-digest': { type: 'string' },
    json: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (parsed === 'help') return 'help';
  const { values, file } = parsed;
  if (values.vk === undefined) throw new UsageError('--vk FILE is required');
  for (const flag of ['circuit', 'vk-digest'] as const) {
    const value = values[flag];
    if (value !== undefined && !HEX64.test(value)) throw new UsageError(`--${flag} must be 64 lowercase hex digits`);
  }
  return {
    source: file,
    vk: values.vk,
    json: values.json === true,
    options: {
      ...(values.circuit === undefined ? {} : { expectedCircuitDigest: values.circuit }),
      ...(values['vk-digest'] === undefined ? {} : { expectedVkDigest: values['vk-digest'] }),
    },
  };
}

function parseJsonInput(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    // Not JSON at all is a bad file, not a bad proof: say so with the usage.
    throw new UsageError(`${what} is not JSON`);
  }
}

function formatReport(report: ProofBundleReport): string {
  const lines = [`proof bundle: ${report.ok ? 'VERIFIED' : 'NOT VERIFIED'}`];
  if (report.circuitDigest !== undefined) lines.push(`  circuit      ${report.circuitDigest}`);
  if (report.vkDigest !== undefined) lines.push(`  vk           ${report.vkDigest}`);
  if (report.output !== undefined) {
    const scale = 2 ** report.output.scaleBits;
    const shown = report.output.quantized.slice(0, 16).map((q) => (Number(q) / scale).toFixed(4));
    lines.push(`  output       [${report.output.shape.join('x')}] ${shown.join(', ')}${report.output.quantized.length > 16 ? ', ...' : ''} (scale 2^${report.output.scaleBits})`);
  }
  lines.push('checks');
  for (const check of report.checks) {
    lines.push(`  ${check.ok ? 'ok  ' : 'FAIL'} ${check.id.padEnd(18)} ${check.reason ?? ''}${check.code === undefined ? '' : ` [${check.code}]`}`);
  }
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  return `${lines.join('\n')}\n`;
}
