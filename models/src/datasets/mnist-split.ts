import { selectRows, type LabelledSet } from './labelled-set.js';
import { loadMnist } from './mnist-dataset.js';
import { Prng, range } from '../prng.js';

const SPLIT_SEED = 0x3c0de;
/** Held out from every MNIST model, so their accuracies are comparable. */
export const MNIST_TEST_SAMPLES = 2000;

export interface MnistSplit {
  readonly train: LabelledSet;
  readonly test: LabelledSet;
}

let cached: MnistSplit | undefined;

/** One seeded shuffle of the 10,000 digits: the first 2,000 are the test set, the rest train. */
export function mnistSplit(): MnistSplit {
  if (cached !== undefined) return cached;
  const all = loadMnist();
  const order = range(all.count);
  new Prng(SPLIT_SEED).shuffle(order);
  cached = { test: selectRows(all, order.subarray(0, MNIST_TEST_SAMPLES)), train: selectRows(all, order.subarray(MNIST_TEST_SAMPLES)) };
  return cached;
}
