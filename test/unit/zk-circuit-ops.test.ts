import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attr, buildModel, encodeModel, float32Tensor, graph, int64Tensor, node, tensorValueInfo, TensorDataType } from '@provenant/onnx';
import { Prng } from '@provenant/models';
import { compileOnnx, type QuantizationConfig } from '@provenant/prover';
import { checkCircuitAgainstReferences } from '../support/zk-circuit-check.js';

const F = TensorDataType.FLOAT;
const CFG: QuantizationConfig = { scaleBits: 8, bitWidth: 20, inputRange: [-4, 4] };
const INPUT_BITS = 12; // 4·2^8 = 1024 needs 11 bits + sign

function rand(prng: Prng, n: number, scale = 1): Float32Array {
  return Float32Array.from({ length: n }, () => prng.uniform(-scale, scale));
}

function model(nodes: ReturnType<typeof node>[], inShape: (number | string)[], outShape: (number | string)[], inits: ReturnType<typeof float32Tensor>[], outType: number = F): Uint8Array {
  return encodeModel(buildModel({ graph: graph({ nodes, inputs: [tensorValueInfo('x', F, inShape)], outputs: [tensorValueInfo('y', outType, outShape)], initializers: inits }) }));
}

function samples(seed: number, count: number, n: number, scale = 3): Float32Array[] {
  const prng = new Prng(seed);
  return Array.from({ length: count }, () => rand(prng, n, scale));
}

test('Gemm with alpha, beta, transB and a broadcast bias, then Relu, matches the integer reference and onnxruntime', async () => {
  const prng = new Prng(1);
  const bytes = model(
    [node('Gemm', ['x', 'w', 'b'], ['h'], [attr.float('alpha', 0.5), attr.float('beta', 2), attr.int('transB', 1)], { name: 'gemm' }), node('Relu', ['h'], ['y'], [], { name: 'relu' })],
    ['N', 5], ['N', 3],
    [float32Tensor('w', [3, 5], rand(prng, 15)), float32Tensor('b', [1, 3], rand(prng, 3))],
  );
  const r = await checkCircuitAgainstReferences(bytes, CFG, samples(2, 6, 5), INPUT_BITS);
  const gemm = r.circuit.stats.perOp.find((o) => o.node === 'gemm')!;
  assert.equal(gemm.constraints, 0, 'a dense layer with constant weights costs no constraints');
  const relu = r.circuit.stats.perOp.find((o) => o.node === 'relu')!;
  assert.equal(relu.constraints, 3 * (8 + 20 + 2), 'fused rescale + ReLU costs k + B + 2 per neuron');
});

test('MatMul with a constant right operand, Add of a constant bias and Add of two computed tensors', async () => {
  const prng = new Prng(3);
  const bytes = model(
    [
      node('MatMul', ['x', 'w1'], ['a'], [], { name: 'mm1' }),
      node('Add', ['a', 'b1'], ['ab'], [], { name: 'bias' }),
      node('MatMul', ['x', 'w2'], ['c'], [], { name: 'mm2' }),
      node('Add', ['ab', 'c'], ['y'], [], { name: 'sum' }),
    ],
    [1, 4], [1, 3],
    [float32Tensor('w1', [4, 3], rand(prng, 12)), float32Tensor('b1', [3], rand(prng, 3)), float32Tensor('w2', [4, 3], rand(prng, 12))],
  );
  await checkCircuitAgainstReferences(bytes, CFG, samples(4, 6, 4), INPUT_BITS);
  // Relu of full-width inputs plus a constant: the output's static bound reaches B bits, so it is
  // range-checked before the commitment packs it as B-bit values.
  const shifted = model([node('Relu', ['x'], ['r']), node('Add', ['r', 'c'], ['y'])], [1, 3], [1, 3], [float32Tensor('c', [3], [1, -2, 0.5])]);
  const r = await checkCircuitAgainstReferences(shifted, { scaleBits: 8, bitWidth: 20 }, samples(9, 3, 3), 20);
  assert.equal(r.circuit.stats.perOp.find((o) => o.node === '(output)' && o.op === 'RangeCheck')?.constraints, 3 * (20 + 1));
});

test('Conv with stride 2 and padding, Relu, MaxPool, Flatten, Gemm and ArgMax', async () => {
  const prng = new Prng(5);
  const nodes = [
    node('Conv', ['x', 'cw', 'cb'], ['c'], [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 1, 1, 1])], { name: 'conv' }),
    node('Relu', ['c'], ['r'], [], { name: 'relu' }),
    node('MaxPool', ['r'], ['p'], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])], { name: 'maxpool' }),
    node('Flatten', ['p'], ['f'], [], { name: 'flatten' }),
    node('Gemm', ['f', 'gw', 'gb'], ['g'], [attr.int('transB', 1)], { name: 'fc' }),
    node('ArgMax', ['g'], ['y'], [attr.int('axis', 1)], { name: 'argmax' }),
  ];
  const inits = [float32Tensor('cw', [2, 1, 3, 3], rand(prng, 18)), float32Tensor('cb', [2], rand(prng, 2)), float32Tensor('gw', [4, 8], rand(prng, 32)), float32Tensor('gb', [4], rand(prng, 4))];
  const argBytes = model(nodes, [1, 1, 8, 8], [1, 1], inits, TensorDataType.INT64);
  const r = await checkCircuitAgainstReferences(argBytes, CFG, samples(6, 6, 64), INPUT_BITS);
  assert.ok(r.argmaxAgreement >= 5 / 6, `argmax agreement ${r.argmaxAgreement}`);
  // The same network without ArgMax, so its float output is held to the error bound too.
  const logits = model(nodes.slice(0, 5).map((n) => (n.outputs[0] === 'g' ? { ...n, outputs: ['y'] } : n)), [1, 1, 8, 8], [1, 4], inits);
  await checkCircuitAgainstReferences(logits, CFG, samples(6, 4, 64), INPUT_BITS);
});

test('AveragePool over a power-of-two and a 3x3 window, Reshape and Identity', async () => {
  const bytes = model(
    [
      node('AveragePool', ['x'], ['a'], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])], { name: 'avg2' }),
      node('AveragePool', ['a'], ['b'], [attr.ints('kernel_shape', [3, 3])], { name: 'avg3' }),
      node('Reshape', ['b', 'shape'], ['c'], [], { name: 'reshape' }),
      node('Identity', ['c'], ['y'], [], { name: 'id' }),
    ],
    [1, 1, 8, 8], [1, 4],
    [int64Tensor('shape', [2], [1, -1]) as ReturnType<typeof float32Tensor>],
  );
  const r = await checkCircuitAgainstReferences(bytes, CFG, samples(7, 4, 64), INPUT_BITS);
  assert.equal(r.circuit.stats.perOp.find((o) => o.node === 'avg2')!.constraints, 0, 'a power-of-two average only relabels the scale');
});

test('an unsupported operator, attribute, layout, constant or oversized node is a compile error naming the node', () => {
  const prng = new Prng(8);
  const w = float32Tensor('w', [3, 3], rand(prng, 9));
  const cases: [string, Uint8Array][] = [
    ['sig', model([node('Sigmoid', ['x'], ['y'], [], { name: 'sig' })], [1, 3], [1, 3], [])],
    ['g1', model([node('Gemm', ['x', 'w'], ['y'], [attr.int('transA', 1)], { name: 'g1' })], [3, 3], [3, 3], [w])],
    ['g2', model([node('Gemm', ['x', 'w'], ['y'], [attr.int('mystery', 1)], { name: 'g2' })], [1, 3], [1, 3], [w])],
    ['cv', model([node('Conv', ['x', 'cw'], ['y'], [attr.ints('dilations', [2, 2])], { name: 'cv' })], [1, 1, 6, 6], [1, 1, 2, 2], [float32Tensor('cw', [1, 1, 3, 3], rand(prng, 9))])],
    ['mm', model([node('MatMul', ['x', 'x'], ['y'], [], { name: 'mm' })], [3, 3], [3, 3], [])],
    ['wide', model([node('Conv', ['x', 'ww'], ['y'], [], { name: 'wide' })], [1, 1, 64, 64], [1, 2048, 64, 64], [float32Tensor('ww', [2048, 1, 1, 1], new Float32Array(2048).fill(0.5))])],
    ['huge', model([node('Gemm', ['x', 'hw'], ['y'], [], { name: 'huge' })], [1, 1], [1, 1], [float32Tensor('hw', [1, 1], [1e30])])],
  ];
  for (const [name, bytes] of cases) {
    assert.throws(() => compileOnnx(bytes, CFG), (e: Error & { code?: string }) => e.code === 'PRV_ERR_ZK_UNSUPPORTED' && e.message.includes(`"${name}"`), name);
  }
});

test('a value outside its declared width is PRV_ERR_ZK_OVERFLOW at witness time, naming the node', () => {
  const bytes = model(
    [node('Gemm', ['x', 'w'], ['h'], [], { name: 'big' }), node('Relu', ['h'], ['y'], [], { name: 'relu' })],
    [1, 2], [1, 2],
    [float32Tensor('w', [2, 2], [100, 0, 0, 100])],
  );
  const c = compileOnnx(bytes, CFG);
  assert.doesNotThrow(() => c.witness(Float32Array.of(1, -1), { salt: 1n }));
  // 30 is outside inputRange's width; without inputRange the input fits 20 bits but 100·30 = 3000
  // exceeds the 2^(20-1-8) = 2048 that a 20-bit value at scale 2^8 can hold.
  assert.throws(() => c.witness(Float32Array.of(30, 0), { salt: 1n }), (e: Error & { code?: string }) => e.code === 'PRV_ERR_ZK_OVERFLOW' && e.message.includes('(input)'));
  const wide = compileOnnx(bytes, { scaleBits: 8, bitWidth: 20 });
  assert.throws(() => wide.witness(Float32Array.of(30, 0), { salt: 1n }), (e: Error & { code?: string }) => e.code === 'PRV_ERR_ZK_OVERFLOW' && e.message.includes('"relu"'));
});

test('the quantization config rejects unknown keys and inconsistent widths', () => {
  const bytes = model([node('Relu', ['x'], ['y'])], [1, 2], [1, 2], []);
  for (const bad of [{ scaleBits: 8, bitWidth: 20, extra: 1 }, { scaleBits: 12, bitWidth: 12 }, { scaleBits: -1, bitWidth: 20 }, { scaleBits: 8, bitWidth: 20, inputRange: [1, 0] }]) {
    assert.throws(() => compileOnnx(bytes, bad as unknown as QuantizationConfig), (e: Error & { code?: string }) => e.code === 'PRV_ERR_ZK_CONFIG_INVALID', JSON.stringify(bad));
  }
});

test('a witness input of the wrong length, a non-finite element or a salt outside the field is PRV_ERR_ZK_INPUT_INVALID', () => {
  const c = compileOnnx(model([node('Relu', ['x'], ['y'])], [1, 2], [1, 2], []), CFG);
  const invalid = (e: Error & { code?: string }) => e.code === 'PRV_ERR_ZK_INPUT_INVALID';
  assert.throws(() => c.witness(Float32Array.of(1)), invalid);
  assert.throws(() => c.witness(Float32Array.of(1, Number.NaN)), invalid);
  assert.throws(() => c.witness(Float32Array.of(1, Number.POSITIVE_INFINITY)), invalid);
  assert.throws(() => c.witness([1, 2] as unknown as Float32Array), invalid);
  assert.throws(() => c.witness(Float32Array.of(1, 2), { salt: -1n }), invalid);
  assert.throws(() => c.witness(Float32Array.of(1, 2), { salt: 1n, outputSalt: 1n << 254n }), invalid);
  assert.deepEqual(Array.from(c.witness(Float32Array.of(-1.5, 1.5), { salt: 1n }).output), [0, 1.5]);
});
