import path from 'node:path';
import { parseArgs } from 'node:util';
import type { CliIo } from '../main.js';
import { devBanner } from '../dev/dev-banner.js';
import { REPO_ROOT, startLocalStack } from '../dev/local-stack.js';

const USAGE = `usage: provenant dev [--port PORT] [--model-dir DIR]

Starts the local stack: the enclave daemon on the MOCK Nitro Secure Module (a development harness whose
documents only verify against its own generated root, never against AWS's) and the parent proxy serving
the HTTP API, with the bundled models. Proof plans with zk segments work, with keys from an INSECURE dev
ptau made on first use and cached in .provenant/zk-cache (development only). Ctrl-C stops both.

  --port PORT       HTTP port (default 8080)
  --model-dir DIR   extra .onnx models the proxy uploads into the enclave at start
`;

/** Covers the one-off Groth16 setup of a first zk request (docs/benchmarks.md, Mixed plans) and wait=true. */
const DEV_REQUEST_TIMEOUT_MS = 300_000;

/** `provenant dev`: two real processes, as in production, talking over a Unix socket instead of vsock. */
export async function devCommand(argv: readonly string[], io: CliIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { port: { type: 'string', default: '8080' }, 'model-dir': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    io.stderr.write(`provenant dev: ${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    io.stderr.write('provenant dev: --port must be an integer in [0, 65535]\n');
    return 2;
  }
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  let stack;
  try {
    stack = await startLocalStack({
      port,
      stateDir: path.join(REPO_ROOT, '.provenant'),
      modelDir: path.join(REPO_ROOT, 'models', 'out'),
      // Mixed proof plans work out of the box; the first zk request makes the keys (tens of seconds), so
      // the proxy's deadline leaves room for it.
      zk: { ptau: 'dev', cacheDir: path.join(REPO_ROOT, '.provenant', 'zk-cache') },
      proxyArgs: ['--request-timeout-ms', String(DEV_REQUEST_TIMEOUT_MS)],
      ...(values['model-dir'] === undefined ? {} : { uploadModelDir: path.resolve(values['model-dir']) }),
      log: io.stderr,
    });
  } catch (error) {
    io.stderr.write(`provenant dev: ${(error as Error).message}\n`);
    return 1;
  }
  io.stdout.write(devBanner({ url: stack.url, repoRoot: REPO_ROOT, mockRootPem: stack.mockRootPem }));
  const outcome = await Promise.race([
    stopped,
    stack.enclave.exited.then((code) => `enclave exited (${code})`),
    stack.proxy.exited.then((code) => `proxy exited (${code})`),
  ]);
  io.stderr.write(`provenant dev: stopping (${outcome})\n`);
  await stack.stop();
  return outcome === 'SIGINT' || outcome === 'SIGTERM' ? 0 : 1;
}
