import { attr, buildModel, float32Tensor, graph, node, TensorDataType, tensorValueInfo } from '@provenant/onnx';
import { IRIS_CLASSES, IRIS_SOURCE, loadIris } from '../datasets/iris-dataset.js';
import { selectRows, type LabelledSet } from '../datasets/labelled-set.js';
import { Prng, range } from '../prng.js';
import { trainMlp, type MlpWeights } from '../training/mlp-trainer.js';
import { BATCH_DIM, GENERATOR_VERSION, INPUT_NAME, OUTPUT_NAME, PRODUCER_NAME, type BundledModelDefinition } from './bundled-model.js';

const SPLIT_SEED = 0x1415;
const TRAIN_SEED = 0x1926;
const TEST_SAMPLES = 30;
const HIDDEN = 16;

/**
 * 4 -> 16 -> 3 MLP on raw measurements in cm. Training runs on standardized features; the
 * standardization is then folded into the first Gemm, so clients send plain measurements.
 */
export const IRIS: BundledModelDefinition = {
  name: 'iris',
  description: 'Iris species classifier: 4 measurements (cm) -> 3 logits (setosa, versicolor, virginica)',
  train() {
    const all = loadIris();
    const order = range(all.count);
    new Prng(SPLIT_SEED).shuffle(order);
    const test = selectRows(all, order.subarray(0, TEST_SAMPLES));
    const train = selectRows(all, order.subarray(TEST_SAMPLES));
    const { mean, std } = columnStats(train);
    const standardized = new Float32Array(train.features.length);
    for (let i = 0; i < standardized.length; i++) standardized[i] = (train.features[i]! - mean[i % 4]!) / std[i % 4]!;
    const weights = trainMlp(
      { ...train, features: standardized },
      { hidden: HIDDEN, classes: 3, epochs: 300, batchSize: 16, learningRate: 0.05, learningRateDecay: 0.995, momentum: 0.9, seed: TRAIN_SEED },
    );
    const folded = foldStandardization(weights, mean, std);
    const model = buildModel({
      producerName: PRODUCER_NAME,
      producerVersion: GENERATOR_VERSION,
      metadata: { dataset: IRIS_SOURCE, classes: IRIS_CLASSES.join(',') },
      graph: graph({
        name: 'iris',
        nodes: [
          node('Gemm', [INPUT_NAME, 'fc1.weight', 'fc1.bias'], ['fc1'], [attr.int('transB', 1)], { name: 'fc1' }),
          node('Relu', ['fc1'], ['relu1'], [], { name: 'relu1' }),
          node('Gemm', ['relu1', 'fc2.weight', 'fc2.bias'], [OUTPUT_NAME], [attr.int('transB', 1)], { name: 'fc2' }),
        ],
        initializers: [
          float32Tensor('fc1.weight', [HIDDEN, 4], folded.w1),
          float32Tensor('fc1.bias', [HIDDEN], folded.b1),
          float32Tensor('fc2.weight', [3, HIDDEN], folded.w2),
          float32Tensor('fc2.bias', [3], folded.b2),
        ],
        inputs: [tensorValueInfo(INPUT_NAME, TensorDataType.FLOAT, [BATCH_DIM, 4])],
        outputs: [tensorValueInfo(OUTPUT_NAME, TensorDataType.FLOAT, [BATCH_DIM, 3])],
      }),
    });
    return { name: 'iris', model, test, sampleShape: [4], classes: IRIS_CLASSES, dataset: IRIS_SOURCE, trainSamples: train.count };
  },
};

function columnStats(set: LabelledSet): { mean: Float64Array; std: Float64Array } {
  const mean = new Float64Array(set.width);
  const std = new Float64Array(set.width);
  for (let i = 0; i < set.features.length; i++) mean[i % set.width] = mean[i % set.width]! + set.features[i]!;
  for (let c = 0; c < set.width; c++) mean[c] = mean[c]! / set.count;
  for (let i = 0; i < set.features.length; i++) {
    const d = set.features[i]! - mean[i % set.width]!;
    std[i % set.width] = std[i % set.width]! + d * d;
  }
  for (let c = 0; c < set.width; c++) std[c] = Math.sqrt(std[c]! / set.count);
  return { mean, std };
}

/** W1 (x - mean) / std + b1 = (W1 / std) x + (b1 - W1 mean / std). */
function foldStandardization(weights: MlpWeights, mean: Float64Array, std: Float64Array): MlpWeights {
  const { inputs, hidden } = weights;
  const w1 = new Float32Array(weights.w1.length);
  const b1 = new Float32Array(hidden);
  for (let j = 0; j < hidden; j++) {
    let shift = weights.b1[j]!;
    for (let k = 0; k < inputs; k++) {
      const w = weights.w1[j * inputs + k]! / std[k]!;
      w1[j * inputs + k] = w;
      shift -= w * mean[k]!;
    }
    b1[j] = shift;
  }
  return { ...weights, w1, b1 };
}
