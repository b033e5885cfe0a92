export * from './errors/index.js';
export * from './limits.js';
export * from './cbor/index.js';
export * from './nsm/index.js';
export * from './measurements.js';
export * from './cose/index.js';
export * from './attestation/index.js';
