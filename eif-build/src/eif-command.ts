import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatMeasurements, isProvenantError, MEASUREMENTS_FORMAT, type Measurements } from '@provenant/protocol';
import { resolveBuildInputs, UsageError, type BuildInputFlags } from './build-inputs.js';
import { describeJson, describeText } from './describe-format.js';
import { readEif } from './eif-reader.js';
import { writeEif } from './eif-writer.js';
import { ioError } from './file-io.js';
import { measureEifInputs } from './measure.js';
import type { EifPcrs } from './pcr-set.js';

export interface EifCommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export const EIF_USAGE = `usage:
  provenant eif describe FILE.eif [--json] [--measurements-out FILE] [--image-reference REF]
                         [--image-digest sha256:HEX] [--build-input NAME=VALUE ...]
  provenant eif measure INPUTS [--signing-certificate CERT.pem] [--json] [--measurements-out FILE]
  provenant eif build-from-rootfs INPUTS --output FILE.eif [--signing-certificate CERT.pem --private-key KEY.pem]
                         [--image-name NAME] [--image-version VERSION] [--build-time RFC3339]
                         [--memory-mib N] [--cpus N] [--json] [--measurements-out FILE]

INPUTS:
  --rootfs TAR                       image filesystem from \`docker export\` (uncompressed tar)
  --image-inspect FILE | --cmd JSON [--env NAME=VALUE ...]
                                     CMD (else ENTRYPOINT) and ENV, from \`docker inspect IMAGE\`
  and one of:
  --bootstrap-from-eif FILE          kernel, cmdline and bootstrap ramdisk of an existing EIF
  --blobs DIR                        nitro-cli blobs (bzImage|Image, cmdline, init, nsm.ko)
  --kernel FILE (--cmdline S | --cmdline-file FILE) (--bootstrap-ramdisk FILE | --init FILE --nsm-ko FILE)
  [--arch x86_64|aarch64]
`;

const INPUT_OPTIONS = {
  blobs: { type: 'string' },
  kernel: { type: 'string' },
  cmdline: { type: 'string' },
  'cmdline-file': { type: 'string' },
  'bootstrap-ramdisk': { type: 'string' },
  init: { type: 'string' },
  'nsm-ko': { type: 'string' },
  'bootstrap-from-eif': { type: 'string' },
  rootfs: { type: 'string' },
  'image-inspect': { type: 'string' },
  cmd: { type: 'string' },
  env: { type: 'string', multiple: true },
  arch: { type: 'string' },
  'signing-certificate': { type: 'string' },
  json: { type: 'boolean' },
  'measurements-out': { type: 'string' },
  'image-reference': { type: 'string' },
  'image-digest': { type: 'string' },
  'build-input': { type: 'string', multiple: true },
} as const satisfies ParseArgsConfig['options'];

const BUILD_OPTIONS = {
  ...INPUT_OPTIONS,
  output: { type: 'string' },
  'private-key': { type: 'string' },
  'image-name': { type: 'string' },
  'image-version': { type: 'string' },
  'build-time': { type: 'string' },
  'memory-mib': { type: 'string' },
  cpus: { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const DESCRIBE_OPTIONS = {
  json: { type: 'boolean' },
  'measurements-out': { type: 'string' },
  'image-reference': { type: 'string' },
  'image-digest': { type: 'string' },
  'build-input': { type: 'string', multiple: true },
} as const satisfies ParseArgsConfig['options'];

interface MeasurementExtras {
  readonly 'image-reference'?: string;
  readonly 'image-digest'?: string;
  readonly 'build-input'?: readonly string[];
}

function measurementsFor(pcrs: EifPcrs, arch: 'x86_64' | 'aarch64', extras: MeasurementExtras, more: { eif?: Measurements['eif']; inputs?: Record<string, string> }): Measurements {
  const buildInputs: Record<string, string> = { ...more.inputs };
  for (const pair of extras['build-input'] ?? []) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new UsageError(`--build-input '${pair}' is not NAME=VALUE`);
    buildInputs[pair.slice(0, equals)] = pair.slice(equals + 1);
  }
  const image: { reference?: string; digest?: string } = {};
  if (extras['image-reference'] !== undefined) image.reference = extras['image-reference'];
  if (extras['image-digest'] !== undefined) image.digest = extras['image-digest'];
  return {
    format: MEASUREMENTS_FORMAT,
    hashAlgorithm: 'SHA384',
    pcrs,
    arch,
    ...(more.eif === undefined ? {} : { eif: more.eif }),
    ...(Object.keys(image).length === 0 ? {} : { image }),
    ...(Object.keys(buildInputs).length === 0 ? {} : { buildInputs }),
  };
}

async function writeMeasurements(path: string | undefined, measurements: Measurements): Promise<string> {
  // formatMeasurements re-validates with the same strict parser clients use, so a bad value fails here.
  const text = formatMeasurements(measurements);
  if (path !== undefined) await writeFile(path, text).catch((cause: unknown) => Promise.reject(ioError(path, 'cannot write', cause)));
  return text;
}

function parseCount(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9][0-9]{0,6}$/.test(value)) throw new UsageError(`${flag} must be a positive integer`);
  return Number(value);
}

async function describe(args: readonly string[], io: EifCommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], options: DESCRIBE_OPTIONS, allowPositionals: true, strict: true });
  if (positionals.length !== 1) throw new UsageError('describe takes exactly one EIF file');
  const eif = await readEif(positionals[0] as string);
  if (values['measurements-out'] !== undefined) {
    await writeMeasurements(values['measurements-out'], measurementsFor(eif.pcrs, eif.arch, values, { eif: { sha384: eif.fileSha384, sizeBytes: eif.sizeBytes } }));
  }
  io.stdout.write(values.json === true ? `${JSON.stringify(describeJson(eif), null, 2)}\n` : describeText(eif));
  return 0;
}

async function measure(args: readonly string[], io: EifCommandIo): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...args], options: INPUT_OPTIONS, allowPositionals: false, strict: true });
  void positionals;
  const inputs = await resolveBuildInputs(values as BuildInputFlags);
  const certificatePem = values['signing-certificate'] === undefined ? undefined : await readText(values['signing-certificate']);
  const result = await measureEifInputs({
    kernel: inputs.kernel,
    cmdline: inputs.cmdline,
    ramdisks: [inputs.bootstrap, inputs.customer],
    ...(certificatePem === undefined ? {} : { signingCertificatePem: certificatePem }),
  });
  const text = await writeMeasurements(
    values['measurements-out'],
    measurementsFor(result.pcrs, inputs.arch, values, {
      inputs: {
        'kernel.sha384': result.inputSha384.kernel,
        'cmdline.sha384': result.inputSha384.cmdline,
        'bootstrap-ramdisk.sha384': result.inputSha384.ramdisks[0] as string,
        'customer-ramdisk.sha384': result.inputSha384.ramdisks[1] as string,
      },
    }),
  );
  io.stdout.write(values.json === true ? text : pcrText(result.pcrs));
  return 0;
}

function pcrText(pcrs: EifPcrs): string {
  return `${Object.entries(pcrs)
    .map(([name, value]) => `${name}  ${value}`)
    .join('\n')}\n`;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw ioError(path, 'cannot read', cause);
  }
}

async function buildFromRootfs(args: readonly string[], io: EifCommandIo): Promise<number> {
  const { values } = parseArgs({ args: [...args], options: BUILD_OPTIONS, allowPositionals: false, strict: true });
  if (values.output === undefined) throw new UsageError('--output FILE.eif is required');
  if ((values['private-key'] === undefined) !== (values['signing-certificate'] === undefined)) {
    throw new UsageError('--signing-certificate and --private-key go together');
  }
  const buildTime = values['build-time'] ?? '1970-01-01T00:00:00+00:00';
  if (Number.isNaN(Date.parse(buildTime))) throw new UsageError('--build-time must be an RFC 3339 timestamp');
  const memoryMib = parseCount(values['memory-mib'], '--memory-mib');
  const cpus = parseCount(values.cpus, '--cpus');
  const inputs = await resolveBuildInputs(values as BuildInputFlags);
  const signing =
    values['private-key'] === undefined
      ? undefined
      : { certificatePem: await readText(values['signing-certificate'] as string), privateKey: await readText(values['private-key']) };
  // Metadata mirrors nitro-cli's EifIdentityInfo so its describe-eif can read it; BuildTime is pinned
  // (default: the epoch) because a wall-clock time would make the file hash differ on every build.
  const metadata = {
    ImageName: values['image-name'] ?? 'provenant-enclave',
    ImageVersion: values['image-version'] ?? '0.0.0',
    BuildMetadata: {
      BuildTime: buildTime,
      BuildTool: '@provenant/eif-build',
      BuildToolVersion: '0.1.0',
      OperatingSystem: 'linux',
      KernelVersion: 'unknown',
    },
    DockerInfo: { Config: { Cmd: inputs.run.cmd, Env: inputs.run.env } },
    CustomMetadata: null,
  };
  await writeEif(values.output, {
    kernel: inputs.kernel,
    cmdline: inputs.cmdline,
    ramdisks: [inputs.bootstrap, inputs.customer],
    arch: inputs.arch,
    metadata,
    ...(memoryMib === undefined ? {} : { defaultMemBytes: memoryMib * 1024 * 1024 }),
    ...(cpus === undefined ? {} : { defaultCpus: cpus }),
    ...(signing === undefined ? {} : { signing }),
  });
  // Read the result back with the independent reader: the PCRs we publish are those of the file.
  const eif = await readEif(values.output);
  const text = await writeMeasurements(
    values['measurements-out'],
    measurementsFor(eif.pcrs, eif.arch, values, { eif: { sha384: eif.fileSha384, sizeBytes: eif.sizeBytes } }),
  );
  io.stdout.write(values.json === true ? text : `wrote ${values.output} (${eif.sizeBytes} bytes)\n${pcrText(eif.pcrs)}`);
  return 0;
}

const SUBCOMMANDS: Readonly<Record<string, (args: readonly string[], io: EifCommandIo) => Promise<number>>> = {
  describe,
  measure,
  'build-from-rootfs': buildFromRootfs,
};

/**
 * `provenant eif ...`. Exit codes: 0 success, 1 the operation failed (the stable error code is printed),
 * 2 bad usage. Nothing is thrown to the caller.
 */
export async function runEifCommand(argv: readonly string[], io: EifCommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? io.stderr : io.stdout).write(EIF_USAGE);
    return name === undefined ? 2 : 0;
  }
  const run = SUBCOMMANDS[name];
  if (run === undefined) {
    io.stderr.write(`provenant eif: unknown subcommand '${name}'\n${EIF_USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: unknown }).code?.toString().startsWith('ERR_PARSE_ARGS') === true) {
      io.stderr.write(`provenant eif ${name}: ${(error as Error).message}\n${EIF_USAGE}`);
      return 2;
    }
    if (isProvenantError(error)) {
      io.stderr.write(`provenant eif ${name}: ${error.code}: ${error.message}\n`);
      return 1;
    }
    io.stderr.write(`provenant eif ${name}: unexpected failure: ${String((error as Error)?.message ?? error)}\n`);
    return 1;
  }
}
