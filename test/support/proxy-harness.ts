import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProxyService, parseProxyConfig, type ProxyConfig } from '@provenant/proxy';
import { FakeEnclave } from './fake-enclave.js';

/** A proxy (HTTP on an ephemeral port) in front of fake enclaves, with short timeouts for tests. */
export interface Harness {
  readonly url: string;
  readonly service: ProxyService;
  readonly enclaves: FakeEnclave[];
  readonly addresses: string[];
  readonly dir: string;
  readonly logs: string[];
  close(): Promise<void>;
}

export async function startHarness(options: { count?: number; transport?: 'unix' | 'tcp'; config?: Partial<ProxyConfig> & Record<string, unknown> } = {}): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'prv-proxy-'));
  const enclaves: FakeEnclave[] = [];
  const addresses: string[] = [];
  for (let i = 0; i < (options.count ?? 1); i++) {
    const fake = new FakeEnclave();
    const requested = options.transport === 'tcp' ? 'tcp://127.0.0.1:0' : `unix://${path.join(dir, `enclave-${i}.sock`)}`;
    addresses.push(await fake.start(requested));
    enclaves.push(fake);
  }
  const config = parseProxyConfig({
    enclaves: addresses,
    port: 0,
    reconnectInitialMs: 10,
    reconnectMaxMs: 40,
    connectTimeoutMs: 2_000,
    requestTimeoutMs: 5_000,
    ...options.config,
  });
  const logs: string[] = [];
  const service = new ProxyService(config, { log: (line) => logs.push(line) });
  const url = await service.start();
  await waitFor(() => service.pool.connectedCount === enclaves.length, 'every fake enclave connected');
  return {
    url,
    service,
    enclaves,
    addresses,
    dir,
    logs,
    async close() {
      await service.stop();
      await Promise.all(enclaves.map((fake) => fake.stop()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls a condition driven by socket events (bounded; fails with a clear message instead of hanging). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function getJson(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as Record<string, unknown>, headers: response.headers };
}
