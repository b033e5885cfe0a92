export { partitionModel, type Segment } from './partition-model.js';
export { cutCandidates } from './cut-candidates.js';
export { PROPAGATED_OPS, inferTensorTypes } from './infer-types.js';
