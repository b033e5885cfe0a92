import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import {
  TensorDataType,
  attr,
  buildModel,
  float32Tensor,
  graph,
  int64Tensor,
  node,
  partitionModel,
  tensorValueInfo,
  type OnnxDim,
  type OnnxNode,
  type OnnxTensor,
} from '@provenant/onnx';
import { PLAN_END } from '@provenant/protocol';
import { SESSION_OPTIONS } from '../support/segment-runner.js';

/**
 * Boundary shapes that partitionModel derives (docs/plans.md "Boundary types") against what onnxruntime
 * actually computes: each case cuts right after one op. Expected dims use 'N' for the symbolic batch and
 * '?' for a dim deliberately left unknown.
 */
interface Case {
  readonly name: string;
  readonly op: OnnxNode;
  /** Input x's declared shape; the batch run replaces 'N' with 2. */
  readonly x: (number | string)[];
  readonly initializers?: OnnxTensor[];
  readonly expected: (number | string)[];
}

const zeros = (name: string, dims: number[]) => float32Tensor(name, dims, new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(0.25));

const CASES: Case[] = [
  { name: 'Conv stride 2, dilation 2, asymmetric pads', x: ['N', 2, 11, 9], initializers: [zeros('w', [3, 2, 3, 3])],
    op: node('Conv', ['x', 'w'], ['y'], [attr.ints('strides', [2, 2]), attr.ints('dilations', [2, 2]), attr.ints('pads', [1, 0, 2, 1])]), expected: ['N', 3, 5, 3] },
  { name: 'Conv auto_pad SAME_UPPER', x: ['N', 1, 7, 8], initializers: [zeros('w', [2, 1, 3, 3])],
    op: node('Conv', ['x', 'w'], ['y'], [attr.string('auto_pad', 'SAME_UPPER'), attr.ints('strides', [2, 3])]), expected: ['N', 2, 4, 3] },
  { name: 'Conv auto_pad VALID, grouped', x: ['N', 4, 6, 6], initializers: [zeros('w', [4, 2, 2, 2])],
    op: node('Conv', ['x', 'w'], ['y'], [attr.string('auto_pad', 'VALID'), attr.int('group', 2)]), expected: ['N', 4, 5, 5] },
  { name: 'MaxPool with pads', x: ['N', 3, 9, 9], op: node('MaxPool', ['x'], ['y'], [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), attr.ints('pads', [1, 1, 1, 1])]), expected: ['N', 3, 5, 5] },
  { name: 'MaxPool ceil_mode is left unknown', x: ['N', 1, 6, 6], op: node('MaxPool', ['x'], ['y'], [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [2, 2]), attr.int('ceil_mode', 1)]), expected: ['N', 1, '?', '?'] },
  { name: 'AveragePool 1-D', x: ['N', 2, 10], op: node('AveragePool', ['x'], ['y'], [attr.ints('kernel_shape', [4]), attr.ints('strides', [3])]), expected: ['N', 2, 3] },
  { name: 'Flatten axis 0', x: ['N', 2, 3], op: node('Flatten', ['x'], ['y'], [attr.int('axis', 0)]), expected: [1, '?'] },
  { name: 'Flatten axis -1', x: ['N', 2, 3], op: node('Flatten', ['x'], ['y'], [attr.int('axis', -1)]), expected: ['?', 3] },
  { name: 'Flatten of fixed dims after the batch', x: ['N', 2, 3, 4], op: node('Flatten', ['x'], ['y'], [attr.int('axis', 2)]), expected: ['?', 12] },
  { name: 'Reshape 0 and -1', x: ['N', 4, 6], initializers: [int64Tensor('s', [3], [0, -1, 3])], op: node('Reshape', ['x', 's'], ['y']), expected: ['N', 8, 3] },
  { name: 'Reshape -1 absorbing the batch', x: ['N', 4, 6], initializers: [int64Tensor('s', [2], [-1, 24])], op: node('Reshape', ['x', 's'], ['y']), expected: ['N', 24] },
  { name: 'Reshape -1 mixing the batch is unknown', x: ['N', 4, 6], initializers: [int64Tensor('s', [2], [-1, 12])], op: node('Reshape', ['x', 's'], ['y']), expected: ['?', 12] },
  { name: 'MatMul batched by a matrix', x: ['N', 3, 4], initializers: [zeros('b', [4, 5])], op: node('MatMul', ['x', 'b'], ['y']), expected: ['N', 3, 5] },
  { name: 'MatMul by a vector', x: ['N', 4], initializers: [zeros('b', [4])], op: node('MatMul', ['x', 'b'], ['y']), expected: ['N'] },
  { name: 'Gemm transA', x: [5, 'N'], initializers: [zeros('b', [5, 2])], op: node('Gemm', ['x', 'b'], ['y'], [attr.int('transA', 1)]), expected: ['N', 2] },
  { name: 'Add broadcasting a row', x: ['N', 1, 4], initializers: [zeros('b', [3, 1])], op: node('Add', ['x', 'b'], ['y']), expected: ['N', 3, 4] },
  { name: 'ArgMax keepdims, negative axis', x: ['N', 3, 4], op: node('ArgMax', ['x'], ['y'], [attr.int('axis', -1)]), expected: ['N', 3, 1] },
  { name: 'ArgMax axis 0 dropped', x: ['N', 3], op: node('ArgMax', ['x'], ['y'], [attr.int('keepdims', 0)]), expected: [3] },
];

const asExpected = (dims: readonly OnnxDim[]) => dims.map((d) => d.dimValue ?? d.dimParam ?? '?');

for (const c of CASES) {
  test(`boundary shape after ${c.name} is ${JSON.stringify(c.expected)} and admits what onnxruntime computes`, async () => {
    const model = buildModel({
      graph: graph({
        inputs: [tensorValueInfo('x', TensorDataType.FLOAT, c.x)],
        // The final output's declared type is deliberately unshaped: only propagation may shape y.
        outputs: [{ name: 'z', type: { elemType: c.op.opType === 'ArgMax' ? TensorDataType.INT64 : TensorDataType.FLOAT } }],
        initializers: c.initializers ?? [],
        nodes: [c.op, node('Identity', ['y'], ['z'])],
      }),
    });
    const [first, second] = partitionModel(model, [{ until: 'y', mode: 'tee' }, { until: PLAN_END, mode: 'zk' }]);
    const declared = first!.model.graph.outputs[0]!;
    assert.deepEqual(second!.model.graph.inputs[0], declared, 'both sides declare the boundary alike');
    assert.deepEqual(asExpected(declared.type!.shape!), c.expected);
    const concrete = c.x.map((d) => (typeof d === 'string' ? 2 : d));
    const session = await ort.InferenceSession.create(first!.bytes, SESSION_OPTIONS);
    const x = new ort.Tensor('float32', Float32Array.from({ length: concrete.reduce((a, b) => a * b, 1) }, (_, i) => (i % 7) - 3), concrete);
    const y = (await session.run({ x })).y!;
    assert.equal(y.dims.length, c.expected.length, 'rank');
    c.expected.forEach((dim, i) => {
      if (typeof dim === 'number') assert.equal(y.dims[i], dim, `dim ${i}`);
      if (dim === 'N') assert.equal(y.dims[i], 2, `dim ${i} is the batch`);
    });
    await session.release();
  });
}

test('a value_info that declares only the element type still gets the propagated shape', () => {
  const model = buildModel({
    graph: graph({
      inputs: [tensorValueInfo('x', TensorDataType.FLOAT, ['N', 3])],
      outputs: [tensorValueInfo('z', TensorDataType.FLOAT, ['N', 3])],
      valueInfo: [{ name: 'y', type: { elemType: TensorDataType.FLOAT } }],
      nodes: [node('Relu', ['x'], ['y']), node('Identity', ['y'], ['z'])],
    }),
  });
  const [first] = partitionModel(model, [{ until: 'y', mode: 'tee' }, { until: 'z', mode: 'zk' }]);
  assert.deepEqual(first!.model.graph.outputs, [tensorValueInfo('y', TensorDataType.FLOAT, ['N', 3])]);
});

test('IR 3 graphs list initializers among the inputs; each segment keeps that for the initializers it uses', async () => {
  const model = buildModel({
    irVersion: 3,
    opsetVersion: 8,
    graph: graph({
      inputs: [tensorValueInfo('x', TensorDataType.FLOAT, ['N', 2]), tensorValueInfo('w', TensorDataType.FLOAT, [2, 2]), tensorValueInfo('b', TensorDataType.FLOAT, [2])],
      outputs: [tensorValueInfo('y', TensorDataType.FLOAT, ['N', 2])],
      initializers: [float32Tensor('w', [2, 2], [1, 2, 3, 4]), float32Tensor('b', [2], [0.5, -8])],
      nodes: [node('MatMul', ['x', 'w'], ['m']), node('Add', ['m', 'b'], ['y'])],
    }),
  });
  const [first, second] = partitionModel(model, [{ until: 'm', mode: 'zk' }, { until: 'y', mode: 'tee' }]);
  assert.deepEqual(first!.inputs, ['x']);
  assert.deepEqual(first!.model.graph.inputs.map((i) => i.name), ['x', 'w']);
  assert.deepEqual(second!.model.graph.inputs.map((i) => i.name), ['m', 'b']);
  const one = await ort.InferenceSession.create(first!.bytes, SESSION_OPTIONS);
  const two = await ort.InferenceSession.create(second!.bytes, SESSION_OPTIONS);
  const m = (await one.run({ x: new ort.Tensor('float32', Float32Array.of(1, 1), [1, 2]) })).m!;
  const y = (await two.run({ m })).y!;
  assert.deepEqual([...(y.data as Float32Array)], [4.5, -2]);
  await Promise.all([one.release(), two.release()]);
});
