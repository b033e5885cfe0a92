import type { OnnxModel } from '@provenant/onnx';
import type { LabelledSet } from '../datasets/labelled-set.js';

/**
 * Bump when training, data split or export changes the bytes of any bundled model. It is written
 * into each model (producer_version) and the manifest; build-bundled retrains when it differs.
 */
export const GENERATOR_VERSION = '1';
export const PRODUCER_NAME = 'provenant-models';

export type BundledModelName = 'iris' | 'mnist-mlp' | 'mnist-cnn';

export interface TrainedBundle {
  readonly name: BundledModelName;
  readonly model: OnnxModel;
  /** Held-out samples in the model's input layout; accuracy is measured on them. */
  readonly test: LabelledSet;
  /** Input shape without the batch dimension, e.g. [4] or [1, 28, 28]. */
  readonly sampleShape: readonly number[];
  readonly classes: readonly string[];
  readonly dataset: string;
  readonly trainSamples: number;
}

export interface BundledModelDefinition {
  readonly name: BundledModelName;
  readonly description: string;
  train(): TrainedBundle;
}

export const INPUT_NAME = 'input';
export const OUTPUT_NAME = 'logits';
/** Symbolic batch dimension (dim_param), so a request may carry any number of samples. */
export const BATCH_DIM = 'N';

export const DIGIT_CLASSES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;
