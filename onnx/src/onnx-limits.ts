/**
 * Ceilings for decoding ONNX model bytes (STYLE rule 8). A caller may lower any of them per decode,
 * never raise them.
 */

/**
 * protobuf cannot serialize a message over 2 GiB; models bigger than 512 MiB here would also blow
 * the enclave's memory budget long before inference, so refuse them before parsing.
 */
export const MAX_ONNX_MODEL_BYTES = 512 * 1024 * 1024;
/**
 * The ONNX schema nests Model > Graph > ValueInfo > Type > Tensor type > Shape > Dimension (7 levels);
 * only subgraph attributes (If, Loop, Scan) recurse. 32 leaves room for a few nested subgraphs.
 */
export const MAX_ONNX_NESTING_DEPTH = 32;
/**
 * Total embedded messages (nodes, attributes, tensors, value infos, dims...) in one model. Large
 * transformer exports have ~10^5; each decoded message costs a JS object, so this bounds memory.
 */
export const MAX_ONNX_MESSAGES = 1_000_000;
/** Total unpacked repeated scalars (dims, attribute ints/floats, unpacked tensor data) per model. */
export const MAX_ONNX_REPEATED_SCALARS = 16_000_000;
/** Names, op types, domains and producer strings; real names are well under 1 KiB. */
export const MAX_ONNX_STRING_BYTES = 64 * 1024;
/** Dimensions per tensor or shape; ONNX sets no bound, real models stay under 8. */
export const MAX_ONNX_TENSOR_RANK = 32;

export interface OnnxDecodeLimits {
  readonly maxBytes: number;
  readonly maxDepth: number;
  readonly maxMessages: number;
  readonly maxRepeatedScalars: number;
  readonly maxStringBytes: number;
  readonly maxRank: number;
}

export const DEFAULT_ONNX_DECODE_LIMITS: OnnxDecodeLimits = Object.freeze({
  maxBytes: MAX_ONNX_MODEL_BYTES,
  maxDepth: MAX_ONNX_NESTING_DEPTH,
  maxMessages: MAX_ONNX_MESSAGES,
  maxRepeatedScalars: MAX_ONNX_REPEATED_SCALARS,
  maxStringBytes: MAX_ONNX_STRING_BYTES,
  maxRank: MAX_ONNX_TENSOR_RANK,
});
