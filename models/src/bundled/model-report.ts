import { createHash } from 'node:crypto';
import { decodeModel, encodeModel, type OnnxValueInfo } from '@provenant/onnx';
import { argmax } from '../training/deterministic-exp.js';
import { evaluateModel } from '../reference/evaluate-graph.js';
import { INPUT_NAME, OUTPUT_NAME, type BundledModelName, type TrainedBundle } from './bundled-model.js';

/** What manifest.json says about one model. Everything in it is a pure function of the bytes and data. */
export interface ManifestEntry {
  readonly name: BundledModelName;
  readonly description: string;
  readonly file: string;
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly inputs: readonly TensorSignature[];
  readonly outputs: readonly TensorSignature[];
  readonly classes: readonly string[];
  readonly dataset: string;
  readonly trainSamples: number;
  readonly testSamples: number;
  /** Top-1 accuracy of the written model (reference evaluator) on the held-out samples. */
  readonly testAccuracy: number;
  readonly sample: { readonly file: string; readonly label: string; readonly predicted: string };
}

export interface TensorSignature {
  readonly name: string;
  readonly datatype: 'FP32';
  readonly shape: readonly (number | string)[];
}

/** A KServe v2 / Open Inference Protocol request body with one sample. */
export interface InferenceRequestSample {
  readonly inputs: readonly [{ name: string; shape: number[]; datatype: 'FP32'; data: number[] }];
}

export interface BuiltModel {
  readonly bytes: Uint8Array;
  readonly entry: ManifestEntry;
  readonly sample: InferenceRequestSample;
}

const EVAL_BATCH = 500; // bounds the reference evaluator's intermediate tensors

export function reportModel(bundle: TrainedBundle, description: string): BuiltModel {
  const bytes = encodeModel(bundle.model);
  // Measure what was encoded: decode the bytes rather than trusting the in-memory object.
  const decoded = decodeModel(bytes);
  const width = bundle.test.width;
  let correct = 0;
  let firstPrediction = -1;
  for (let start = 0; start < bundle.test.count; start += EVAL_BATCH) {
    const count = Math.min(EVAL_BATCH, bundle.test.count - start);
    const input = { dims: [count, ...bundle.sampleShape], data: bundle.test.features.subarray(start * width, (start + count) * width) };
    const logits = evaluateModel(decoded, { [INPUT_NAME]: input })[OUTPUT_NAME]!;
    const classes = bundle.classes.length;
    for (let i = 0; i < count; i++) {
      const predicted = argmax(logits.data, i * classes, classes);
      if (start + i === 0) firstPrediction = predicted;
      if (predicted === bundle.test.labels[start + i]) correct += 1;
    }
  }
  const sampleData = Array.from(bundle.test.features.subarray(0, width), shortestFloat32);
  const sample: InferenceRequestSample = {
    inputs: [{ name: INPUT_NAME, shape: [1, ...bundle.sampleShape], datatype: 'FP32', data: sampleData }],
  };
  const entry: ManifestEntry = {
    name: bundle.name,
    description,
    file: `${bundle.name}.onnx`,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    inputs: decoded.graph.inputs.map(signature),
    outputs: decoded.graph.outputs.map(signature),
    classes: bundle.classes,
    dataset: bundle.dataset,
    trainSamples: bundle.trainSamples,
    testSamples: bundle.test.count,
    testAccuracy: Math.round((correct / bundle.test.count) * 10000) / 10000,
    sample: { file: `samples/${bundle.name}.json`, label: bundle.classes[bundle.test.labels[0]!]!, predicted: bundle.classes[firstPrediction]! },
  };
  return { bytes, entry, sample };
}

function signature(info: OnnxValueInfo): TensorSignature {
  return { name: info.name, datatype: 'FP32', shape: (info.type?.shape ?? []).map((dim) => dim.dimParam ?? dim.dimValue ?? '?') };
}

/** Shortest decimal that parses back to the same float32, so sample files read like the data set. */
export function shortestFloat32(value: number): number {
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = Number(value.toPrecision(digits));
    if (Math.fround(candidate) === value) return candidate;
  }
  return value;
}
