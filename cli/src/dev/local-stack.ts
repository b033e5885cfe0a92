import { mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, stopChild, waitForLine, type Child } from './child-process.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = path.join(REPO_ROOT, 'cli', 'bin', 'provenant.js');
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 5_000;

export interface LocalStackOptions {
  /** HTTP port; 0 picks a free one. */
  readonly port: number;
  /** Where the mock NSM's PKI and the enclave socket live. */
  readonly stateDir: string;
  /** Models the enclave loads at boot (in production: baked into the measured image). */
  readonly modelDir: string;
  /** Models the proxy uploads into the enclave once connected. */
  readonly uploadModelDir?: string;
  /** How the proxy reaches the enclave: a Unix socket (default) or TCP on loopback. vsock needs hardware. */
  readonly link?: 'unix' | 'tcp';
  /**
   * Proof plans' zk segments (docs/plans.md §3): the enclave's zk section. "dev" makes an INSECURE local
   * ptau (development only). Keys are made lazily, at the first zk request for a circuit or at an upload
   * with a default plan, and cached by circuit digest in cacheDir, so start-up stays fast.
   */
  readonly zk?: { readonly ptau: string; readonly cacheDir: string };
  /** Extra `provenant enclave` flags (limits, batch window, ...). */
  readonly enclaveArgs?: readonly string[];
  readonly proxyArgs?: readonly string[];
  /** Receives both processes' stderr, each line prefixed with its name. */
  readonly log: NodeJS.WritableStream;
}

export interface LocalStack {
  readonly url: string;
  readonly enclaveAddress: string;
  /** The mock NSM's root certificate: receipts verify only against it, never against AWS's root. */
  readonly mockRootPem: string;
  readonly enclave: Child;
  readonly proxy: Child;
  /** Stops the proxy, then the enclave. */
  stop(): Promise<void>;
}

/**
 * The enclave daemon on the mock NSM and the parent proxy as two real processes, as in production; what
 * `provenant dev`, the end-to-end tests and the benchmark all run.
 */
export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const mockDir = path.join(options.stateDir, 'mock-nsm');
  const enclaveAddress = options.link === 'tcp' ? `tcp://127.0.0.1:${await freePort()}` : await unixAddress(options.stateDir);
  const children: Child[] = [];
  const stop = async (): Promise<void> => {
    for (const child of [...children].reverse()) await stopChild(child, STOP_GRACE_MS);
  };
  try {
    const enclave = startChild('enclave', CLI, [
      'enclave',
      '--listen', enclaveAddress,
      '--nsm', 'mock',
      '--allow-mock-nsm',
      '--mock-state-dir', mockDir,
      '--model-dir', options.modelDir,
      ...(options.zk === undefined ? [] : ['--zk-ptau', options.zk.ptau, '--zk-cache-dir', options.zk.cacheDir]),
      ...(options.enclaveArgs ?? []),
    ], options.log);
    children.push(enclave);
    await waitForLine(enclave, /^ready /, READY_TIMEOUT_MS);
    const proxy = startChild('proxy', CLI, [
      'proxy',
      '--enclave', enclaveAddress,
      '--host', '127.0.0.1',
      '--port', String(options.port),
      ...(options.uploadModelDir === undefined ? [] : ['--model-dir', options.uploadModelDir]),
      ...(options.proxyArgs ?? []),
    ], options.log);
    children.push(proxy);
    const match = await waitForLine(proxy, /listening on (http:\/\/\S+)/, READY_TIMEOUT_MS);
    const url = match[1] as string;
    await waitUntilReady(url, READY_TIMEOUT_MS);
    return { url, enclaveAddress, mockRootPem: path.join(mockDir, 'root.cert.pem'), enclave, proxy, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function unixAddress(stateDir: string): Promise<string> {
  const socketPath = path.join(stateDir, 'run', 'enclave.sock');
  await mkdir(path.dirname(socketPath), { recursive: true });
  await rm(socketPath, { force: true });
  return `unix://${socketPath}`;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
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
