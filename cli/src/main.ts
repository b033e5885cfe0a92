/**
 * `provenant` dispatches to subcommands; each is imported lazily so that `provenant verify` never loads
 * onnxruntime, fastify or the native addons.
 */
const USAGE = `usage: provenant <command> [options]

commands:
  verify attestation FILE   verify a Nitro attestation document
`;

export async function main(argv: readonly string[]): Promise<number> {
  const [command] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  process.stderr.write(`provenant: unknown command '${command}'\n${USAGE}`);
  return 2;
}
