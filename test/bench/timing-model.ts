import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { attr, buildModel, encodeModel, float32Tensor, graph, node, TensorDataType, tensorValueInfo } from '@provenant/onnx';
import { Prng } from '@provenant/models';

/**
 * A timing model for `npm run bench`: a small CIFAR-shaped conv net ([N,3,32,32] -> 10 logits) whose
 * onnxruntime inference takes a few milliseconds on one thread, so the bench shows what a model with
 * real compute pays for the enclave hop, next to the bundled models whose inference (tens of µs) only
 * exposes the fixed cost. Its weights are deterministic pseudo-random numbers (mulberry32, fixed seed),
 * not trained: the outputs mean nothing, only the work is real. Same seed, same bytes, on every machine.
 *
 * Conv(3->32) Relu Conv(32->128) Relu MaxPool(2) [Conv(128->128) Relu] x2 GlobalAveragePool Flatten
 * Gemm(128->10), all 3x3 convolutions with padding 1: about 114 M multiply-adds per sample on 32x32
 * images, 2-3 ms here. The same net on 64x64 images (`timing-cnn-64`) does four times the work, for
 * where a model's compute outweighs the hop.
 */
export const TIMING_MODEL_NAME = 'timing-cnn';
/** Image side per timing model: the weights are the same, the work grows with the pixels. */
export const TIMING_MODELS: Readonly<Record<string, number>> = { [TIMING_MODEL_NAME]: 32, [`${TIMING_MODEL_NAME}-64`]: 64 };
const SEED = 0x7131e;
const CHANNELS = 3;
const CLASSES = 10;
const WIDTH = 128;
/** `pool`: a 2x2 max pool follows this convolution's ReLU. */
const CONVS = [
  { in: CHANNELS, out: 32, pool: false },
  { in: 32, out: WIDTH, pool: true },
  { in: WIDTH, out: WIDTH, pool: false },
  { in: WIDTH, out: WIDTH, pool: false },
] as const;

/** Writes `<dir>/<name>.onnx` (a name of TIMING_MODELS) and returns an Open Inference Protocol request for it. */
export async function writeTimingModel(dir: string, name = TIMING_MODEL_NAME): Promise<Record<string, unknown>> {
  const side = TIMING_MODELS[name];
  if (side === undefined) throw new Error(`no timing model named ${name}`);
  const prng = new Prng(SEED);
  // Uniform in ±sqrt(6 / fan_in) (He-uniform): activations keep their scale through the ReLUs, so
  // no value overflows or underflows into a cheaper path.
  const weights = (count: number, fanIn: number): number[] => {
    const bound = Math.sqrt(6 / fanIn);
    return Array.from({ length: count }, () => prng.uniform(-bound, bound));
  };
  const conv3x3 = [attr.ints('kernel_shape', [3, 3]), attr.ints('strides', [1, 1]), attr.ints('pads', [1, 1, 1, 1])];
  const initializers = CONVS.flatMap((conv, i) => [
    float32Tensor(`conv${i}.weight`, [conv.out, conv.in, 3, 3], weights(conv.out * conv.in * 9, conv.in * 9)),
    float32Tensor(`conv${i}.bias`, [conv.out], new Array<number>(conv.out).fill(0)),
  ]);
  initializers.push(float32Tensor('fc.weight', [CLASSES, WIDTH], weights(CLASSES * WIDTH, WIDTH)), float32Tensor('fc.bias', [CLASSES], new Array<number>(CLASSES).fill(0)));
  let last = 'input';
  const nodes = CONVS.flatMap((conv, i) => {
    const layer = [node('Conv', [last, `conv${i}.weight`, `conv${i}.bias`], [`c${i}`], conv3x3), node('Relu', [`c${i}`], [`r${i}`])];
    last = `r${i}`;
    if (conv.pool) {
      layer.push(node('MaxPool', [last], [`p${i}`], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])]));
      last = `p${i}`;
    }
    return layer;
  });
  nodes.push(
    node('GlobalAveragePool', [last], ['pooled']),
    node('Flatten', ['pooled'], ['flat'], [attr.int('axis', 1)]),
    node('Gemm', ['flat', 'fc.weight', 'fc.bias'], ['logits'], [attr.int('transB', 1)]),
  );
  const model = buildModel({
    producerName: 'provenant-bench',
    producerVersion: '1',
    metadata: { purpose: 'timing only: pseudo-random weights, outputs are meaningless' },
    graph: graph({
      name,
      nodes,
      initializers,
      inputs: [tensorValueInfo('input', TensorDataType.FLOAT, ['N', CHANNELS, side, side])],
      outputs: [tensorValueInfo('logits', TensorDataType.FLOAT, ['N', CLASSES])],
    }),
  });
  await writeFile(path.join(dir, `${name}.onnx`), encodeModel(model));
  // Pixel-like inputs in [0, 1) with 3 decimals, like a normalised RGB image sent as JSON.
  const data = Array.from({ length: CHANNELS * side * side }, () => Math.round(prng.next() * 1000) / 1000);
  return { inputs: [{ name: 'input', shape: [1, CHANNELS, side, side], datatype: 'FP32', data }] };
}
