export * from './errors/index.js';
export * from './limits.js';
