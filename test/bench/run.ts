import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, startChild, startLocalStack, stopChild, waitForLine } from '@provenant/cli/dev';
import { runLoad, type LoadResult } from './load-generator.js';

/**
 * `npm run bench`: the same model, client and machine for every target, measured one after the other:
 * (a) a plain HTTP server calling onnxruntime-node, (b) proxy -> enclave in session mode, (c) batched,
 * (d) attested. Prints p50/p99 latency, requests/s and the ratios against (a).
 * Env: BENCH_MODELS (comma list, default iris,mnist-mlp), BENCH_REQUESTS (default 2000).
 */
const MODELS = (process.env.BENCH_MODELS ?? 'iris,mnist-mlp').split(',');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const LEVELS = [
  { name: 'latency (1 client)', concurrency: 1 },
  { name: 'throughput (16 clients)', concurrency: 16 },
] as const;
const MODES = ['session', 'batched', 'attested'] as const;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const MODEL_DIR = path.join(REPO_ROOT, 'models', 'out');

const stateDir = await mkdtemp(path.join(os.tmpdir(), 'provenant-bench-'));
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const stack = await startLocalStack({ port: 0, stateDir, modelDir: MODEL_DIR, log: quiet });
try {
  console.log(`# Provenant benchmark — ${new Date().toISOString()}`);
  console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${REQUESTS} requests per row after warm-up\n`);
  for (const model of MODELS) {
    const sample = JSON.parse(await readFile(path.join(MODEL_DIR, 'samples', `${model}.json`), 'utf8')) as Record<string, unknown>;
    const baseline = startChild('baseline', path.join(HERE, 'baseline-server.js'), [path.join(MODEL_DIR, `${model}.onnx`)], process.stderr);
    try {
      const [, baselineUrl] = (await waitForLine(baseline, /listening on (\S+)/, 30_000)) as unknown as [string, string];
      for (const level of LEVELS) {
        const rows: [string, LoadResult][] = [];
        const load = (url: string, mode?: string) =>
          runLoad({
            url,
            body: Buffer.from(JSON.stringify(mode === undefined ? sample : { ...sample, parameters: { receipt_mode: mode } })),
            concurrency: level.concurrency,
            warmupRequests: Math.min(300, REQUESTS),
            requests: REQUESTS,
          });
        rows.push(['(a) plain onnxruntime HTTP', await load(`${baselineUrl}/v2/models/${model}/infer`)]);
        for (const [i, mode] of MODES.entries()) {
          rows.push([`(${'bcd'[i]}) proxy -> enclave, ${mode}`, await load(`${stack.url}/v2/models/${model}/infer`, mode)]);
        }
        printTable(`${model} — ${level.name}`, rows);
      }
    } finally {
      await stopChild(baseline, 5_000);
    }
  }
} finally {
  await stack.stop();
  await rm(stateDir, { recursive: true, force: true });
}

function printTable(title: string, rows: [string, LoadResult][]): void {
  const base = rows[0]![1];
  console.log(`## ${title}\n`);
  console.log('| target | p50 ms | p99 ms | req/s | p50 vs (a) | req/s vs (a) | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, r] of rows) {
    console.log(
      `| ${name} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${r.requestsPerSecond.toFixed(0)} | ` +
        `${(r.p50Ms / base.p50Ms).toFixed(2)}x | ${((100 * r.requestsPerSecond) / base.requestsPerSecond).toFixed(0)}% | ${r.errors} |`,
    );
  }
  console.log('');
}
