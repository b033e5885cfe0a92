import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadIris, mnistSplit, MNIST_PIXELS } from '@provenant/models';
import { requiredPtauPower, type CompiledCircuit, type QuantizationConfig } from '@provenant/prover';
import { checkCircuitAgainstReferences } from '../support/zk-circuit-check.js';
import { REPO_ROOT, vectorPath } from '../support/paths.js';

/**
 * The bundled models and EZKL's 1l_mlp, compiled with the configs docs/zk.md recommends. Big models
 * get a handful of samples here; npm run bench:zk measures the rest.
 */
const modelBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(path.join(REPO_ROOT, 'models', 'out', `${name}.onnx`)));

function report(t: TestContext, name: string, c: CompiledCircuit): void {
  t.diagnostic(`${name}: ${c.stats.constraints} constraints, ${c.stats.wires} wires; ` + c.stats.perOp.map((o) => `${o.node}/${o.op} ${o.constraints}c ${o.wires}w`).join(', '));
}

const IRIS: QuantizationConfig = { scaleBits: 8, bitWidth: 20, inputRange: [0, 10] };
const MNIST: QuantizationConfig = { scaleBits: 8, bitWidth: 20, inputRange: [0, 1] };

test('iris: 30 samples satisfy the R1CS, equal the integer reference, stay within the error bound and agree on the class', async (t) => {
  const all = loadIris();
  const inputs = Array.from({ length: 30 }, (_, i) => all.features.slice(i * 5 * 4, i * 5 * 4 + 4));
  const r = await checkCircuitAgainstReferences(modelBytes('iris'), IRIS, inputs, 12);
  report(t, 'iris', r.circuit);
  t.diagnostic(`iris: max |circuit - onnxruntime| = ${r.maxAbsError.toFixed(4)}, max bound ${r.maxErrorBound.toFixed(4)}, argmax agreement ${r.argmaxAgreement}`);
  assert.equal(r.argmaxAgreement, 1);
});

test('mnist-mlp (784-128-10): a handful of test digits check out and agree with onnxruntime', async (t) => {
  const test = mnistSplit().test;
  const inputs = [0, 1, 2].map((i) => test.features.slice(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
  const r = await checkCircuitAgainstReferences(modelBytes('mnist-mlp'), MNIST, inputs, 10);
  report(t, 'mnist-mlp', r.circuit);
  t.diagnostic(`mnist-mlp: max |circuit - onnxruntime| = ${r.maxAbsError.toFixed(4)}, max bound ${r.maxErrorBound.toFixed(4)}`);
  assert.equal(r.argmaxAgreement, 1);
  const relu = r.circuit.stats.perOp.find((o) => o.op === 'Relu')!;
  assert.equal(relu.constraints, 128 * (8 + 20 + 2), 'one shared decomposition per hidden neuron');
  assert.equal(r.circuit.stats.perOp.filter((o) => o.op === 'Gemm').reduce((s, o) => s + o.constraints, 0), 0);
  // Pixels in [0, 1] at 2^8 are checked unsigned at 9 bits (plus the recomposition), which keeps the
  // circuit under 2^14 - nPublic - 1 constraints: snarkjs proves it on a 2^14 domain, not 2^15.
  assert.equal(r.circuit.stats.perOp.find((o) => o.node === '(input)' && o.op === 'RangeCheck')?.constraints, 784 * (9 + 1));
  assert.equal(requiredPtauPower(r.circuit.stats.constraints, r.circuit.nPublic), 14);
});

test('mnist-cnn (conv 4x3x3, avgpool, dense): two test digits check out and agree with onnxruntime', async (t) => {
  const test = mnistSplit().test;
  const inputs = [3, 4].map((i) => test.features.slice(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
  const r = await checkCircuitAgainstReferences(modelBytes('mnist-cnn'), MNIST, inputs, 10);
  report(t, 'mnist-cnn', r.circuit);
  t.diagnostic(`mnist-cnn: max |circuit - onnxruntime| = ${r.maxAbsError.toFixed(4)}, max bound ${r.maxErrorBound.toFixed(4)}`);
  assert.equal(r.argmaxAgreement, 1);
});

test("EZKL's 1l_mlp (a PyTorch export made by others) compiles and its witness checks", async (t) => {
  const bytes = new Uint8Array(readFileSync(vectorPath('ezkl-1l-mlp', 'network.onnx')));
  const sample = JSON.parse(readFileSync(vectorPath('ezkl-1l-mlp', 'input.json'), 'utf8')) as { input_data: number[][] };
  const inputs = [Float32Array.from(sample.input_data[0]!), Float32Array.of(-1, 0.5, 2), Float32Array.of(0.1, -0.2, 0.3)];
  const r = await checkCircuitAgainstReferences(bytes, { scaleBits: 8, bitWidth: 16, inputRange: [-4, 4] }, inputs, 12);
  report(t, '1l_mlp', r.circuit);
  assert.deepEqual(r.circuit.inputShape, [1, 3]);
  assert.deepEqual(r.circuit.outputShape, [1, 4]);
});
