import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, startChild, startLocalStack, stopChild, waitForLine, type Child } from '@provenant/cli/dev';
import { runInterleaved, type LoadResult, type LoadTarget } from './load-generator.js';
import { TIMING_MODELS, writeTimingModel } from './timing-model.js';
import { measureWakeupFloor } from './wakeup-floor.js';

/**
 * `npm run bench`: the same model, client and machine for every target, measured in turns:
 * (a) a plain HTTP server calling onnxruntime-node, (b) proxy -> enclave in session mode, (c) batched,
 * (d) attested. Prints p50/p99 latency, requests/s and the ratios against (a).
 * Models: the bundled iris and mnist-mlp (inference in tens of µs: the rows show the fixed cost of the
 * enclave hop) and timing-cnn and timing-cnn-64, built here (timing-model.ts: ~2 and ~9 ms of real
 * compute). The four targets of a table are measured in turns (runInterleaved), BENCH_ROUNDS rounds of
 * BENCH_REQUESTS / BENCH_ROUNDS each.
 * Env: BENCH_MODELS (comma list, default iris,mnist-mlp,timing-cnn,timing-cnn-64), BENCH_REQUESTS
 * (default 2000), BENCH_ROUNDS (default 10).
 */
const MODELS = (process.env.BENCH_MODELS ?? ['iris', 'mnist-mlp', ...Object.keys(TIMING_MODELS)].join(',')).split(',');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);
const LEVELS = [
  { name: 'latency (1 client)', concurrency: 1 },
  { name: 'throughput (16 clients)', concurrency: 16 },
] as const;
const MODES = ['session', 'batched', 'attested'] as const;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const BUNDLED_DIR = path.join(REPO_ROOT, 'models', 'out');

const stateDir = await mkdtemp(path.join(os.tmpdir(), 'provenant-bench-'));
// One model directory for the enclave and the baseline: the bundled models plus the timing model.
const MODEL_DIR = path.join(stateDir, 'models');
await mkdir(MODEL_DIR);
const samples = new Map<string, Record<string, unknown>>();
for (const model of MODELS.filter((name) => name in TIMING_MODELS)) samples.set(model, await writeTimingModel(MODEL_DIR, model));
for (const model of MODELS.filter((name) => !(name in TIMING_MODELS))) {
  await copyFile(path.join(BUNDLED_DIR, `${model}.onnx`), path.join(MODEL_DIR, `${model}.onnx`));
  samples.set(model, JSON.parse(await readFile(path.join(BUNDLED_DIR, 'samples', `${model}.json`), 'utf8')) as Record<string, unknown>);
}
const quiet = { write: () => true } as unknown as NodeJS.WritableStream;
const stack = await startLocalStack({ port: 0, stateDir, modelDir: MODEL_DIR, log: quiet });
try {
  console.log(`# Provenant benchmark — ${new Date().toISOString()}`);
  console.log(`node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${REQUESTS} requests per row after warm-up, in ${ROUNDS} interleaved rounds`);
  // Other work on the machine skews every row; the load average says how much there was.
  console.log(`load average at start: ${os.loadavg().map((load) => load.toFixed(2)).join(' ')}`);
  // What one more process hop costs here at least; (b) has two more hops than (a) (docs/benchmarks.md).
  const floor = await measureWakeupFloor([50, 2500]);
  console.log(
    `process round trip on this machine (Unix socket, the asking side idle for 0.05 / 2.5 ms): ` +
      `${[...floor.values()].map((us) => us.toFixed(0)).join(' / ')} µs over the idle time\n`,
  );
  for (const model of MODELS) {
    const sample = samples.get(model) as Record<string, unknown>;
    const baseline = startChild('baseline', path.join(HERE, 'baseline-server.js'), [path.join(MODEL_DIR, `${model}.onnx`)], process.stderr);
    try {
      const [, baselineUrl] = (await waitForLine(baseline, /listening on (\S+)/, 30_000)) as unknown as [string, string];
      for (const level of LEVELS) {
        const target = (url: string, serverPids: number[], mode?: string): LoadTarget => ({
          url,
          body: Buffer.from(JSON.stringify(mode === undefined ? sample : { ...sample, parameters: { receipt_mode: mode } })),
          serverPids,
        });
        const targets: [string, LoadTarget][] = [
          ['(a) plain onnxruntime HTTP', target(`${baselineUrl}/v2/models/${model}/infer`, pids(baseline))],
          ...MODES.map((mode, i): [string, LoadTarget] => [
            `(${'bcd'[i]}) proxy -> enclave, ${mode}`,
            target(`${stack.url}/v2/models/${model}/infer`, [...pids(stack.proxy), ...pids(stack.enclave)], mode),
          ]),
        ];
        const results = await runInterleaved(
          targets.map(([, t]) => t),
          { concurrency: level.concurrency, warmupRequests: Math.min(300, REQUESTS), requests: REQUESTS, rounds: ROUNDS },
        );
        printTable(`${model} — ${level.name}`, targets.map(([name], i): [string, LoadResult] => [name, results[i] as LoadResult]));
      }
    } finally {
      await stopChild(baseline, 5_000);
    }
  }
} finally {
  await stack.stop();
  await rm(stateDir, { recursive: true, force: true });
}

function pids(child: Child): number[] {
  return child.process.pid === undefined ? [] : [child.process.pid];
}

function printTable(title: string, rows: [string, LoadResult][]): void {
  const base = rows[0]![1];
  console.log(`## ${title}\n`);
  console.log('| target | p50 ms | p99 ms | req/s | p50 vs (a) | p50 - (a) ms | req/s vs (a) | server CPU ms/req | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, r] of rows) {
    console.log(
      `| ${name} | ${r.p50Ms.toFixed(3)} | ${r.p99Ms.toFixed(3)} | ${r.requestsPerSecond.toFixed(0)} | ` +
        `${(r.p50Ms / base.p50Ms).toFixed(2)}x | ${(r.p50Ms - base.p50Ms).toFixed(3)} | ${((100 * r.requestsPerSecond) / base.requestsPerSecond).toFixed(0)}% | ` +
        `${r.serverCpuMsPerRequest?.toFixed(3) ?? 'n/a'} | ${r.errors} |`,
    );
  }
  console.log('');
}
