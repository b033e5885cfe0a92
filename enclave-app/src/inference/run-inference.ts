import { createError, isProvenantError, type Tensor, type TensorSpec } from '@provenant/protocol';
import type * as ort from 'onnxruntime-node';
import type { LoadedModel } from '../models/model-registry.js';
import { fromOrtTensor, toOrtTensor } from './tensor-bridge.js';

/**
 * Checks inputs against the model's declared signature before onnxruntime sees them: exactly the
 * declared names, the declared datatype, the declared rank, and every fixed dimension. The tensors are
 * already internally consistent (assertTensorSet ran in parseInferRequest).
 */
export function assertInputsMatch(model: LoadedModel, inputs: readonly Tensor[]): void {
  if (inputs.length !== model.inputs.size) {
    throw mismatch(`model ${model.info.name} takes ${model.inputs.size} inputs (${[...model.inputs.keys()].join(', ')}), got ${inputs.length}`);
  }
  for (const tensor of inputs) {
    const spec = model.inputs.get(tensor.name);
    if (spec === undefined) throw mismatch(`model ${model.info.name} has no input named ${tensor.name}`);
    if (tensor.dtype !== spec.dtype) throw mismatch(`input ${spec.name} must be ${spec.dtype}, got ${tensor.dtype}`);
    if (!shapeFits(spec, tensor.shape)) throw mismatch(`input ${spec.name} must have shape ${formatShape(spec.shape)}, got [${tensor.shape.join(', ')}]`);
  }
}

/** The outputs a request asks for, in the model's order; all of them when the filter is absent. */
export function selectOutputs(model: LoadedModel, requested: readonly string[] | undefined): readonly string[] {
  if (requested === undefined) return model.outputNames;
  const unique = new Set(requested);
  if (unique.size !== requested.length) throw createError('PRV_ERR_INFER_OUTPUT_UNKNOWN', 'an output is named twice');
  for (const name of unique) {
    if (!model.outputNames.includes(name)) throw createError('PRV_ERR_INFER_OUTPUT_UNKNOWN', `model ${model.info.name} has no output named ${name}`);
  }
  return model.outputNames.filter((name) => unique.has(name));
}

/** Runs validated inputs on the model's shared session and returns the selected outputs as wire tensors. */
export async function runInference(model: LoadedModel, inputs: readonly Tensor[], outputNames: readonly string[]): Promise<Tensor[]> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const tensor of inputs) feeds[tensor.name] = toOrtTensor(tensor);
  let results: ort.InferenceSession.OnnxValueMapType;
  try {
    results = await model.session.run(feeds, [...outputNames]);
  } catch (error) {
    throw createError('PRV_ERR_INFER_FAILED', error instanceof Error ? error.message.slice(0, 200) : undefined);
  }
  try {
    return outputNames.map((name) => {
      const value = results[name];
      if (value === undefined) throw createError('PRV_ERR_INFER_FAILED', `onnxruntime returned no ${name}`);
      return fromOrtTensor(name, value);
    });
  } catch (error) {
    throw isProvenantError(error) ? error : createError('PRV_ERR_INFER_FAILED');
  }
}

function shapeFits(spec: TensorSpec, shape: readonly number[]): boolean {
  if (spec.shape.length !== shape.length) return false;
  return spec.shape.every((dim, i) => dim === -1 || dim === shape[i]);
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.map((dim) => (dim === -1 ? '?' : String(dim))).join(', ')}]`;
}

function mismatch(detail: string): Error {
  return createError('PRV_ERR_INFER_INPUT_MISMATCH', detail);
}
