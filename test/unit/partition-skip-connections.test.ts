import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import {
  TensorDataType,
  attr,
  buildModel,
  cutCandidates,
  decodeModel,
  encodeModel,
  float32Tensor,
  graph,
  int64Tensor,
  node,
  partitionModel,
  tensorValueInfo,
  type OnnxModel,
} from '@provenant/onnx';
import { Prng } from '@provenant/models';
import { PLAN_END, isProvenantError, parsePlan } from '@provenant/protocol';
import { SESSION_OPTIONS, assertSameTensor, loadSegments, releaseAll, runChain } from '../support/segment-runner.js';
import { assertExactBoundaries } from '../support/segment-structure.js';

/**
 * A graph built to stress the boundary rules: a residual Add (a tensor read by a node two steps later),
 * a graph input read again at the end, a parallel branch, four graph outputs computed at different
 * depths (one INT64), and every op whose shapes partitionModel propagates, with pads, strides, Reshape's
 * 0 and -1 and a broadcasting Add.
 */
function skipNet(): OnnxModel {
  const prng = new Prng(11);
  const weights = (name: string, dims: number[]) =>
    float32Tensor(name, dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => prng.uniform(-0.5, 0.5)));
  const F = TensorDataType.FLOAT;
  return buildModel({
    graph: graph({
      name: 'skipnet',
      inputs: [tensorValueInfo('x', F, ['N', 1, 8, 8])],
      outputs: [
        tensorValueInfo('logits', F, ['N', 6]),
        tensorValueInfo('class', TensorDataType.INT64, ['N']),
        tensorValueInfo('side', F, ['N', 3]),
        tensorValueInfo('aux', F, ['N', 2, 4, 4]),
      ],
      initializers: [
        weights('c1.w', [2, 1, 3, 3]), weights('c1.b', [2]), weights('c2.w', [2, 2, 3, 3]), weights('c2.b', [2]),
        int64Tensor('flat.shape', [2], [0, -1]), int64Tensor('xr.shape', [2], [-1, 64]),
        weights('mm.w', [32, 6]), weights('mm.b', [6]), weights('g.w', [3, 32]), weights('sx.w', [3, 64]), weights('sx.b', [3]),
      ],
      nodes: [
        node('Conv', ['x', 'c1.w', 'c1.b'], ['conv1'], [attr.ints('pads', [1, 1, 1, 1]), attr.ints('strides', [1, 1])]),
        node('Relu', ['conv1'], ['r1']),
        node('MaxPool', ['r1'], ['mp'], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])]),
        node('Identity', ['mp'], ['aux']),
        node('Conv', ['mp', 'c2.w', 'c2.b'], ['conv2'], [attr.ints('kernel_shape', [3, 3]), attr.ints('pads', [1, 1, 1, 1])]),
        node('Add', ['conv2', 'mp'], ['res']),
        node('AveragePool', ['res'], ['ap'], [attr.ints('kernel_shape', [2, 2]), attr.ints('pads', [0, 0, 1, 1])]),
        node('Reshape', ['ap', 'flat.shape'], ['flat']),
        node('MatMul', ['flat', 'mm.w'], ['mm']),
        node('Add', ['mm', 'mm.b'], ['h']),
        node('Identity', ['h'], ['logits']),
        node('ArgMax', ['logits'], ['class'], [attr.int('axis', 1), attr.int('keepdims', 0)]),
        node('Gemm', ['flat', 'g.w'], ['g'], [attr.int('transB', 1)]),
        node('Flatten', ['x'], ['xf'], [attr.int('axis', 1)]),
        node('Reshape', ['xf', 'xr.shape'], ['xr']),
        node('Gemm', ['xr', 'sx.w', 'sx.b'], ['sx'], [attr.int('transB', 1)]),
        node('Add', ['sx', 'g'], ['side']),
      ],
    }),
  });
}

function input(batch: number, seed: number): ort.Tensor {
  const prng = new Prng(seed);
  return new ort.Tensor('float32', Float32Array.from({ length: batch * 64 }, () => prng.uniform(-2, 2)), [batch, 1, 8, 8]);
}

test('skip connections, late reads of graph inputs and early graph outputs: every cut and pair of cuts reproduces the graph bit for bit', async (t) => {
  const model = skipNet();
  const bytes = encodeModel(model);
  const whole = await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  const feeds = [{ x: input(32, 1) }, { x: input(1, 2) }];
  const expected = await Promise.all(feeds.map((f) => whole.run(f)));
  const cuts = cutCandidates(model);
  // Four outputs at different depths: no single tensor needs every node, so every computed tensor is a cut.
  assert.deepEqual(cuts, model.graph.nodes.flatMap((n) => n.outputs));
  const sessions = new Map<string, Promise<ort.InferenceSession>>();
  let chains = 0;
  let refused = 0;
  for (const first of cuts) {
    const firstSegment = partitionModel(model, [{ until: first, mode: 'tee' }, { until: PLAN_END, mode: 'zk' }])[0]!;
    const computedByFirst = new Set(firstSegment.model.graph.nodes.flatMap((n) => n.outputs));
    for (const second of [undefined, ...cuts.filter((c) => c !== first)]) {
      const plan = parsePlan(
        second === undefined
          ? [{ until: first, mode: 'zk' }, { until: PLAN_END, mode: 'tee' }]
          : [{ until: first, mode: 'tee' }, { until: second, mode: 'zk' }, { until: PLAN_END, mode: 'tee' }],
      );
      const label = plan.map((s) => s.until).join(' | ');
      if (second !== undefined && computedByFirst.has(second)) {
        assert.throws(() => partitionModel(model, plan), (e: unknown) => isProvenantError(e, 'PRV_ERR_PLAN_ORDER'), label);
        refused++;
        continue;
      }
      let segments;
      try {
        segments = partitionModel(model, plan);
      } catch (error) {
        // Only a last segment left with nothing to do is a legitimate refusal of a forward-ordered plan.
        assert.ok(isProvenantError(error, 'PRV_ERR_PLAN_EMPTY_SEGMENT'), `${label}: ${String(error)}`);
        refused++;
        continue;
      }
      assertExactBoundaries(model, segments);
      for (const segment of segments) {
        for (const info of [...segment.model.graph.inputs, ...segment.model.graph.outputs]) {
          assert.ok(info.type!.shape!.every((d) => d.dimValue !== undefined || d.dimParam === 'N'), `${label}: ${info.name} fully shaped`);
        }
      }
      const loaded = await loadSegments(segments, sessions);
      for (let i = 0; i < feeds.length; i++) {
        const env = await runChain(loaded, feeds[i]!);
        for (const [name, tensor] of Object.entries(expected[i]!)) assertSameTensor(env.get(name)!, tensor, `${label}: ${name}`);
      }
      chains++;
    }
  }
  t.diagnostic(`${cuts.length} cut points, ${chains} plans run, ${refused} refused as out of order or empty`);
  assert.ok(chains > cuts.length && refused > 0);
  await releaseAll(sessions);
  await whole.release();
});

test('a residual tensor read two segments later is an output of its segment and an input of the reader only', () => {
  const segments = partitionModel(skipNet(), [
    { until: 'mp', mode: 'tee' },
    { until: 'conv2', mode: 'zk' },
    { until: 'logits', mode: 'tee' },
    { until: PLAN_END, mode: 'zk' },
  ]);
  // aux (Identity of mp) and class (ArgMax of logits) feed no cut, so they fall to the last segment,
  // which therefore reads mp and logits as well as the graph input x again.
  assert.deepEqual(segments.map((s) => [...s.inputs]), [['x'], ['mp'], ['mp', 'conv2'], ['x', 'mp', 'flat', 'logits']]);
  assert.deepEqual(segments.map((s) => [...s.outputs]), [['mp'], ['conv2'], ['flat', 'logits'], ['aux', 'class', 'side']]);
  assert.deepEqual(segments[2]!.model.graph.initializers.map((i) => i.name), ['flat.shape', 'mm.w', 'mm.b']);
  const flat = segments[2]!.model.graph.outputs.find((o) => o.name === 'flat')!;
  assert.deepEqual(flat.type, { elemType: TensorDataType.FLOAT, shape: [{ dimParam: 'N' }, { dimValue: 32 }] });
});

test('segments survive their own encode/decode round trip unchanged', () => {
  for (const segment of partitionModel(skipNet(), [{ until: 'res', mode: 'zk' }, { until: 'side', mode: 'tee' }])) {
    assert.deepEqual(encodeModel(decodeModel(segment.bytes)), segment.bytes);
  }
});
