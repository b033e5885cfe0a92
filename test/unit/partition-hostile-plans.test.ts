import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import {
  AttributeType,
  TensorDataType,
  buildModel,
  decodeModel,
  graph,
  node,
  partitionModel,
  tensorValueInfo,
  type OnnxModel,
} from '@provenant/onnx';
import { Prng } from '@provenant/models';
import { MAX_PLAN_SEGMENTS, PLAN_END, isProvenantError, type ErrorCode, type PlanSegment, type ProofPlan } from '@provenant/protocol';
import { SESSION_OPTIONS } from '../support/segment-runner.js';
import { REPO_ROOT } from '../support/paths.js';

/** iris is input -> fc1 (Gemm) -> relu1 (Relu) -> logits (Gemm), with initializers fc1.weight etc. */
const iris = (): OnnxModel => decodeModel(new Uint8Array(readFileSync(path.join(REPO_ROOT, 'models', 'out', 'iris.onnx'))));

function assertPlanError(model: OnnxModel, plan: unknown, code: ErrorCode): void {
  assert.throws(() => partitionModel(model, plan as ProofPlan), (error: unknown) => isProvenantError(error, code), `${JSON.stringify(plan)} -> ${code}`);
}

const tee = (until: string): PlanSegment => ({ until, mode: 'tee' });
const zk = (until: string): PlanSegment => ({ until, mode: 'zk' });

test('refuses plans that do not fit the graph, each with its own PRV_ERR_PLAN_* code', () => {
  const model = iris();
  assertPlanError(model, [tee('nope'), zk(PLAN_END)], 'PRV_ERR_PLAN_UNKNOWN_TENSOR');
  assertPlanError(model, [tee('fc1'), zk('nope')], 'PRV_ERR_PLAN_UNKNOWN_TENSOR');
  assertPlanError(model, [tee('relu1'), zk('fc1'), tee(PLAN_END)], 'PRV_ERR_PLAN_ORDER');
  assertPlanError(model, [tee('fc1'), zk('fc1'), tee(PLAN_END)], 'PRV_ERR_PLAN_DUPLICATE_CUT');
  assertPlanError(model, [tee('fc1.weight'), zk(PLAN_END)], 'PRV_ERR_PLAN_NOT_A_CUT');
  assertPlanError(model, [tee('input'), zk(PLAN_END)], 'PRV_ERR_PLAN_NOT_A_CUT');
  assertPlanError(model, [tee('fc1'), zk('relu1')], 'PRV_ERR_PLAN_LAST_NOT_OUTPUT');
  assertPlanError(model, [tee('fc1')], 'PRV_ERR_PLAN_LAST_NOT_OUTPUT');
  assertPlanError(model, [tee('logits'), zk(PLAN_END)], 'PRV_ERR_PLAN_EMPTY_SEGMENT');
  assertPlanError(model, [], 'PRV_ERR_PLAN_EMPTY');
  assertPlanError(model, Array.from({ length: MAX_PLAN_SEGMENTS + 1 }, (_, i) => tee(`t${i}`)), 'PRV_ERR_PLAN_TOO_MANY_SEGMENTS');
  assertPlanError(model, [{ until: 'fc1', mode: 'tee', proof: 'groth16' }, zk(PLAN_END)], 'PRV_ERR_PLAN_MALFORMED');
  assertPlanError(model, [{ until: 'fc1', mode: 'sgx' }, zk(PLAN_END)], 'PRV_ERR_PLAN_MALFORMED');
  assertPlanError(model, [tee(PLAN_END), zk('logits')], 'PRV_ERR_PLAN_MALFORMED');
  assertPlanError(model, { until: 'logits', mode: 'tee' }, 'PRV_ERR_PLAN_MALFORMED');
});

test('random plans over the graph names and junk give segments or a PRV_ERR_PLAN_* error, never a crash', () => {
  const model = iris();
  const names = ['input', 'fc1.weight', 'fc1.bias', 'fc1', 'relu1', 'logits', PLAN_END, 'junk', '', '__proto__'];
  const prng = new Prng(3);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(prng.uniform(0, values.length))]!;
  let accepted = 0;
  for (let i = 0; i < 500; i++) {
    const plan = Array.from({ length: Math.floor(prng.uniform(0, 5)) }, () => ({ until: pick(names), mode: pick(['tee', 'zk', 'TEE']) }));
    try {
      const segments = partitionModel(model, plan as ProofPlan);
      assert.equal(segments.length, plan.length);
      accepted++;
    } catch (error) {
      assert.ok(isProvenantError(error) && error.code.startsWith('PRV_ERR_PLAN_'), String(error));
    }
  }
  assert.ok(accepted > 0, 'some random plans are valid');
});

const F = TensorDataType.FLOAT;

test('refuses graphs it cannot cut soundly: subgraphs, a tensor named @end, unsorted nodes', () => {
  const withIf = buildModel({
    graph: graph({
      inputs: [tensorValueInfo('c', TensorDataType.BOOL, []), tensorValueInfo('x', F, [2])],
      outputs: [tensorValueInfo('y', F, [2])],
      nodes: [
        node('Relu', ['x'], ['r']),
        node('If', ['c'], ['y'], [
          { name: 'then_branch', type: AttributeType.GRAPH, g: graph({ inputs: [], outputs: [tensorValueInfo('r', F, [2])], nodes: [] }) },
          { name: 'else_branch', type: AttributeType.GRAPH, g: graph({ inputs: [], outputs: [tensorValueInfo('x', F, [2])], nodes: [] }) },
        ]),
      ],
    }),
  });
  assertPlanError(withIf, [tee('r'), zk(PLAN_END)], 'PRV_ERR_PLAN_UNSUPPORTED_GRAPH');

  const named = (tensor: string) =>
    buildModel({
      graph: graph({
        inputs: [tensorValueInfo('x', F, [2])],
        outputs: [tensorValueInfo('y', F, [2])],
        nodes: [node('Relu', ['x'], [tensor]), node('Relu', [tensor], ['y'])],
      }),
    });
  assertPlanError(named(PLAN_END), [tee(PLAN_END)], 'PRV_ERR_PLAN_UNSUPPORTED_GRAPH');
  // The same graph partitions fine when the plan names its output instead of using the keyword.
  assert.equal(partitionModel(named(PLAN_END), [tee('y')]).length, 1);
  assert.equal(partitionModel(named('h'), [tee('h'), zk(PLAN_END)]).length, 2);

  const unsorted = named('h');
  unsorted.graph.nodes.reverse();
  assertPlanError(unsorted, [tee('h'), zk('y')], 'PRV_ERR_PLAN_UNSUPPORTED_GRAPH');
});

test('a boundary after an op whose types are not propagated needs value_info, and then uses it', async () => {
  const sigmoid = (declared: boolean) =>
    buildModel({
      graph: graph({
        inputs: [tensorValueInfo('x', F, ['N', 3])],
        outputs: [tensorValueInfo('y', F, ['N', 3])],
        valueInfo: declared ? [tensorValueInfo('s', F, ['N', 3])] : [],
        nodes: [node('Sigmoid', ['x'], ['s']), node('Relu', ['s'], ['y'])],
      }),
    });
  assertPlanError(sigmoid(false), [tee('s'), zk(PLAN_END)], 'PRV_ERR_PLAN_UNSUPPORTED_GRAPH');
  const [first, second] = partitionModel(sigmoid(true), [tee('s'), zk(PLAN_END)]);
  assert.deepEqual(first!.model.graph.outputs, [tensorValueInfo('s', F, ['N', 3])]);
  assert.deepEqual(second!.model.graph.inputs, [tensorValueInfo('s', F, ['N', 3])]);
  assert.deepEqual(first!.model.graph.valueInfo, [], 'a boundary is declared as an output, not again as value_info');
  const session = await ort.InferenceSession.create(first!.bytes, SESSION_OPTIONS);
  const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(0, 1, -1), [1, 3]) });
  assert.deepEqual([...(out.s!.data as Float32Array)].map((v) => v.toFixed(4)), ['0.5000', '0.7311', '0.2689']);
  await session.release();
});
