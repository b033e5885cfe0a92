import { createError } from '../errors/index.js';
import { MAX_INFERENCE_HEADER_CHARS, MAX_KSERVE_BODY_BYTES } from './kserve-limits.js';

/**
 * Triton's binary tensor data extension (docs/protocol/extension_binary_data.md): the HTTP body is the JSON
 * object followed by raw tensor bytes, and this header gives the JSON part's length in bytes.
 */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'inference-header-content-length';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const UTF8_ENCODER = new TextEncoder();
const DIGITS = /^[0-9]+$/;

/** Parses the header value; undefined when the header is absent (a plain JSON body). */
export function parseInferenceHeaderLength(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value.length === 0 || value.length > MAX_INFERENCE_HEADER_CHARS || !DIGITS.test(value)) {
    throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${INFERENCE_HEADER_CONTENT_LENGTH} must be a decimal byte count`);
  }
  return Number(value);
}

/** Splits a body into its parsed JSON object and the binary tensor bytes after it (empty without the header). */
export function splitInferenceBody(body: Uint8Array, jsonBytes: number | undefined): { json: unknown; binary: Uint8Array } {
  if (body.length > MAX_KSERVE_BODY_BYTES) throw createError('PRV_ERR_KSERVE_BODY_TOO_LARGE', `${body.length} bytes > ${MAX_KSERVE_BODY_BYTES}`);
  const split = jsonBytes ?? body.length;
  if (split > body.length) {
    throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${INFERENCE_HEADER_CONTENT_LENGTH} ${split} exceeds the body length ${body.length}`);
  }
  let text: string;
  try {
    text = UTF8.decode(body.subarray(0, split));
  } catch {
    throw createError('PRV_ERR_KSERVE_MALFORMED', 'the JSON part is not valid UTF-8');
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    // JSON.parse messages quote the input; name the failure only.
    throw createError('PRV_ERR_KSERVE_MALFORMED', 'the body is not valid JSON');
  }
  return { json, binary: body.subarray(split) };
}

/** JSON text followed by binary parts; jsonBytes is set only when binary parts exist (then send the header). */
export function joinInferenceBody(jsonText: string, binary: readonly Uint8Array[]): { body: Uint8Array; jsonBytes?: number } {
  const json = UTF8_ENCODER.encode(jsonText);
  if (binary.length === 0) return { body: json };
  const total = binary.reduce((sum, part) => sum + part.length, json.length);
  const body = new Uint8Array(total);
  body.set(json, 0);
  let at = json.length;
  for (const part of binary) {
    body.set(part, at);
    at += part.length;
  }
  return { body, jsonBytes: json.length };
}
