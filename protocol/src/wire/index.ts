export { decodeStrictMsgpack, type MsgpackLimits } from './msgpack-strict-decode.js';
export { FRAME_HEADER_BYTES, FrameDecoder, decodeFrameBody, encodeFrame } from './frame-codec.js';
export { MAX_REQUEST_ID, WIRE_VERSION, parseFrame, type Frame, type FrameKind } from './frame-messages.js';
export * from './op-bodies.js';
export * from './infer-kserve.js';
export * from './field-readers.js';
export * from './op-responses.js';
