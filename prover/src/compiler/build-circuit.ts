import { createError } from '@provenant/protocol';
import type { OnnxNode } from '@provenant/onnx';
import type { ConstraintSystem } from '../circuit/constraint-system.js';
import { lcSignal, type Lc } from '../circuit/linear-combination.js';
import { decompose, rangeCheckSigned } from '../circuit/gadgets/bits.js';
import { commitmentGadget } from '../commitment/poseidon-circuit.js';
import type { CircuitPlan } from './circuit-plan.js';
import { constFromTensor } from './circuit-plan.js';
import { unsupported, type CircuitTensor, type GraphValue, type OpContext } from './circuit-tensor.js';
import { conv, gemm, matMul } from './ops/linear-ops.js';
import { argMax, averagePool, maxPool } from './ops/pool-ops.js';
import { relu, toScale } from './ops/rescale-ops.js';
import { add, reshapeLike } from './ops/shape-ops.js';
import type { QuantizationConfig } from './quantization-config.js';
import { inputRangeCheck } from './quantization-config.js';

type OpHandler = (ctx: OpContext, inputs: readonly (GraphValue | undefined)[]) => CircuitTensor;

const OPS: Readonly<Record<string, OpHandler>> = {
  Gemm: gemm,
  MatMul: matMul,
  Conv: conv,
  Add: add,
  Relu: (ctx, inputs) => {
    if (ctx.node.attributes.length > 0) unsupported(ctx, 'Relu takes no attributes');
    const x = inputs[0];
    if (x?.kind !== 'circuit') unsupported(ctx, 'the input must be a computed tensor');
    return relu(ctx, x);
  },
  Flatten: reshapeLike,
  Reshape: reshapeLike,
  Identity: reshapeLike,
  AveragePool: averagePool,
  MaxPool: maxPool,
  ArgMax: argMax,
};

export const SUPPORTED_OPS: readonly string[] = [...Object.keys(OPS), 'Constant'];

export interface BuiltCircuit {
  readonly output: CircuitTensor;
  readonly publicSignals: readonly number[];
}

function nodeLabel(node: OnnxNode, index: number): string {
  return `node ${JSON.stringify(node.name || `#${index}`)} (${node.opType})`;
}

/**
 * The whole circuit, in one fixed order (docs/zk.md §Circuit layout): private inputs (the quantized
 * input tensor, two salts), input range checks, the input commitment, the graph's nodes, the output
 * rescale to s, the output commitment, then the public outputs [inputCommitment, outputCommitment,
 * ...clear output]. Run with zero inputs to compile and with real inputs to make a witness.
 */
export function buildCircuit(
  cs: ConstraintSystem,
  plan: CircuitPlan,
  config: QuantizationConfig,
  inputQ: readonly bigint[],
  inputSalt: bigint,
  outputSalt: bigint,
): BuiltCircuit {
  const s = config.scaleBits;
  const inputSignals = inputQ.map((v) => cs.newSignal('privateInput', v));
  const inSalt = cs.newSignal('privateInput', inputSalt);
  const outSalt = cs.newSignal('privateInput', outputSalt);

  cs.beginOp('(input)', 'RangeCheck');
  const check = inputRangeCheck(config);
  const input: CircuitTensor = {
    kind: 'circuit',
    shape: plan.inputShape,
    scale: s,
    items: inputSignals.map((sig, i) => {
      const lc = lcSignal(sig);
      decompose(cs, lc, check.offset, check.bits, `input element ${i}`);
      return { lc, bound: check.bound, err: 2 ** -(s + 1), rangeBits: check.signedBits };
    }),
  };
  cs.endOp();
  cs.beginOp('(input)', 'Commitment');
  const inputCommitment = commitmentGadget(cs, input.items.map((it) => it.lc), lcSignal(inSalt), config.bitWidth);
  cs.endOp();

  const env = new Map<string, GraphValue>(plan.constants);
  env.set(plan.inputName, input);
  plan.model.graph.nodes.forEach((node, index) => {
    const label = nodeLabel(node, index);
    if ((node.domain ?? '') !== '' && node.domain !== 'ai.onnx') unsupported({ label }, `domain ${node.domain} is not supported`);
    if (node.opType === 'Constant') {
      const t = node.attributes.find((a) => a.name === 'value')?.t;
      if (t === undefined || node.attributes.length !== 1) unsupported({ label }, 'only Constant with a tensor value is supported');
      env.set(node.outputs[0] ?? '', constFromTensor(t, label));
      return;
    }
    const handler = OPS[node.opType];
    if (handler === undefined) unsupported({ label }, `operator ${node.opType} is not supported (supported: ${SUPPORTED_OPS.join(', ')})`);
    if (node.outputs.filter((o) => o !== '').length !== 1) unsupported({ label }, 'only single-output nodes are supported');
    const inputs = node.inputs.map((name) => {
      if (name === '') return undefined;
      const v = env.get(name);
      if (v === undefined) unsupported({ label }, `input ${name} is not defined before this node`);
      return v;
    });
    cs.beginOp(node.name || `#${index}`, node.opType);
    env.set(node.outputs[0]!, handler({ cs, config, node, label }, inputs));
    cs.endOp();
  });

  const result = env.get(plan.outputName);
  if (result?.kind !== 'circuit') throw createError('PRV_ERR_ZK_UNSUPPORTED', `graph output ${plan.outputName} is not computed from the input`);
  let output = result;
  if (output.scale > s) {
    cs.beginOp('(output)', 'Rescale');
    output = toScale({ cs, config, node: { inputs: [], outputs: [], opType: 'Rescale', attributes: [] }, label: 'graph output' }, output, s);
    cs.endOp();
  }
  // The commitment packs values as B-bit integers: check any element not already held to B bits.
  const B = config.bitWidth;
  const unchecked = output.items.filter((it) => !(it.rangeBits !== undefined && it.rangeBits <= B) && it.bound >= 1n << BigInt(B - 1));
  if (unchecked.length > 0) {
    cs.beginOp('(output)', 'RangeCheck');
    output.items.forEach((it, i) => {
      if (unchecked.includes(it)) rangeCheckSigned(cs, it.lc, B, `output element ${i}`);
    });
    cs.endOp();
  }
  cs.beginOp('(output)', 'Commitment');
  const outputCommitment = commitmentGadget(cs, output.items.map((it) => it.lc), lcSignal(outSalt), B);
  cs.endOp();

  cs.beginOp('(public)', 'PublicSignals');
  const publicLcs: Lc[] = [inputCommitment, outputCommitment];
  if (config.publicOutput === true) publicLcs.push(...output.items.map((it) => it.lc));
  const publicSignals = publicLcs.map((lc) => {
    const w = cs.newSignal('publicOutput', cs.value(lc));
    cs.enforceEqual(lcSignal(w), lc);
    return w;
  });
  cs.endOp();
  return { output, publicSignals };
}
