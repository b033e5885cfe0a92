import http from 'node:http';
import { processCpuNs } from './process-cpu.js';

export interface LoadOptions {
  readonly url: string;
  readonly body: Uint8Array;
  readonly concurrency: number;
  readonly warmupRequests: number;
  readonly requests: number;
  /** Server processes whose on-CPU time the measured requests are charged with (not the warm-up's). */
  readonly serverPids?: readonly number[];
}

export interface LoadResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requestsPerSecond: number;
  readonly errors: number;
  /** The server processes' on-CPU time per measured request (ms); undefined without /proc. */
  readonly serverCpuMsPerRequest: number | undefined;
}

/**
 * Closed-loop load: `concurrency` workers each send the next request as soon as the previous answer is
 * read, over keep-alive connections, so every target is measured the same way by the same client.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  try {
    await drive(options, agent, options.warmupRequests, []);
    const latencies: number[] = [];
    const cpuBefore = processCpuNs(options.serverPids ?? []);
    const started = process.hrtime.bigint();
    const errors = await drive(options, agent, options.requests, latencies);
    const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuAfter = processCpuNs(options.serverPids ?? []);
    latencies.sort((a, b) => a - b);
    return {
      p50Ms: percentile(latencies, 0.5),
      p99Ms: percentile(latencies, 0.99),
      requestsPerSecond: options.requests / elapsedS,
      errors,
      serverCpuMsPerRequest:
        cpuBefore === undefined || cpuAfter === undefined || options.serverPids === undefined ? undefined : Number(cpuAfter - cpuBefore) / 1e6 / options.requests,
    };
  } finally {
    agent.destroy();
  }
}

async function drive(options: LoadOptions, agent: http.Agent, total: number, latencies: number[]): Promise<number> {
  let issued = 0;
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (issued < total) {
      issued++;
      const started = process.hrtime.bigint();
      const status = await post(options.url, options.body, agent);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (status !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return errors;
}

function post(url: string, body: Uint8Array, agent: http.Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': body.length } }, (response) => {
      response.resume();
      response.once('end', () => resolve(response.statusCode ?? 0));
      response.once('error', reject);
    });
    request.once('error', reject);
    request.end(body);
  });
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}
