import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { decodeModel } from '@provenant/onnx';
import {
  GENERATOR_VERSION,
  BUNDLED_MODELS,
  evaluateModel,
  loadIris,
  mnistSplit,
  type BundledManifest,
  type InferenceRequestSample,
  type LabelledSet,
  type ManifestEntry,
} from '@provenant/models';
import { REPO_ROOT } from '../support/paths.js';

/** Reads what `npm run build:models` wrote (npm test and test:unit run it before the tests). */
const OUT = path.join(REPO_ROOT, 'models', 'out');
const manifest = JSON.parse(readFileSync(path.join(OUT, 'manifest.json'), 'utf8')) as BundledManifest;
const entry = (name: string): ManifestEntry => manifest.models.find((m) => m.name === name)!;

/** Accuracy floors well under what training reaches (iris ~0.97, MNIST ~0.96), above chance by far. */
const ACCURACY_FLOOR: Record<string, number> = { iris: 0.9, 'mnist-mlp': 0.93, 'mnist-cnn': 0.93 };
const EXPECTED_OPS: Record<string, string[]> = {
  iris: ['Gemm', 'Relu', 'Gemm'],
  'mnist-mlp': ['Flatten', 'Gemm', 'Relu', 'Gemm'],
  'mnist-cnn': ['Conv', 'Relu', 'AveragePool', 'Flatten', 'Gemm'],
};

function testSet(name: string): { set: LabelledSet; shape: number[] } {
  if (name === 'iris') {
    // Rebuild the held-out rows from the raw data set: the manifest's sample is the first of them.
    return { set: irisTest(), shape: [4] };
  }
  return { set: mnistSplit().test, shape: [1, 28, 28] };
}

function irisTest(): LabelledSet {
  const bundle = BUNDLED_MODELS.find((m) => m.name === 'iris')!.train();
  assert.ok(loadIris().count === 150);
  return bundle.test;
}

test('the manifest lists every bundled model with the sha256 and size of the exact file bytes', () => {
  assert.equal(manifest.generatorVersion, GENERATOR_VERSION);
  assert.deepEqual(manifest.models.map((m) => m.name), ['iris', 'mnist-mlp', 'mnist-cnn']);
  for (const model of manifest.models) {
    const bytes = readFileSync(path.join(OUT, model.file));
    assert.equal(model.sha256, createHash('sha256').update(bytes).digest('hex'), model.name);
    assert.equal(model.sizeBytes, bytes.length);
    assert.deepEqual(model.outputs, [{ name: 'logits', datatype: 'FP32', shape: ['N', model.classes.length] }]);
    assert.equal(model.inputs[0]!.name, 'input');
    assert.equal(model.inputs[0]!.shape[0], 'N');
    assert.ok(model.testAccuracy >= ACCURACY_FLOOR[model.name]!, `${model.name} accuracy ${model.testAccuracy}`);
    assert.deepEqual(decodeModel(new Uint8Array(bytes)).graph.nodes.map((n) => n.opType), EXPECTED_OPS[model.name]);
  }
});

for (const name of ['iris', 'mnist-mlp', 'mnist-cnn']) {
  test(`${name}: onnxruntime matches the TypeScript reference forward pass within 1e-5 and the manifest accuracy`, async () => {
    const bytes = new Uint8Array(readFileSync(path.join(OUT, entry(name).file)));
    const session = await ort.InferenceSession.create(bytes);
    assert.deepEqual(session.inputNames, ['input']);
    assert.deepEqual(session.outputNames, ['logits']);
    const { set, shape } = testSet(name);
    const classes = entry(name).classes.length;
    const decoded = decodeModel(bytes);
    let correct = 0;
    let maxDiff = 0;
    const batch = 250;
    for (let start = 0; start < set.count; start += batch) {
      const count = Math.min(batch, set.count - start);
      const data = set.features.slice(start * set.width, (start + count) * set.width);
      const dims = [count, ...shape];
      const result = await session.run({ input: new ort.Tensor('float32', data, dims) });
      const logits = result['logits']!.data as Float32Array;
      assert.equal(logits.length, count * classes);
      // The reference interpreter is slow on convolutions: compare every sample of the first batch.
      if (start === 0) {
        const reference = evaluateModel(decoded, { input: { dims, data } })['logits']!.data;
        for (let i = 0; i < logits.length; i++) {
          const diff = Math.abs(logits[i]! - reference[i]!);
          maxDiff = Math.max(maxDiff, diff / Math.max(1, Math.abs(reference[i]!)));
        }
      }
      for (let i = 0; i < count; i++) {
        let best = 0;
        for (let c = 1; c < classes; c++) if (logits[i * classes + c]! > logits[i * classes + best]!) best = c;
        if (best === set.labels[start + i]) correct += 1;
      }
    }
    assert.ok(maxDiff <= 1e-5, `max relative difference ${maxDiff}`);
    // Rounding differences between runtimes may flip a near-tie; allow one sample either way.
    assert.ok(Math.abs(correct / set.count - entry(name).testAccuracy) <= 1 / set.count + 1e-4, `onnxruntime accuracy ${correct / set.count}`);
    await session.release();
  });
}

test('each sample request is a KServe v2 body that onnxruntime classifies as the manifest says', async () => {
  for (const model of manifest.models) {
    const sample = JSON.parse(readFileSync(path.join(OUT, model.sample.file), 'utf8')) as InferenceRequestSample;
    const [input] = sample.inputs;
    assert.equal(input.name, 'input');
    assert.equal(input.datatype, 'FP32');
    assert.equal(input.shape[0], 1);
    assert.equal(input.data.length, input.shape.reduce((a, b) => a * b, 1));
    const session = await ort.InferenceSession.create(readFileSync(path.join(OUT, model.file)));
    const result = await session.run({ input: new ort.Tensor('float32', Float32Array.from(input.data), input.shape) });
    const logits = Array.from(result['logits']!.data as Float32Array);
    assert.equal(model.classes[logits.indexOf(Math.max(...logits))], model.sample.predicted, model.name);
    await session.release();
  }
});
