import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { isProvenantError } from '@provenant/protocol';
import { createProofBundle } from '../groth16/proof-bundle-writer.js';
import { proveGroth16 } from '../groth16/groth16-prove.js';
import { loadGroth16Setup, setupGroth16, type PtauSource } from '../groth16/groth16-setup.js';
import { exportSolidityVerifier } from '../groth16/solidity-verifier.js';
import { DEFAULT_ZK_CACHE_DIR } from '../setup-cache/setup-cache.js';
import { compileModelFile, MAX_PTAU_FILE_BYTES, readBoundedFile, readInputTensor, ZkUsageError } from './zk-cli-input.js';

/** The streams a command uses; passed in, never taken from globals (cli/src/main.ts CliIo fits). */
export interface ZkCliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

const USAGE = `usage:
  provenant zk setup MODEL.onnx (--ptau FILE | --dev-ptau) [--cache DIR] [--contributions N] [--beacon HEX] [--config FILE] [--vk-out FILE]
  provenant zk prove MODEL.onnx --input FILE [--out FILE] [--cache DIR] [--config FILE] [--timeout-ms N]
  provenant zk export-solidity MODEL.onnx --out FILE [--cache DIR] [--config FILE]

  --ptau FILE        powers of tau from a public ceremony (e.g. the Perpetual Powers of Tau); see docs/zk.md
  --dev-ptau         generate an INSECURE powers of tau locally (development only)
  --cache DIR        setup cache (default ${DEFAULT_ZK_CACHE_DIR}); keys are kept per circuit digest
  --contributions N  phase-2 contributions made here (default 1)
  --beacon HEX       public randomness for the final beacon (default: random, recorded in setup.json)
  --config FILE      quantization config JSON ({"scaleBits", "bitWidth", "inputRange", "publicOutput"}); give the same to every command
  --vk-out FILE      also write the verifying key (snarkjs verification_key.json) here
  --input FILE       JSON array of numbers, or a KServe v2 request with one input
  --out FILE         where to write the proof bundle (default stdout) or the Solidity contract
  --timeout-ms N     kill the prover after N milliseconds
Exit status: 0 done, 1 failed (coded error on stderr), 2 usage error.
`;

const DEV_PTAU_WARNING = `
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
!! WARNING: --dev-ptau generates the powers of tau on THIS machine. It is INSECURE:         !!
!! anyone who saw this process's memory could know tau and forge proofs for every circuit   !!
!! set up from it. Use it for development only; for anything that matters, pass --ptau with !!
!! a public ceremony's file (docs/zk.md, "Proof bundle and verification").                  !!
!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
`;

const OPTIONS = {
  ptau: { type: 'string' },
  'dev-ptau': { type: 'boolean' },
  cache: { type: 'string' },
  contributions: { type: 'string' },
  beacon: { type: 'string' },
  config: { type: 'string' },
  'vk-out': { type: 'string' },
  input: { type: 'string' },
  out: { type: 'string' },
  'timeout-ms': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Flags each subcommand accepts; the others are usage errors rather than silently ignored. */
const ALLOWED: Readonly<Record<string, readonly string[]>> = {
  setup: ['ptau', 'dev-ptau', 'cache', 'contributions', 'beacon', 'config', 'vk-out'],
  prove: ['input', 'out', 'cache', 'config', 'timeout-ms'],
  'export-solidity': ['out', 'cache', 'config'],
};

type Values = { [K in keyof typeof OPTIONS]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

export async function runZkCommand(argv: readonly string[], io: ZkCliIo): Promise<number> {
  const [subcommand, ...rest] = argv;
  if (subcommand === undefined || subcommand === '--help' || subcommand === '-h') {
    io.stdout.write(USAGE);
    return subcommand === undefined ? 2 : 0;
  }
  try {
    const allowed = ALLOWED[subcommand];
    if (allowed === undefined) throw new ZkUsageError(`unknown subcommand '${subcommand}'`);
    let parsed;
    try {
      parsed = parseArgs({ args: [...rest], options: OPTIONS, strict: true, allowPositionals: true });
    } catch (error) {
      throw new ZkUsageError(error instanceof Error ? error.message : 'bad arguments');
    }
    const values = parsed.values as Values;
    if (values.help === true) {
      io.stdout.write(USAGE);
      return 0;
    }
    for (const key of Object.keys(values)) if (!allowed.includes(key)) throw new ZkUsageError(`--${key} does not apply to zk ${subcommand}`);
    if (parsed.positionals.length !== 1) throw new ZkUsageError(`expected exactly one MODEL.onnx, got ${parsed.positionals.length}`);
    const model = parsed.positionals[0] as string;
    if (subcommand === 'setup') return await setupCommand(model, values, io);
    if (subcommand === 'prove') return await proveCommand(model, values, io);
    return await exportCommand(model, values, io);
  } catch (error) {
    if (error instanceof ZkUsageError || isProvenantError(error, 'PRV_ERR_INVALID_ARGUMENT')) {
      io.stderr.write(`provenant zk: ${error.message}\n${USAGE}`);
      return 2;
    }
    if (isProvenantError(error)) {
      io.stderr.write(`provenant zk ${subcommand}: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

async function setupCommand(model: string, values: Values, io: ZkCliIo): Promise<number> {
  if ((values.ptau === undefined) === (values['dev-ptau'] !== true)) throw new ZkUsageError('give exactly one of --ptau FILE and --dev-ptau');
  const contributions = values.contributions === undefined ? undefined : parseCount(values.contributions, '--contributions');
  const circuit = await compileModelFile(model, values.config);
  io.stderr.write(`circuit ${circuit.digest}: ${circuit.stats.constraints} constraints, ${circuit.stats.wires} wires, ${circuit.nPublic} public signals\n`);
  let ptau: PtauSource;
  if (values.ptau !== undefined) ptau = { kind: 'file', bytes: await readBoundedFile(values.ptau, MAX_PTAU_FILE_BYTES, '--ptau') };
  else {
    io.stderr.write(DEV_PTAU_WARNING);
    ptau = { kind: 'dev' };
  }
  const started = performance.now();
  const setup = await setupGroth16(circuit, {
    ptau,
    cacheDir: values.cache ?? DEFAULT_ZK_CACHE_DIR,
    ...(contributions === undefined ? {} : { contributions }),
    ...(values.beacon === undefined ? {} : { beaconHex: values.beacon }),
    onProgress: ({ stage, message }) => {
      // snarkjs prints hashes as indented multi-line blocks; the first line says what they are.
      const line = message.split('\n')[0]?.trim() ?? '';
      if (line !== '') io.stderr.write(`[${stage}] ${line}\n`);
    },
  });
  if (values['vk-out'] !== undefined) await writeFile(values['vk-out'], `${JSON.stringify(setup.verificationKey, null, 1)}\n`);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.stdout.write(
    `circuit ${setup.digest}\nverifying key ${setup.vkDigest}\nptau ${setup.record.ptau.id} (power ${setup.record.ptau.power})${setup.record.ptau.insecureDev ? ' INSECURE DEV' : ''}\n` +
      `contributions ${setup.record.contributions}, beacon ${setup.record.beaconHex}\nsetup ${seconds} s (reused: ${setup.reusedStages.join(', ') || 'nothing'})\n`,
  );
  return 0;
}

async function proveCommand(model: string, values: Values, io: ZkCliIo): Promise<number> {
  if (values.input === undefined) throw new ZkUsageError('--input FILE is required');
  const timeoutMs = values['timeout-ms'] === undefined ? undefined : parseCount(values['timeout-ms'], '--timeout-ms');
  const circuit = await compileModelFile(model, values.config);
  const input = await readInputTensor(values.input);
  const setup = await loadGroth16Setup(circuit.digest, values.cache ?? DEFAULT_ZK_CACHE_DIR);
  const witness = circuit.witness(input);
  const started = performance.now();
  const proved = await proveGroth16(setup.zkey, witness.wtns, timeoutMs === undefined ? {} : { timeoutMs });
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  const bundle = createProofBundle({ circuit, witness, vkDigest: setup.vkDigest, proved });
  const text = `${JSON.stringify(bundle, null, 1)}\n`;
  if (values.out === undefined) io.stdout.write(text);
  else await writeFile(values.out, text);
  io.stderr.write(`proved in ${seconds} s; output ${Array.from(witness.output, (v) => v.toFixed(4)).join(', ')}\n`);
  return 0;
}

async function exportCommand(model: string, values: Values, io: ZkCliIo): Promise<number> {
  if (values.out === undefined) throw new ZkUsageError('--out FILE is required');
  const circuit = await compileModelFile(model, values.config);
  const setup = await loadGroth16Setup(circuit.digest, values.cache ?? DEFAULT_ZK_CACHE_DIR);
  await writeFile(values.out, await exportSolidityVerifier(setup.zkey));
  io.stderr.write(`wrote the Groth16 verifier contract for circuit ${circuit.digest} to ${values.out}\n`);
  return 0;
}

function parseCount(text: string, flag: string): number {
  if (!/^[1-9][0-9]{0,9}$/.test(text)) throw new ZkUsageError(`${flag} must be a positive integer`);
  return Number(text);
}
