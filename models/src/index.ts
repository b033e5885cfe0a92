export {
  BATCH_DIM,
  GENERATOR_VERSION,
  INPUT_NAME,
  OUTPUT_NAME,
  type BundledModelDefinition,
  type BundledModelName,
  type TrainedBundle,
} from './bundled/bundled-model.js';
export { BUNDLED_MODELS } from './bundled/registry.js';
export {
  MANIFEST_FILE,
  buildBundledModels,
  defaultOutDir,
  generatorFingerprint,
  type BuildBundledOptions,
  type BuildBundledResult,
  type BundledManifest,
} from './bundled/bundled-build.js';
export { reportModel, type BuiltModel, type InferenceRequestSample, type ManifestEntry, type TensorSignature } from './bundled/model-report.js';
export { evaluateModel, type RefTensor } from './reference/evaluate-graph.js';
export { loadIris, IRIS_CLASSES } from './datasets/iris-dataset.js';
export { loadMnist, MNIST_PIXELS, MNIST_SIDE } from './datasets/mnist-dataset.js';
export { mnistSplit, MNIST_TEST_SAMPLES } from './datasets/mnist-split.js';
export type { LabelledSet } from './datasets/labelled-set.js';
export { deterministicExp } from './training/deterministic-exp.js';
export { Prng } from './prng.js';
