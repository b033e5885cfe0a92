import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, startLocalStack } from '@provenant/cli/dev';
import { runLoad, type LoadResult } from './load-generator.js';

/**
 * `npm run bench:plans`: iris under each proof plan of issue 7 on the local stack (mock NSM, zk on with a
 * dev ptau). Per plan: p50/p99 latency until the infer answer (outputs and the attested part), p50/p99 until
 * GET /v1/receipts/{id}?wait=true reports the receipt complete (every proof done), and throughput of whole
 * requests (parameters.wait: answered once proven) relative to all-tee. Keys are made before measuring.
 * Env: BENCH_PLAN_REQUESTS (sequential latency samples per plan, default 10), BENCH_PLAN_LOAD (requests in the
 * throughput run, default 24), BENCH_PLAN_CLIENTS (default 4), BENCH_ZK_CACHE (reuse a key cache directory).
 */
const PLANS: readonly [string, readonly { until: string; mode: 'tee' | 'zk' }[]][] = [
  ['all-tee', [{ until: '@end', mode: 'tee' }]],
  ['[tee, zk]', [{ until: 'relu1', mode: 'tee' }, { until: '@end', mode: 'zk' }]],
  ['[zk, tee]', [{ until: 'relu1', mode: 'zk' }, { until: '@end', mode: 'tee' }]],
  ['[tee, zk, tee]', [{ until: 'fc1', mode: 'tee' }, { until: 'relu1', mode: 'zk' }, { until: '@end', mode: 'tee' }]],
  ['all-zk', [{ until: '@end', mode: 'zk' }]],
];
const SAMPLES = Number(process.env.BENCH_PLAN_REQUESTS ?? 10);
const LOAD_REQUESTS = Number(process.env.BENCH_PLAN_LOAD ?? 24);
const CLIENTS = Number(process.env.BENCH_PLAN_CLIENTS ?? 4);
const MODEL_DIR = path.join(REPO_ROOT, 'models', 'out');

interface PlanRow {
  readonly name: string;
  readonly setupMs: number;
  readonly attested: readonly number[];
  readonly complete: readonly number[];
  readonly load: LoadResult;
}

const stateDir = await mkdtemp(path.join(os.tmpdir(), 'provenant-bench-plans-'));
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const stack = await startLocalStack({
  port: 0,
  stateDir,
  modelDir: MODEL_DIR,
  zk: { ptau: 'dev', cacheDir: process.env.BENCH_ZK_CACHE ?? path.join(stateDir, 'zk-cache') },
  proxyArgs: ['--request-timeout-ms', '600000'],
  log: quiet,
});
try {
  const sample = JSON.parse(await readFile(path.join(MODEL_DIR, 'samples', 'iris.json'), 'utf8')) as Record<string, unknown>;
  const infer = `${stack.url}/v2/models/iris/infer`;
  console.log(`# Provenant mixed-plan benchmark (iris) — ${new Date().toISOString()}`);
  console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}; ${SAMPLES} sequential requests per plan, then ${LOAD_REQUESTS} with wait from ${CLIENTS} clients\n`);
  const rows: PlanRow[] = [];
  for (const [name, plan] of PLANS) {
    const body = (wait: boolean) => JSON.stringify({ ...sample, parameters: { plan, ...(wait ? { wait: true } : {}) } });
    // The first request of a plan makes its circuits' keys (and, once, the dev ptau): reported, not sampled.
    const started = performance.now();
    await inferAndComplete(infer, stack.url, body(false));
    const setupMs = performance.now() - started;
    const attested: number[] = [];
    const complete: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const [a, c] = await inferAndComplete(infer, stack.url, body(false));
      attested.push(a);
      complete.push(c);
    }
    const load = await runLoad({ url: infer, body: Buffer.from(body(true)), concurrency: CLIENTS, warmupRequests: CLIENTS, requests: LOAD_REQUESTS });
    rows.push({ name, setupMs, attested, complete, load });
    console.error(`bench:plans: ${name} done`);
  }
  printTable(rows);
} finally {
  await stack.stop();
  await rm(stateDir, { recursive: true, force: true });
}

/** One infer (no wait), then the receipt by id with wait: ms until the infer answer and until complete. */
async function inferAndComplete(inferUrl: string, baseUrl: string, body: string): Promise<[number, number]> {
  const started = performance.now();
  const response = await fetch(inferUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const answer = (await response.json()) as { parameters?: { receipt?: { id?: string } }; error?: string };
  const attestedMs = performance.now() - started;
  const id = answer.parameters?.receipt?.id;
  if (response.status !== 200 || id === undefined) throw new Error(`infer failed (${response.status}): ${JSON.stringify(answer).slice(0, 300)}`);
  const receipt = await fetch(`${baseUrl}/v1/receipts/${id}?wait=true`);
  const state = (await receipt.json()) as { status?: string };
  if (state.status !== 'complete') throw new Error(`receipt ${id} ended ${JSON.stringify(state).slice(0, 300)}`);
  return [attestedMs, performance.now() - started];
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

function printTable(rows: readonly PlanRow[]): void {
  const base = rows[0]!.load.requestsPerSecond;
  const ms = (values: readonly number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `${percentile(sorted, 0.5).toFixed(1)} / ${percentile(sorted, 0.99).toFixed(1)}`;
  };
  console.log('| plan | first request (setup) s | attested part p50 / p99 ms | receipt complete p50 / p99 ms | complete req/s | vs all-tee | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    console.log(
      `| ${row.name} | ${(row.setupMs / 1000).toFixed(1)} | ${ms(row.attested)} | ${ms(row.complete)} | ${row.load.requestsPerSecond.toFixed(2)} | ` +
        `${((100 * row.load.requestsPerSecond) / base).toFixed(1)}% | ${row.load.errors} |`,
    );
  }
  console.log('');
}
