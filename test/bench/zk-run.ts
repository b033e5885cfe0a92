import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import ort from 'onnxruntime-node';
import {
  compileOnnx,
  nativeGroth16Available,
  ProverPool,
  setupGroth16,
  verifyGroth16WithSnarkjs,
  type QuantizationConfig,
} from '@provenant/prover';
import { verifyGroth16 } from '@provenant/verifier';
import { REPO_ROOT } from '../support/paths.js';

/**
 * `npm run bench:zk`: for each model, in one run on this machine: circuit size, Groth16 setup (dev ptau;
 * the prepared ptau is cached by power under .provenant/zk-bench-cache, the circuit keys are made fresh),
 * witness, prove through a warm ProverPool (the first, cold proof includes the process start and curve build;
 * then the median of the warm ones), verify (pure JS and snarkjs), proof size, peak memory, where snarkjs
 * spends the warm proof (MSMs vs FFTs), and warm prove time over direct onnxruntime inference. On EZKL's 1l_mlp, EZKL itself
 * (@ezkljs/engine 21.0.0) runs the same input for the prove/verify ratios. When the native prover (prover/native/) is
 * built, a second warm pool with backend 'native' proves the same witness: its warm median, the addon call alone,
 * its steps, and its prove/inference ratio (both verifiers must accept its last proof).
 * Env: ZK_BENCH_MODELS (comma list, default mnist-mlp,mnist-cnn,1l_mlp), ZK_BENCH_PROVES (warm proofs, default 5).
 */
const PROVES = Number(process.env['ZK_BENCH_PROVES'] ?? 5);
const CACHE = path.join(REPO_ROOT, '.provenant', 'zk-bench-cache');
const EZKL_DIR = path.join(REPO_ROOT, '..', 'shared', 'fixtures', 'ezkl-1l-mlp');
const MNIST: QuantizationConfig = { scaleBits: 8, bitWidth: 20, inputRange: [0, 1] };

interface BenchModel {
  readonly name: string;
  readonly onnx: string;
  readonly config: QuantizationConfig;
  readonly input: () => Promise<Float32Array>;
}

const sampleInput = (name: string) => async (): Promise<Float32Array> => {
  const sample = JSON.parse(await readFile(path.join(REPO_ROOT, 'models', 'out', 'samples', `${name}.json`), 'utf8')) as {
    inputs: { data: number[] }[];
  };
  return Float32Array.from(sample.inputs[0]?.data ?? []);
};
const ezklInput = async (): Promise<Float32Array> => {
  const json = JSON.parse(await readFile(path.join(EZKL_DIR, 'input.json'), 'utf8')) as { input_data: number[][] };
  return Float32Array.from(json.input_data[0] ?? []);
};

const MODELS: Readonly<Record<string, BenchModel>> = {
  iris: { name: 'iris', onnx: path.join(REPO_ROOT, 'models', 'out', 'iris.onnx'), config: { scaleBits: 8, bitWidth: 20, inputRange: [0, 10] }, input: sampleInput('iris') },
  'mnist-mlp': { name: 'mnist-mlp', onnx: path.join(REPO_ROOT, 'models', 'out', 'mnist-mlp.onnx'), config: MNIST, input: sampleInput('mnist-mlp') },
  'mnist-cnn': { name: 'mnist-cnn', onnx: path.join(REPO_ROOT, 'models', 'out', 'mnist-cnn.onnx'), config: MNIST, input: sampleInput('mnist-cnn') },
  '1l_mlp': { name: '1l_mlp (EZKL)', onnx: path.join(EZKL_DIR, 'network.onnx'), config: { scaleBits: 8, bitWidth: 16, inputRange: [-4, 4] }, input: ezklInput },
};
const SELECTED = (process.env['ZK_BENCH_MODELS'] ?? 'mnist-mlp,mnist-cnn,1l_mlp').split(',');

const ms = (start: number): number => performance.now() - start;
const fmt = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

async function onnxruntimeMs(model: BenchModel, input: Float32Array, inputShape: readonly number[]): Promise<number> {
  const session = await ort.InferenceSession.create(await readFile(model.onnx), { intraOpNumThreads: 1, interOpNumThreads: 1 });
  const feeds = { [session.inputNames[0] as string]: new ort.Tensor('float32', input, [...inputShape]) };
  for (let i = 0; i < 50; i += 1) await session.run(feeds);
  const runs = 500;
  const start = performance.now();
  for (let i = 0; i < runs; i += 1) await session.run(feeds);
  const perRun = ms(start) / runs;
  await session.release();
  return perRun;
}

interface Row {
  readonly model: string;
  readonly constraints: number;
  readonly power: number;
  readonly ptauMs: number | 'cached';
  readonly setupMs: number;
  readonly witnessMs: number;
  readonly coldProveMs: number;
  readonly proveMs: number;
  readonly coreProveMs: number;
  readonly phasesMs: Readonly<Record<string, number>>;
  readonly verifyMs: number;
  readonly snarkjsVerifyMs: number;
  readonly proofBytes: number;
  readonly proveRssMiB: number;
  readonly setupRssMiB: number;
  readonly inferenceMs: number;
  /** The native backend: warm pool median, addon call median, steps; undefined when the addon is not built. */
  readonly native: { readonly proveMs: number; readonly coreProveMs: number; readonly phasesMs: Readonly<Record<string, number>> } | undefined;
}

async function benchNative(setup: Awaited<ReturnType<typeof setupGroth16>>, wtns: Uint8Array): Promise<Row['native']> {
  if (!nativeGroth16Available()) return undefined;
  const pool = new ProverPool({ backend: 'native' });
  const wall: number[] = [];
  const core: number[] = [];
  const phases: Record<string, number>[] = [];
  let proved;
  try {
    for (let i = 0; i <= PROVES; i += 1) {
      const t = performance.now();
      proved = await pool.prove({ zkeyId: setup.digest, zkey: setup.zkey, wtns });
      if (i === 0) continue; // the zkey transfer
      wall.push(ms(t));
      core.push(proved.snarkjsProveMs);
      phases.push({ ...proved.phasesMs });
    }
  } finally {
    await pool.close();
  }
  if (proved === undefined || !verifyGroth16(setup.verificationKey, proved.proof, proved.publicSignals).ok) throw new Error('our verifier rejected the native proof');
  if (!(await verifyGroth16WithSnarkjs(setup.verificationKey, proved.publicSignals, proved.proof))) throw new Error('snarkjs rejected the native proof');
  const phasesMs = Object.fromEntries(Object.keys(phases[0] ?? {}).map((k) => [k, median(phases.map((p) => p[k] ?? 0))]));
  return { proveMs: median(wall), coreProveMs: median(core), phasesMs };
}

async function benchModel(model: BenchModel): Promise<Row> {
  const bytes = new Uint8Array(await readFile(model.onnx));
  const circuit = compileOnnx(bytes, model.config);
  const input = await model.input();
  console.error(`[${model.name}] ${circuit.stats.constraints} constraints; setting up`);
  const circuitCache = path.join(CACHE, 'runs', `${Date.now()}`);
  const ptauStarted = performance.now();
  const stageTimes = new Map<string, number>();
  let last = performance.now();
  const setupStarted = performance.now();
  const setup = await setupGroth16(circuit, {
    ptau: { kind: 'dev' },
    cacheDir: circuitCache,
    ptauCacheDir: CACHE,
    beaconHex: '00',
    onProgress: ({ stage, message }) => {
      if (message === 'computing' || message === 'reused from cache' || message.startsWith('computing ')) {
        stageTimes.set(stage, performance.now() - last);
        last = performance.now();
        console.error(`[${model.name}] ${stage}: ${message}`);
      }
    },
  });
  const zkeyStarted = stageTimes.size > 0 ? [...stageTimes.keys()].indexOf('zkey-0000.zkey') : -1;
  const ptauReused = setup.reusedStages.some((s) => s.endsWith('.prepared.ptau'));
  const totalMs = ms(setupStarted);
  // Time until newZKey started is the ptau (generate + prepare); the rest is the circuit's own setup.
  const ptauMs = [...stageTimes.entries()].slice(0, Math.max(0, zkeyStarted + 1)).reduce((n, [, v]) => n + v, 0) || ms(ptauStarted) - totalMs;
  const setupRssMiB = process.resourceUsage().maxRSS / 1024;
  let witnessMs = 0;
  const proveTimes: number[] = [];
  const coreTimes: number[] = [];
  const phases: Record<string, number>[] = [];
  let coldProveMs = 0;
  let proved;
  let rss = 0;
  let lastWtns: Uint8Array = new Uint8Array();
  const pool = new ProverPool({ backend: 'snarkjs' });
  try {
    // Proof 0 is cold: it starts the process, builds the curve and sends the zkey. The rest are warm.
    for (let i = 0; i <= PROVES; i += 1) {
      const w0 = performance.now();
      const witness = circuit.witness(input);
      witnessMs = ms(w0);
      const p0 = performance.now();
      lastWtns = witness.wtns;
      proved = await pool.prove({ zkeyId: setup.digest, zkey: setup.zkey, wtns: witness.wtns });
      if (i === 0) {
        coldProveMs = ms(p0);
      } else {
        proveTimes.push(ms(p0));
        coreTimes.push(proved.snarkjsProveMs);
        phases.push({ ...proved.phasesMs });
      }
      rss = Math.max(rss, proved.maxRssKiB / 1024);
    }
  } finally {
    await pool.close();
  }
  if (proved === undefined) throw new Error('no proof');
  const phasesMs = Object.fromEntries(Object.keys(phases[0] ?? {}).map((k) => [k, median(phases.map((p) => p[k] ?? 0))]));
  const v0 = performance.now();
  const report = verifyGroth16(setup.verificationKey, proved.proof, proved.publicSignals);
  const verifyMs = ms(v0);
  if (!report.ok) throw new Error(`${model.name}: our verifier rejected the proof`);
  const s0 = performance.now();
  if (!(await verifyGroth16WithSnarkjs(setup.verificationKey, proved.publicSignals, proved.proof))) throw new Error('snarkjs rejected the proof');
  const snarkjsVerifyMs = ms(s0);
  const native = await benchNative(setup, lastWtns);
  return {
    model: model.name,
    constraints: circuit.stats.constraints,
    power: setup.record.ptau.power,
    ptauMs: ptauReused ? 'cached' : ptauMs,
    setupMs: totalMs - (ptauReused ? 0 : ptauMs),
    witnessMs,
    coldProveMs,
    proveMs: median(proveTimes),
    coreProveMs: median(coreTimes),
    phasesMs,
    verifyMs,
    snarkjsVerifyMs,
    proofBytes: JSON.stringify(proved.proof).length,
    proveRssMiB: rss,
    setupRssMiB,
    inferenceMs: await onnxruntimeMs(model, input, circuit.inputShape),
    native,
  };
}

interface EzklTimes {
  readonly witnessMs: number;
  readonly vkMs: number;
  readonly pkMs: number;
  readonly proveMs: number;
  readonly verifyMs: number;
  readonly proofBytes: number;
}

async function benchEzkl(): Promise<EzklTimes> {
  // @ezkljs/engine's Node build is CommonJS generated by wasm-bindgen.
  const ezkl = createRequire(import.meta.url)('@ezkljs/engine/nodejs/ezkl.js') as Record<string, (...args: unknown[]) => unknown>;
  const file = async (name: string) => new Uint8ClampedArray(await readFile(path.join(EZKL_DIR, name)));
  const [compiled, input, srs, settings] = await Promise.all([file('model.compiled'), file('input.json'), file('kzg'), file('settings.json')]);
  const call = (name: string, ...args: unknown[]) => {
    const fn = ezkl[name];
    if (fn === undefined) throw new Error(`@ezkljs/engine has no ${name}`);
    return fn(...args) as Uint8Array;
  };
  let t = performance.now();
  const witness = new Uint8ClampedArray(call('genWitness', compiled, input));
  const witnessMs = ms(t);
  t = performance.now();
  const vk = new Uint8ClampedArray(call('genVk', compiled, srs, true));
  const vkMs = ms(t);
  t = performance.now();
  const pk = new Uint8ClampedArray(call('genPk', vk, compiled, srs));
  const pkMs = ms(t);
  const proveTimes: number[] = [];
  let proof = new Uint8ClampedArray();
  for (let i = 0; i < PROVES; i += 1) {
    t = performance.now();
    proof = new Uint8ClampedArray(call('prove', witness, pk, compiled, srs));
    proveTimes.push(ms(t));
  }
  t = performance.now();
  const ok = ezkl['verify']?.(proof, vk, settings, srs);
  const verifyMs = ms(t);
  if (ok !== true) throw new Error('EZKL did not verify its own proof');
  return { witnessMs, vkMs, pkMs, proveMs: median(proveTimes), verifyMs, proofBytes: proof.length };
}

console.log(`# Provenant zero-knowledge benchmark — ${new Date().toISOString()}`);
console.log(
  `node ${process.version}, ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; snarkjs 0.7.6 Groth16 on BN254, dev ptau; ` +
    `prove through one warm ProverPool process: cold = first proof (process start, curve build, zkey transfer), warm = median of the next ${PROVES}\n`,
);
console.log('| model | constraints | ptau power | ptau gen+prepare ms | setup ms | witness ms | prove ms (cold / warm pool / snarkjs) | native prove ms (warm pool / addon) | verify ms (pure JS) | verify ms (snarkjs) | proof bytes (JSON) | peak RSS prove / setup MiB | onnxruntime ms | prove / inference (warm pool / snarkjs) | native prove / inference (warm pool / addon) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
const rows: Row[] = [];
for (const name of SELECTED) {
  const model = MODELS[name];
  if (model === undefined) throw new Error(`unknown model ${name} (known: ${Object.keys(MODELS).join(', ')})`);
  const r = await benchModel(model);
  rows.push(r);
  console.log(
    `| ${r.model} | ${r.constraints} | ${r.power} | ${r.ptauMs === 'cached' ? 'cached' : fmt(r.ptauMs)} | ${fmt(r.setupMs)} | ${fmt(r.witnessMs)} | ${fmt(r.coldProveMs)} / ${fmt(r.proveMs)} / ${fmt(r.coreProveMs)} | ${r.native === undefined ? 'not built' : `${fmt(r.native.proveMs)} / ${fmt(r.native.coreProveMs)}`} | ${fmt(r.verifyMs)} | ${fmt(r.snarkjsVerifyMs)} | ${r.proofBytes} | ${fmt(r.proveRssMiB)} / ${fmt(r.setupRssMiB)} | ${r.inferenceMs.toFixed(4)} | ${fmt(r.proveMs / r.inferenceMs)} / ${fmt(r.coreProveMs / r.inferenceMs)} | ${r.native === undefined ? '—' : `${fmt(r.native.proveMs / r.inferenceMs)} / ${fmt(r.native.coreProveMs / r.inferenceMs)}`} |`,
  );
}
console.log('\nwhere snarkjs spends a warm proof (median ms per step; msm* are multi-scalar multiplications, B2 on G2; fft = the six FFTs):');
const steps = ['read', 'abc', 'fft', 'join', 'msmA', 'msmB1', 'msmB2G2', 'msmC', 'msmH'];
console.log(`| model | ${steps.join(' | ')} | MSM share |`);
console.log(`| --- | ${steps.map(() => '---').join(' | ')} | --- |`);
for (const r of rows) {
  const total = steps.reduce((n, k) => n + (r.phasesMs[k] ?? 0), 0);
  const msm = steps.filter((k) => k.startsWith('msm')).reduce((n, k) => n + (r.phasesMs[k] ?? 0), 0);
  console.log(`| ${r.model} | ${steps.map((k) => fmt(r.phasesMs[k] ?? NaN)).join(' | ')} | ${((100 * msm) / total).toFixed(0)}% |`);
}
const nativeSteps = ['read', 'abc', 'fft', 'msmA', 'msmB1', 'msmC', 'msmH', 'msmB2G2', 'blind'];
if (rows.some((r) => r.native !== undefined)) {
  console.log('\nwhere the native prover spends a warm proof (median ms per step; fft = the six NTTs and the join; 2 MSM threads):');
  console.log(`| model | ${nativeSteps.join(' | ')} | MSM share |`);
  console.log(`| --- | ${nativeSteps.map(() => '---').join(' | ')} | --- |`);
  for (const r of rows) {
    if (r.native === undefined) continue;
    const p = r.native.phasesMs;
    const total = nativeSteps.reduce((n, k) => n + (p[k] ?? 0), 0);
    const msm = nativeSteps.filter((k) => k.startsWith('msm')).reduce((n, k) => n + (p[k] ?? 0), 0);
    console.log(`| ${r.model} | ${nativeSteps.map((k) => fmt(p[k] ?? NaN)).join(' | ')} | ${((100 * msm) / total).toFixed(0)}% |`);
  }
}
const ours = rows.find((r) => r.model.startsWith('1l_mlp'));
if (ours !== undefined) {
  const e = await benchEzkl();
  console.log(`\nEZKL (@ezkljs/engine 21.0.0, Halo2/KZG, logrows 6) on the same 1l_mlp input, same run:`);
  console.log('| | witness ms | vk ms | pk ms | prove ms | verify ms | proof bytes |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(`| EZKL | ${fmt(e.witnessMs)} | ${fmt(e.vkMs)} | ${fmt(e.pkMs)} | ${fmt(e.proveMs)} | ${fmt(e.verifyMs)} | ${e.proofBytes} |`);
  console.log(`| Provenant | ${fmt(ours.witnessMs)} | (setup ${fmt(ours.setupMs)}) | | ${fmt(ours.proveMs)} warm pool (cold ${fmt(ours.coldProveMs)}, snarkjs ${fmt(ours.coreProveMs)}) | ${fmt(ours.verifyMs)} | ${ours.proofBytes} |`);
  console.log(
    `\nratios (Provenant / EZKL): prove ${(ours.proveMs / e.proveMs).toFixed(3)} warm pool (cold ${(ours.coldProveMs / e.proveMs).toFixed(3)}, snarkjs alone ${(ours.coreProveMs / e.proveMs).toFixed(3)}), verify ${(ours.verifyMs / e.verifyMs).toFixed(3)}`,
  );
}
