import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import type { CliIo } from '../main.js';
import { startChild, stopChild, waitForLine, type Child } from '../dev/child-process.js';
import { devBanner } from '../dev/dev-banner.js';

const USAGE = `usage: provenant dev [--port PORT] [--model-dir DIR]

Starts the local stack: the enclave daemon on the MOCK Nitro Secure Module (a development harness whose
documents only verify against its own generated root, never against AWS's) and the parent proxy serving
the HTTP API, with the bundled models. Ctrl-C stops both.

  --port PORT       HTTP port (default 8080)
  --model-dir DIR   extra .onnx models the proxy uploads into the enclave at start
`;

const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(REPO_ROOT, 'cli', 'bin', 'provenant.js');

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
    io.stderr.write(`provenant dev: --port must be an integer in [0, 65535]\n`);
    return 2;
  }
  const stateDir = path.join(REPO_ROOT, '.provenant');
  const socketPath = path.join(stateDir, 'run', 'enclave.sock');
  const mockDir = path.join(stateDir, 'mock-nsm');
  const modelDir = path.join(REPO_ROOT, 'models', 'out');
  await mkdir(path.dirname(socketPath), { recursive: true });
  await rm(socketPath, { force: true });

  const children: Child[] = [];
  const stopAll = async (): Promise<void> => {
    // Reverse order: the proxy first, so no request reaches an enclave that is going away.
    for (const child of [...children].reverse()) await stopChild(child, STOP_GRACE_MS);
  };
  const stopped = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  try {
    const enclave = startChild('enclave', CLI, [
      'enclave',
      '--listen', `unix://${socketPath}`,
      '--nsm', 'mock',
      '--allow-mock-nsm',
      '--mock-state-dir', mockDir,
      '--model-dir', modelDir,
    ], io.stderr);
    children.push(enclave);
    await waitForLine(enclave, /^ready /, READY_TIMEOUT_MS);
    const proxyArgs = ['proxy', '--enclave', `unix://${socketPath}`, '--host', '127.0.0.1', '--port', String(port)];
    if (values['model-dir'] !== undefined) proxyArgs.push('--model-dir', path.resolve(values['model-dir']));
    const proxy = startChild('proxy', CLI, proxyArgs, io.stderr);
    children.push(proxy);
    const [, url] = (await waitForLine(proxy, /listening on (http:\/\/\S+)/, READY_TIMEOUT_MS)) as unknown as [string, string];
    await waitUntilReady(url, READY_TIMEOUT_MS);
    io.stdout.write(devBanner({ url, repoRoot: REPO_ROOT, mockRootPem: path.join(mockDir, 'root.cert.pem') }));
    const outcome = await Promise.race([stopped, enclave.exited.then((c) => `enclave exited (${c})`), proxy.exited.then((c) => `proxy exited (${c})`)]);
    io.stderr.write(`provenant dev: stopping (${outcome})\n`);
    await stopAll();
    return outcome === 'SIGINT' || outcome === 'SIGTERM' ? 0 : 1;
  } catch (error) {
    io.stderr.write(`provenant dev: ${(error as Error).message}\n`);
    await stopAll();
    return 1;
  }
}

/** The proxy is ready once an enclave has connected and reported ready (GET /v2/health/ready = 200). */
async function waitUntilReady(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/v2/health/ready`).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the proxy at ${url} did not become ready within ${timeoutMs} ms`);
}
