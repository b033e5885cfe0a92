import http from 'node:http';
import { processCpuNs } from './process-cpu.js';

export interface LoadTarget {
  readonly url: string;
  readonly body: Uint8Array;
  /** Server processes whose on-CPU time the measured requests are charged with (not the warm-up's). */
  readonly serverPids?: readonly number[];
}

export interface LoadOptions extends LoadTarget {
  readonly concurrency: number;
  readonly warmupRequests: number;
  readonly requests: number;
}

export interface LoadResult {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requestsPerSecond: number;
  readonly errors: number;
  /** The server processes' on-CPU time per measured request (ms); undefined without /proc. */
  readonly serverCpuMsPerRequest: number | undefined;
}

export interface InterleavedOptions {
  readonly concurrency: number;
  readonly warmupRequests: number;
  /** Measured requests per target, spread evenly over the rounds. */
  readonly requests: number;
  readonly rounds: number;
}

/**
 * Closed-loop load: `concurrency` workers each send the next request as soon as the previous answer is
 * read, over keep-alive connections, so every target is measured the same way by the same client.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const [result] = await runInterleaved([options], { ...options, rounds: 1 });
  return result as LoadResult;
}

/**
 * Measures several targets in turns: round after round, each target takes its share of the requests. A
 * shared machine drifts (other tenants, frequency, the host's scheduling) over the minutes one target
 * would take alone; in turns, every target samples the same stretches of time, so drift moves them
 * together instead of biasing whichever ran last. Each turn begins with 4 uncounted requests per client.
 * Latency percentiles pool all of a target's counted requests; requests/s is their number over the time
 * they took.
 */
export async function runInterleaved(targets: readonly LoadTarget[], options: InterleavedOptions): Promise<LoadResult[]> {
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: options.concurrency }));
  try {
    for (const [i, target] of targets.entries()) await drive(target, options.concurrency, agents[i] as http.Agent, options.warmupRequests, []);
    const totals = targets.map(() => ({ latencies: [] as number[], elapsedNs: 0n, requests: 0, errors: 0, cpuNs: 0n as bigint | undefined }));
    for (let round = 0; round < options.rounds; round++) {
      // The remainder goes to the first rounds so that the totals come out exactly at `requests`.
      const share = Math.floor(options.requests / options.rounds) + (round < options.requests % options.rounds ? 1 : 0);
      if (share === 0) continue;
      for (const [i, target] of targets.entries()) {
        const total = totals[i] as (typeof totals)[number];
        // The server sat idle through the other targets' turns: a few uncounted requests let each turn
        // start from a running server, as one long run would, instead of charging its ramp-up to the turn.
        await drive(target, options.concurrency, agents[i] as http.Agent, 4 * options.concurrency, []);
        const cpuBefore = processCpuNs(target.serverPids ?? []);
        const started = process.hrtime.bigint();
        total.errors += await drive(target, options.concurrency, agents[i] as http.Agent, share, total.latencies);
        total.elapsedNs += process.hrtime.bigint() - started;
        const cpuAfter = processCpuNs(target.serverPids ?? []);
        total.requests += share;
        total.cpuNs = cpuBefore === undefined || cpuAfter === undefined || total.cpuNs === undefined ? undefined : total.cpuNs + cpuAfter - cpuBefore;
      }
    }
    return totals.map((total, i) => {
      total.latencies.sort((a, b) => a - b);
      return {
        p50Ms: percentile(total.latencies, 0.5),
        p99Ms: percentile(total.latencies, 0.99),
        requestsPerSecond: total.requests / (Number(total.elapsedNs) / 1e9),
        errors: total.errors,
        serverCpuMsPerRequest: total.cpuNs === undefined || targets[i]?.serverPids === undefined ? undefined : Number(total.cpuNs) / 1e6 / total.requests,
      };
    });
  } finally {
    for (const agent of agents) agent.destroy();
  }
}

async function drive(target: LoadTarget, concurrency: number, agent: http.Agent, total: number, latencies: number[]): Promise<number> {
  let issued = 0;
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (issued < total) {
      issued++;
      const started = process.hrtime.bigint();
      const status = await post(target.url, target.body, agent);
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (status !== 200) errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
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
