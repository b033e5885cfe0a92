import { MAX_FRAME_BYTES } from '../limits.js';

/**
 * Ceiling for one inference request or response body (JSON plus binary tensor data). JSON text of numbers
 * takes up to ~25 bytes per FP64 element, so a request whose tensors fill a MAX_FRAME_BYTES wire frame may
 * need several times that as JSON; anything past 4x is refused before parsing.
 */
export const MAX_KSERVE_BODY_BYTES = 4 * MAX_FRAME_BYTES;
/** Request ids are echoed back; KServe gives no bound, we do. */
export const MAX_KSERVE_ID_CHARS = 256;
/** Inference-Header-Content-Length is a decimal byte count. */
export const MAX_INFERENCE_HEADER_CHARS = 10;
