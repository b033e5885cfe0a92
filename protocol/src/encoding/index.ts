export { toBase64, fromBase64, toHex, fromHex } from './base64.js';
