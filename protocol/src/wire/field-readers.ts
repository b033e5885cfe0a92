import { createError } from '../errors/index.js';

/**
 * Assertions for decoded frame fields. Each names the path of the bad field, never its content, because
 * the content came from the other side of a trust boundary.
 */
export type Fields = Readonly<Record<string, unknown>>;

function bad(path: string, expected: string): Error {
  return createError('PRV_ERR_WIRE_MALFORMED', `${path} must be ${expected}`);
}

/** A plain object with no keys outside `allowed` (unknown fields are refused, STYLE rule 9). */
export function readObject(value: unknown, path: string, allowed: readonly string[]): Fields {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Uint8Array) {
    throw bad(path, 'a map');
  }
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw createError('PRV_ERR_WIRE_MALFORMED', `${path} has unknown field ${JSON.stringify(key.slice(0, 32))}`);
  }
  return value as Fields;
}

export function readString(fields: Fields, key: string, path: string, maxChars: number): string {
  const value = fields[key];
  if (typeof value !== 'string' || value.length > maxChars) throw bad(`${path}.${key}`, `a string of at most ${maxChars} chars`);
  return value;
}

export function readOptionalString(fields: Fields, key: string, path: string, maxChars: number): string | undefined {
  return fields[key] === undefined || fields[key] === null ? undefined : readString(fields, key, path, maxChars);
}

export function readUint(fields: Fields, key: string, path: string, max = 0xffff_ffff): number {
  const value = fields[key];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max) {
    throw bad(`${path}.${key}`, `an integer in [0, ${max}]`);
  }
  return value;
}

export function readOptionalUint(fields: Fields, key: string, path: string, max?: number): number | undefined {
  return fields[key] === undefined || fields[key] === null ? undefined : readUint(fields, key, path, max);
}

export function readBool(fields: Fields, key: string, path: string): boolean {
  const value = fields[key];
  if (typeof value !== 'boolean') throw bad(`${path}.${key}`, 'a boolean');
  return value;
}

export function readBytes(fields: Fields, key: string, path: string, maxBytes: number): Uint8Array {
  const value = fields[key];
  if (!(value instanceof Uint8Array) || value.length > maxBytes) throw bad(`${path}.${key}`, `bytes of at most ${maxBytes}`);
  return value;
}

export function readOptionalBytes(fields: Fields, key: string, path: string, maxBytes: number): Uint8Array | undefined {
  return fields[key] === undefined || fields[key] === null ? undefined : readBytes(fields, key, path, maxBytes);
}

export function readArray(fields: Fields, key: string, path: string, maxLength: number): readonly unknown[] {
  const value = fields[key];
  if (!Array.isArray(value) || value.length > maxLength) throw bad(`${path}.${key}`, `a list of at most ${maxLength}`);
  return value;
}

export function readEnum<const T extends string>(fields: Fields, key: string, path: string, options: readonly T[]): T {
  const value = fields[key];
  if (typeof value !== 'string' || !(options as readonly string[]).includes(value)) {
    throw bad(`${path}.${key}`, `one of ${options.join(', ')}`);
  }
  return value as T;
}
