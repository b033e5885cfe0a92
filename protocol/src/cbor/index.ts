export { assertWellFormedCbor, type CborLimits } from './cbor-well-formed.js';
export { decodeCbor, encodeCbor } from './cbor-codec.js';
export { flatMapEncoder, type FlatMapValue } from './flat-map-writer.js';
