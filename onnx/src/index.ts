export { decodeModel, type OnnxDecodeOptions } from './decode-model.js';
export { encodeModel } from './encode-model.js';
export {
  DEFAULT_IR_VERSION,
  DEFAULT_OPSET_VERSION,
  attr,
  buildModel,
  float32Tensor,
  graph,
  int64Tensor,
  node,
  tensorValueInfo,
  type ModelOptions,
  type NodeOptions,
} from './builder.js';
export { assertTensorData, tensorElementCount, tensorToFloat32, tensorToInt64 } from './tensor-data.js';
export {
  AttributeType,
  TensorDataType,
  type AttributeTypeValue,
  type OnnxAttribute,
  type OnnxDim,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxOpsetId,
  type OnnxStringEntry,
  type OnnxTensor,
  type OnnxTensorTypeProto,
  type OnnxValueInfo,
} from './model-types.js';
export {
  DEFAULT_ONNX_DECODE_LIMITS,
  MAX_ONNX_MESSAGES,
  MAX_ONNX_MODEL_BYTES,
  MAX_ONNX_NESTING_DEPTH,
  MAX_ONNX_REPEATED_SCALARS,
  MAX_ONNX_STRING_BYTES,
  MAX_ONNX_TENSOR_RANK,
  type OnnxDecodeLimits,
} from './onnx-limits.js';
export { PROPAGATED_OPS, cutCandidates, inferTensorTypes, partitionModel, type Segment } from './partition/index.js';
