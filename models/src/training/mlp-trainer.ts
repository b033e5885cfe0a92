import type { LabelledSet } from '../datasets/labelled-set.js';
import { Prng, range } from '../prng.js';
import { softmaxInPlace } from './deterministic-exp.js';
import { momentumStep } from './momentum-step.js';

/** One hidden ReLU layer: logits = W2 relu(W1 x + b1) + b2; W is [out][in] (ONNX Gemm, transB = 1). */
export interface MlpWeights {
  readonly inputs: number;
  readonly hidden: number;
  readonly classes: number;
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
}

export interface MlpTrainingConfig {
  readonly hidden: number;
  readonly classes: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Multiplies the learning rate after each epoch. */
  readonly learningRateDecay: number;
  readonly momentum: number;
  readonly seed: number;
}

/**
 * Minibatch SGD with momentum on softmax cross-entropy. Weights live in Float32Array (each update
 * rounds to float32, as the exported model stores them); sums run in float64 in a fixed order, and
 * the only randomness is the seeded Prng, so a run is reproducible bit for bit.
 */
export function trainMlp(train: LabelledSet, config: MlpTrainingConfig): MlpWeights {
  const { hidden, classes } = config;
  const inputs = train.width;
  const rng = new Prng(config.seed);
  // Training keeps W1 as [in][hidden] so a sparse input row touches contiguous memory.
  const w1t = new Float32Array(inputs * hidden);
  const b1 = new Float32Array(hidden);
  const w2 = new Float32Array(classes * hidden);
  const b2 = new Float32Array(classes);
  // He-uniform init for ReLU layers: U(-sqrt(6/fan_in), +sqrt(6/fan_in)); sqrt is correctly rounded.
  const a1 = Math.sqrt(6 / inputs);
  for (let i = 0; i < w1t.length; i++) w1t[i] = rng.uniform(-a1, a1);
  const a2 = Math.sqrt(6 / hidden);
  for (let i = 0; i < w2.length; i++) w2[i] = rng.uniform(-a2, a2);

  const params = [w1t, b1, w2, b2];
  const grads = params.map((p) => new Float64Array(p.length));
  const velocity = params.map((p) => new Float64Array(p.length));
  const [gw1t, gb1, gw2, gb2] = grads as [Float64Array, Float64Array, Float64Array, Float64Array];
  const pre = new Float64Array(hidden);
  const act = new Float64Array(hidden);
  const out = new Float64Array(classes);
  const dh = new Float64Array(hidden);
  const nonZero = new Uint32Array(inputs);
  const order = range(train.count);
  let learningRate = config.learningRate;

  for (let epoch = 0; epoch < config.epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < order.length; start += config.batchSize) {
      const end = Math.min(start + config.batchSize, order.length);
      for (const g of grads) g.fill(0);
      for (let s = start; s < end; s++) {
        const base = order[s]! * inputs;
        let active = 0;
        for (let k = 0; k < inputs; k++) if (train.features[base + k] !== 0) nonZero[active++] = k;
        for (let j = 0; j < hidden; j++) pre[j] = b1[j]!;
        for (let n = 0; n < active; n++) {
          const k = nonZero[n]!;
          const x = train.features[base + k]!;
          const row = k * hidden;
          for (let j = 0; j < hidden; j++) pre[j] = pre[j]! + w1t[row + j]! * x;
        }
        for (let j = 0; j < hidden; j++) act[j] = pre[j]! > 0 ? pre[j]! : 0;
        for (let c = 0; c < classes; c++) {
          let sum = b2[c]!;
          for (let j = 0; j < hidden; j++) sum += w2[c * hidden + j]! * act[j]!;
          out[c] = sum;
        }
        softmaxInPlace(out, 0, classes);
        out[train.labels[order[s]!]!] = out[train.labels[order[s]!]!]! - 1; // dL/dlogits = p - onehot
        dh.fill(0);
        for (let c = 0; c < classes; c++) {
          const d = out[c]!;
          gb2[c] = gb2[c]! + d;
          for (let j = 0; j < hidden; j++) {
            gw2[c * hidden + j] = gw2[c * hidden + j]! + d * act[j]!;
            dh[j] = dh[j]! + d * w2[c * hidden + j]!;
          }
        }
        for (let j = 0; j < hidden; j++) if (pre[j]! <= 0) dh[j] = 0;
        for (let j = 0; j < hidden; j++) gb1[j] = gb1[j]! + dh[j]!;
        for (let n = 0; n < active; n++) {
          const k = nonZero[n]!;
          const x = train.features[base + k]!;
          const row = k * hidden;
          for (let j = 0; j < hidden; j++) gw1t[row + j] = gw1t[row + j]! + dh[j]! * x;
        }
      }
      momentumStep(params, grads, velocity, config.momentum, learningRate / (end - start));
    }
    learningRate *= config.learningRateDecay;
  }

  const w1 = new Float32Array(hidden * inputs);
  for (let k = 0; k < inputs; k++) for (let j = 0; j < hidden; j++) w1[j * inputs + k] = w1t[k * hidden + j]!;
  return { inputs, hidden, classes, w1, b1, w2, b2 };
}
