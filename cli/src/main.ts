/**
 * `provenant` dispatches to subcommands; each is imported lazily so that `provenant verify` never loads
 * onnxruntime, fastify or the native addons.
 */
const USAGE = `usage: provenant <command> [options]

commands:
  verify attestation FILE   verify a Nitro attestation document
  verify receipt FILE       verify an inference receipt (provenant verify receipt --help)
  verify proof FILE --vk VK verify a zero-knowledge proof bundle (provenant verify proof --help)
  zk setup|prove|export-solidity MODEL.onnx   Groth16 setup, proofs and Solidity verifier (provenant zk --help)
  enclave [options]         run the enclave daemon (provenant enclave --help)
  proxy [options]           run the parent proxy, the HTTP API (provenant proxy --help)
  logs --listen ADDRESS     receive the enclaves' log lines on the parent (provenant logs --help)
  dev [--port PORT]         run the local stack (enclave on the mock NSM + proxy) with the bundled models
  eif describe|measure|build-from-rootfs   read an enclave image, compute PCRs (provenant eif --help)
`;

/** What a subcommand needs from the process; passed in so commands never reach for globals. */
export interface CliIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
}

type Command = (argv: readonly string[], io: CliIo) => Promise<number>;

/** "<command> <subcommand>" -> lazy loader; later issues add entries here. */
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  'verify attestation': async () => (await import('./commands/verify-attestation.js')).verifyAttestationCommand,
  'verify receipt': async () => (await import('./commands/verify-receipt.js')).verifyReceiptCommand,
  'verify proof': async () => (await import('./commands/verify-proof.js')).verifyProofCommand,
};

/** Single-word commands ("provenant enclave --listen ..."): every argument after the word is theirs. */
const SINGLE_COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  enclave: async () => (await import('@provenant/enclave')).runEnclaveCommand,
  proxy: async () => (await import('@provenant/proxy')).runProxyCommand,
  logs: async () => (await import('@provenant/proxy')).runLogsCommand,
  dev: async () => (await import('./commands/dev.js')).devCommand,
  eif: async () => (await import('@provenant/eif-build')).runEifCommand,
  zk: async () => (await import('@provenant/prover/cli')).runZkCommand,
};

export async function main(argv: readonly string[], io: CliIo = process): Promise<number> {
  const [command, subcommand] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const single = Object.hasOwn(SINGLE_COMMANDS, command) ? SINGLE_COMMANDS[command] : undefined;
  if (single !== undefined) return (await single())(argv.slice(1), io);
  const load = COMMANDS[`${command} ${subcommand ?? ''}`];
  if (load === undefined) {
    io.stderr.write(`provenant: unknown command '${[command, subcommand].filter(Boolean).join(' ')}'\n${USAGE}`);
    return 2;
  }
  return (await load())(argv.slice(2), io);
}
