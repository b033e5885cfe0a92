import type { BundledModelDefinition } from './bundled-model.js';
import { IRIS } from './iris.js';
import { MNIST_CNN } from './mnist-cnn.js';
import { MNIST_MLP } from './mnist-mlp.js';

/** Every model build-bundled writes, in manifest order. */
export const BUNDLED_MODELS: readonly BundledModelDefinition[] = Object.freeze([IRIS, MNIST_MLP, MNIST_CNN]);
