import { attr, buildModel, float32Tensor, graph, node, TensorDataType, tensorValueInfo } from '@provenant/onnx';
import { MNIST_SIDE, MNIST_SOURCE } from '../datasets/mnist-dataset.js';
import { mnistSplit } from '../datasets/mnist-split.js';
import { trainMlp } from '../training/mlp-trainer.js';
import { BATCH_DIM, DIGIT_CLASSES, GENERATOR_VERSION, INPUT_NAME, OUTPUT_NAME, PRODUCER_NAME, type BundledModelDefinition } from './bundled-model.js';

const TRAIN_SEED = 0x784;
const HIDDEN = 128;

/** Flatten -> Gemm(784 -> 128) -> Relu -> Gemm(128 -> 10), on [N, 1, 28, 28] images in [0, 1]. */
export const MNIST_MLP: BundledModelDefinition = {
  name: 'mnist-mlp',
  description: 'MNIST digit classifier, 784-128-10 MLP: [N,1,28,28] grey levels in [0,1] -> 10 logits',
  train() {
    const { train, test } = mnistSplit();
    const pixels = MNIST_SIDE * MNIST_SIDE;
    const w = trainMlp(train, {
      hidden: HIDDEN,
      classes: 10,
      epochs: 6,
      batchSize: 32,
      learningRate: 0.05,
      learningRateDecay: 0.75,
      momentum: 0.9,
      seed: TRAIN_SEED,
    });
    const model = buildModel({
      producerName: PRODUCER_NAME,
      producerVersion: GENERATOR_VERSION,
      metadata: { dataset: MNIST_SOURCE, classes: DIGIT_CLASSES.join(',') },
      graph: graph({
        name: 'mnist-mlp',
        nodes: [
          node('Flatten', [INPUT_NAME], ['flat'], [attr.int('axis', 1)], { name: 'flatten' }),
          node('Gemm', ['flat', 'fc1.weight', 'fc1.bias'], ['fc1'], [attr.int('transB', 1)], { name: 'fc1' }),
          node('Relu', ['fc1'], ['relu1'], [], { name: 'relu1' }),
          node('Gemm', ['relu1', 'fc2.weight', 'fc2.bias'], [OUTPUT_NAME], [attr.int('transB', 1)], { name: 'fc2' }),
        ],
        initializers: [
          float32Tensor('fc1.weight', [HIDDEN, pixels], w.w1),
          float32Tensor('fc1.bias', [HIDDEN], w.b1),
          float32Tensor('fc2.weight', [10, HIDDEN], w.w2),
          float32Tensor('fc2.bias', [10], w.b2),
        ],
        inputs: [tensorValueInfo(INPUT_NAME, TensorDataType.FLOAT, [BATCH_DIM, 1, MNIST_SIDE, MNIST_SIDE])],
        outputs: [tensorValueInfo(OUTPUT_NAME, TensorDataType.FLOAT, [BATCH_DIM, 10])],
      }),
    });
    return {
      name: 'mnist-mlp',
      model,
      test,
      sampleShape: [1, MNIST_SIDE, MNIST_SIDE],
      classes: DIGIT_CLASSES,
      dataset: MNIST_SOURCE,
      trainSamples: train.count,
    };
  },
};
