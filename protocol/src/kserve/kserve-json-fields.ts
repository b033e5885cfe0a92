import { createError } from '../errors/index.js';

/** Strict readers for Open Inference Protocol JSON; errors name the field path, never its content. */
export type JsonFields = Readonly<Record<string, unknown>>;

export function malformed(detail: string): Error {
  return createError('PRV_ERR_KSERVE_MALFORMED', detail);
}

/** A JSON object with no keys outside `allowed` (unknown fields are refused, STYLE rule 9). */
export function jsonObject(value: unknown, path: string, allowed: readonly string[]): JsonFields {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw malformed(`${path} must be an object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw malformed(`${path} has unknown field ${JSON.stringify(key.slice(0, 32))}`);
  }
  return value as JsonFields;
}

export function jsonString(fields: JsonFields, key: string, path: string, maxChars: number): string {
  const value = fields[key];
  if (typeof value !== 'string' || value.length === 0 || value.length > maxChars) {
    throw malformed(`${path}.${key} must be a string of 1 to ${maxChars} chars`);
  }
  return value;
}

export function jsonArray(fields: JsonFields, key: string, path: string, maxLength: number): readonly unknown[] {
  const value = fields[key];
  if (!Array.isArray(value) || value.length > maxLength) throw malformed(`${path}.${key} must be an array of at most ${maxLength}`);
  return value;
}

export function jsonBoolean(fields: JsonFields, key: string, path: string): boolean | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw malformed(`${path}.${key} must be true or false`);
  return value;
}
