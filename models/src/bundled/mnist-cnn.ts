import { attr, buildModel, float32Tensor, graph, node, TensorDataType, tensorValueInfo } from '@provenant/onnx';
import { MNIST_SIDE, MNIST_SOURCE } from '../datasets/mnist-dataset.js';
import { mnistSplit } from '../datasets/mnist-split.js';
import { CNN_KERNEL, CNN_POOL, cnnGeometry, trainCnn } from '../training/cnn-trainer.js';
import { BATCH_DIM, DIGIT_CLASSES, GENERATOR_VERSION, INPUT_NAME, OUTPUT_NAME, PRODUCER_NAME, type BundledModelDefinition } from './bundled-model.js';

const TRAIN_SEED = 0xc0111;
const FILTERS = 4;

/** Conv(1->4, 3x3) -> Relu -> AveragePool(2x2) -> Flatten -> Gemm(676 -> 10). */
export const MNIST_CNN: BundledModelDefinition = {
  name: 'mnist-cnn',
  description: 'MNIST digit classifier, small CNN (Conv 1->4 3x3, Relu, AveragePool 2x2, Gemm 676->10): [N,1,28,28] -> 10 logits',
  train() {
    const { train, test } = mnistSplit();
    const { pooled } = cnnGeometry(MNIST_SIDE);
    const flat = FILTERS * pooled * pooled;
    const w = trainCnn(train, MNIST_SIDE, {
      filters: FILTERS,
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
        name: 'mnist-cnn',
        nodes: [
          node(
            'Conv',
            [INPUT_NAME, 'conv1.weight', 'conv1.bias'],
            ['conv1'],
            [attr.ints('kernel_shape', [CNN_KERNEL, CNN_KERNEL]), attr.ints('strides', [1, 1]), attr.ints('pads', [0, 0, 0, 0])],
            { name: 'conv1' },
          ),
          node('Relu', ['conv1'], ['relu1'], [], { name: 'relu1' }),
          node(
            'AveragePool',
            ['relu1'],
            ['pool1'],
            [attr.ints('kernel_shape', [CNN_POOL, CNN_POOL]), attr.ints('strides', [CNN_POOL, CNN_POOL])],
            { name: 'pool1' },
          ),
          node('Flatten', ['pool1'], ['flat'], [attr.int('axis', 1)], { name: 'flatten' }),
          node('Gemm', ['flat', 'fc.weight', 'fc.bias'], [OUTPUT_NAME], [attr.int('transB', 1)], { name: 'fc' }),
        ],
        initializers: [
          float32Tensor('conv1.weight', [FILTERS, 1, CNN_KERNEL, CNN_KERNEL], w.convW),
          float32Tensor('conv1.bias', [FILTERS], w.convB),
          float32Tensor('fc.weight', [10, flat], w.fcW),
          float32Tensor('fc.bias', [10], w.fcB),
        ],
        inputs: [tensorValueInfo(INPUT_NAME, TensorDataType.FLOAT, [BATCH_DIM, 1, MNIST_SIDE, MNIST_SIDE])],
        outputs: [tensorValueInfo(OUTPUT_NAME, TensorDataType.FLOAT, [BATCH_DIM, 10])],
      }),
    });
    return {
      name: 'mnist-cnn',
      model,
      test,
      sampleShape: [1, MNIST_SIDE, MNIST_SIDE],
      classes: DIGIT_CLASSES,
      dataset: MNIST_SOURCE,
      trainSamples: train.count,
    };
  },
};
