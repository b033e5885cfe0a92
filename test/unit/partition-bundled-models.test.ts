import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { cutCandidates, decodeModel, partitionModel, type OnnxModel } from '@provenant/onnx';
import { loadIris, mnistSplit, MNIST_PIXELS, Prng } from '@provenant/models';
import { PLAN_END, parsePlan, type ProofPlan } from '@provenant/protocol';
import { SESSION_OPTIONS, assertSameTensor, loadSegments, runChain, type Feeds } from '../support/segment-runner.js';
import { assertExactBoundaries } from '../support/segment-structure.js';
import { REPO_ROOT, vectorPath } from '../support/paths.js';

/**
 * The bundled models (built by npm run build:models) and EZKL's 1l_mlp, a PyTorch export made by others,
 * cut at every valid point: the segments run in sequence must give the whole model's outputs bit for bit.
 */
interface Case {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** One batch of many samples, plus single samples (onnxruntime picks other Gemm kernels at M = 1). */
  readonly feeds: Feeds[];
}

function tensor(values: Float32Array, dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', values, dims);
}

function cases(): Case[] {
  const bundled = (name: string) => new Uint8Array(readFileSync(path.join(REPO_ROOT, 'models', 'out', `${name}.onnx`)));
  const iris = loadIris();
  const digits = mnistSplit().test;
  const batch = 64;
  const mnistBatch = digits.features.slice(0, batch * MNIST_PIXELS);
  const singles = [0, 1, 2, 3];
  const mnistFeeds = [
    { input: tensor(mnistBatch, [batch, 1, 28, 28]) },
    ...singles.map((i) => ({ input: tensor(digits.features.slice(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS), [1, 1, 28, 28]) })),
  ];
  const prng = new Prng(7);
  const random = Float32Array.from({ length: batch * 3 }, () => prng.uniform(-4, 4));
  return [
    {
      name: 'iris',
      bytes: bundled('iris'),
      feeds: [{ input: tensor(iris.features, [iris.count, 4]) }, ...singles.map((i) => ({ input: tensor(iris.features.slice(i * 4, i * 4 + 4), [1, 4]) }))],
    },
    { name: 'mnist-mlp', bytes: bundled('mnist-mlp'), feeds: mnistFeeds },
    { name: 'mnist-cnn', bytes: bundled('mnist-cnn'), feeds: mnistFeeds },
    {
      name: 'ezkl-1l-mlp',
      bytes: new Uint8Array(readFileSync(vectorPath('ezkl-1l-mlp', 'network.onnx'))),
      feeds: [{ input: tensor(random, [batch, 3]) }, ...singles.map((i) => ({ input: tensor(random.slice(i * 3, i * 3 + 3), [1, 3]) }))],
    },
  ];
}

/** [tee, zk] and [zk, tee] at every cut, [tee, zk, tee] at every pair of cuts, all-tee and all-zk. */
function plansFor(model: OnnxModel): ProofPlan[] {
  const cuts = cutCandidates(model);
  const output = model.graph.outputs[0]!.name;
  const plans: ProofPlan[] = [parsePlan([{ until: PLAN_END, mode: 'tee' }]), parsePlan([{ until: output, mode: 'zk' }])];
  for (const cut of cuts) {
    plans.push(parsePlan([{ until: cut, mode: 'tee' }, { until: PLAN_END, mode: 'zk' }]));
    plans.push(parsePlan([{ until: cut, mode: 'zk' }, { until: output, mode: 'tee' }]));
  }
  cuts.forEach((first, i) => {
    for (const second of cuts.slice(i + 1)) {
      plans.push(parsePlan([{ until: first, mode: 'tee' }, { until: second, mode: 'zk' }, { until: PLAN_END, mode: 'tee' }]));
    }
  });
  return plans;
}

for (const c of cases()) {
  test(`${c.name}: every plan's segments load on their own and reproduce the whole model bit for bit`, async (t) => {
    const model = decodeModel(c.bytes);
    const whole = await ort.InferenceSession.create(c.bytes, SESSION_OPTIONS);
    const expected = await Promise.all(c.feeds.map((feeds) => whole.run(feeds)));
    const plans = plansFor(model);
    const cuts = cutCandidates(model);
    assert.ok(cuts.length >= 1, 'the model has at least one cut point');
    t.diagnostic(`${c.name}: cut points ${cuts.join(', ')}; ${plans.length} plans`);
    for (const plan of plans) {
      const label = plan.map((s) => `${s.mode}:${s.until}`).join(' | ');
      const segments = partitionModel(model, plan);
      assert.equal(segments.length, plan.length, label);
      assertExactBoundaries(model, segments);
      const loaded = await loadSegments(segments);
      for (const { segment, session } of loaded) {
        assert.deepEqual(session.inputNames, [...segment.inputs], `${label}: segment ${segment.index} onnxruntime inputs`);
        assert.deepEqual(session.outputNames, [...segment.outputs], `${label}: segment ${segment.index} onnxruntime outputs`);
      }
      for (let i = 0; i < c.feeds.length; i++) {
        const env = await runChain(loaded, c.feeds[i]!);
        for (const [name, tensor] of Object.entries(expected[i]!)) assertSameTensor(env.get(name)!, tensor, `${label} feed ${i} output ${name}`);
      }
      await Promise.all(loaded.map(({ session }) => session.release()));
    }
    await whole.release();
  });

  test(`${c.name}: segment bytes are deterministic, independent of the modes, and identified by their sha256`, () => {
    const model = decodeModel(c.bytes);
    const cut = cutCandidates(model)[0]!;
    const a = partitionModel(model, [{ until: cut, mode: 'tee' }, { until: PLAN_END, mode: 'zk' }]);
    const b = partitionModel(decodeModel(c.bytes), [{ until: cut, mode: 'zk' }, { until: model.graph.outputs[0]!.name, mode: 'tee' }]);
    for (let i = 0; i < a.length; i++) {
      assert.deepEqual(a[i]!.bytes, b[i]!.bytes, `segment ${i} bytes`);
      assert.equal(a[i]!.sha256, createHash('sha256').update(a[i]!.bytes).digest('hex'));
      assert.equal(a[i]!.sha256, b[i]!.sha256);
    }
    assert.notEqual(a[0]!.sha256, a[1]!.sha256);
    // A segment re-decoded from its own bytes partitions (as one segment) to the very same bytes.
    const again = partitionModel(decodeModel(a[1]!.bytes), [{ until: PLAN_END, mode: 'tee' }]);
    assert.deepEqual(again[0]!.bytes, a[1]!.bytes);
  });
}
