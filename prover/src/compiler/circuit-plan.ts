import { TensorDataType, tensorToFloat32, tensorToInt64, type OnnxModel, type OnnxTensor } from '@provenant/onnx';
import { createError } from '@provenant/protocol';
import { elementCount, type ConstTensor } from './circuit-tensor.js';

/** At most 2^20 input elements: the witness holds one field element (plus range bits) per element. */
export const MAX_CIRCUIT_INPUT_ELEMENTS = 1 << 20;

/** What compilation learns from the graph once: the single input and output and the constants. */
export interface CircuitPlan {
  readonly model: OnnxModel;
  readonly inputName: string;
  readonly inputShape: readonly number[];
  readonly outputName: string;
  readonly constants: ReadonlyMap<string, ConstTensor>;
}

function unsupported(detail: string): never {
  throw createError('PRV_ERR_ZK_UNSUPPORTED', detail);
}

export function constFromTensor(t: OnnxTensor, where: string): ConstTensor {
  if (t.dataType === TensorDataType.FLOAT) return { kind: 'const', shape: t.dims, data: tensorToFloat32(t) };
  if (t.dataType === TensorDataType.INT64) {
    const ints = tensorToInt64(t);
    return { kind: 'const', shape: t.dims, data: Float32Array.from(ints, Number), ints };
  }
  return unsupported(`${where}: constant of ONNX data type ${t.dataType} (only float and int64 constants are supported)`);
}

export function planCircuit(model: OnnxModel): CircuitPlan {
  const g = model.graph;
  const constants = new Map<string, ConstTensor>();
  for (const init of g.initializers) constants.set(init.name ?? '', constFromTensor(init, `initializer ${init.name ?? ''}`));
  const inputs = g.inputs.filter((i) => !constants.has(i.name));
  if (inputs.length !== 1) unsupported(`the graph must have exactly one non-constant input, it has ${inputs.length}`);
  if (g.outputs.length !== 1) unsupported(`the graph must have exactly one output, it has ${g.outputs.length}`);
  const input = inputs[0]!;
  if (input.type?.elemType !== TensorDataType.FLOAT) unsupported(`input ${input.name} must be a float tensor`);
  const dims = input.type.shape;
  if (dims === undefined || dims.length === 0) unsupported(`input ${input.name} has no static shape`);
  // A symbolic or zero leading dimension is the batch: a circuit proves one sample.
  const inputShape = dims.map((d, i) => {
    if (d.dimValue !== undefined && d.dimValue > 0) return d.dimValue;
    if (i === 0) return 1;
    return unsupported(`input ${input.name} dimension ${i} is not fixed`);
  });
  const n = elementCount(inputShape);
  if (n > MAX_CIRCUIT_INPUT_ELEMENTS) unsupported(`input has ${n} elements, more than MAX_CIRCUIT_INPUT_ELEMENTS`);
  return { model, inputName: input.name, inputShape, outputName: g.outputs[0]!.name, constants };
}
