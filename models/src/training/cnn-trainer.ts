import type { LabelledSet } from '../datasets/labelled-set.js';
import { Prng, range } from '../prng.js';
import { softmaxInPlace } from './deterministic-exp.js';
import { momentumStep } from './momentum-step.js';

/**
 * Conv(1 -> F, 3x3, stride 1, no padding) -> ReLU -> AveragePool(2x2, stride 2) -> Flatten -> Gemm.
 * AveragePool rather than MaxPool: it is linear, so a ZK circuit needs no comparisons for it.
 * Tensor layouts are ONNX's: conv weight [F][1][3][3], flatten in NCHW order, fc weight [classes][F*P*P].
 */
export interface CnnWeights {
  readonly side: number;
  readonly filters: number;
  readonly kernel: number;
  readonly classes: number;
  readonly convW: Float32Array;
  readonly convB: Float32Array;
  readonly fcW: Float32Array;
  readonly fcB: Float32Array;
}

export interface CnnTrainingConfig {
  readonly filters: number;
  readonly classes: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly learningRateDecay: number;
  readonly momentum: number;
  readonly seed: number;
}

export const CNN_KERNEL = 3;
export const CNN_POOL = 2;

export function cnnGeometry(side: number): { conv: number; pooled: number } {
  const conv = side - CNN_KERNEL + 1;
  if (conv % CNN_POOL !== 0) throw new Error(`conv output ${conv} is not divisible by the pool size`);
  return { conv, pooled: conv / CNN_POOL };
}

/** Same discipline as trainMlp: float32 weights, float64 sums in fixed order, seeded randomness only. */
export function trainCnn(train: LabelledSet, side: number, config: CnnTrainingConfig): CnnWeights {
  const { filters, classes } = config;
  const K = CNN_KERNEL;
  const { conv: C, pooled: P } = cnnGeometry(side);
  const flat = filters * P * P;
  const rng = new Prng(config.seed);
  const convW = new Float32Array(filters * K * K);
  const convB = new Float32Array(filters);
  const fcW = new Float32Array(classes * flat);
  const fcB = new Float32Array(classes);
  const a1 = Math.sqrt(6 / (K * K));
  for (let i = 0; i < convW.length; i++) convW[i] = rng.uniform(-a1, a1);
  const a2 = Math.sqrt(6 / flat);
  for (let i = 0; i < fcW.length; i++) fcW[i] = rng.uniform(-a2, a2);

  const params = [convW, convB, fcW, fcB];
  const grads = params.map((p) => new Float64Array(p.length));
  const velocity = params.map((p) => new Float64Array(p.length));
  const [gConvW, gConvB, gFcW, gFcB] = grads as [Float64Array, Float64Array, Float64Array, Float64Array];
  const convOut = new Float64Array(filters * C * C);
  const pooled = new Float64Array(flat);
  const logits = new Float64Array(classes);
  const dPooled = new Float64Array(flat);
  const order = range(train.count);
  let learningRate = config.learningRate;

  for (let epoch = 0; epoch < config.epochs; epoch++) {
    rng.shuffle(order);
    for (let start = 0; start < order.length; start += config.batchSize) {
      const end = Math.min(start + config.batchSize, order.length);
      for (const g of grads) g.fill(0);
      for (let s = start; s < end; s++) {
        const base = order[s]! * side * side;
        const image = train.features.subarray(base, base + side * side);
        for (let f = 0; f < filters; f++) {
          for (let y = 0; y < C; y++) {
            for (let x = 0; x < C; x++) {
              let sum = convB[f]!;
              for (let ky = 0; ky < K; ky++) {
                for (let kx = 0; kx < K; kx++) sum += convW[(f * K + ky) * K + kx]! * image[(y + ky) * side + x + kx]!;
              }
              convOut[(f * C + y) * C + x] = sum > 0 ? sum : 0;
            }
          }
        }
        for (let f = 0; f < filters; f++) {
          for (let py = 0; py < P; py++) {
            for (let px = 0; px < P; px++) {
              const top = (f * C + 2 * py) * C + 2 * px;
              pooled[(f * P + py) * P + px] = (convOut[top]! + convOut[top + 1]! + convOut[top + C]! + convOut[top + C + 1]!) / 4;
            }
          }
        }
        for (let c = 0; c < classes; c++) {
          let sum = fcB[c]!;
          for (let i = 0; i < flat; i++) sum += fcW[c * flat + i]! * pooled[i]!;
          logits[c] = sum;
        }
        softmaxInPlace(logits, 0, classes);
        const label = train.labels[order[s]!]!;
        logits[label] = logits[label]! - 1;
        dPooled.fill(0);
        for (let c = 0; c < classes; c++) {
          const d = logits[c]!;
          gFcB[c] = gFcB[c]! + d;
          for (let i = 0; i < flat; i++) {
            gFcW[c * flat + i] = gFcW[c * flat + i]! + d * pooled[i]!;
            dPooled[i] = dPooled[i]! + d * fcW[c * flat + i]!;
          }
        }
        for (let f = 0; f < filters; f++) {
          for (let y = 0; y < C; y++) {
            for (let x = 0; x < C; x++) {
              if (convOut[(f * C + y) * C + x]! <= 0) continue; // ReLU gate
              const d = dPooled[(f * P + (y >> 1)) * P + (x >> 1)]! / 4;
              gConvB[f] = gConvB[f]! + d;
              for (let ky = 0; ky < K; ky++) {
                for (let kx = 0; kx < K; kx++) {
                  const w = (f * K + ky) * K + kx;
                  gConvW[w] = gConvW[w]! + d * image[(y + ky) * side + x + kx]!;
                }
              }
            }
          }
        }
      }
      momentumStep(params, grads, velocity, config.momentum, learningRate / (end - start));
    }
    learningRate *= config.learningRateDecay;
  }
  return { side, filters, kernel: K, classes, convW, convB, fcW, fcB };
}
