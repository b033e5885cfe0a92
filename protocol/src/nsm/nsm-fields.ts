import { createError } from '../errors/index.js';

/**
 * Field readers for decoded NSM CBOR. Every mismatch is PRV_ERR_NSM_MALFORMED naming the variant and
 * field, because both directions carry hostile bytes: requests reach the mock from test clients, responses
 * reach the daemon from a device we only trust once it is verified.
 */

export function malformed(detail: string): Error {
  return createError('PRV_ERR_NSM_MALFORMED', detail);
}

/** Splits `{Variant: body}` or a bare `"Variant"` into its name and body (undefined for unit variants). */
export function splitVariant(value: unknown): { name: string; body: Map<unknown, unknown> | undefined } {
  if (typeof value === 'string') return { name: value, body: undefined };
  if (!(value instanceof Map) || value.size !== 1) throw malformed('expected a variant name or a one-entry map');
  const [[name, body]] = [...value.entries()] as [[unknown, unknown]];
  if (typeof name !== 'string') throw malformed('variant name is not text');
  if (!(body instanceof Map)) {
    // serde encodes newtype variants (only Error here) as {Variant: value}; callers handle that case.
    return { name, body: new Map([[NEWTYPE, body]]) };
  }
  return { name, body };
}

/** Key under which a newtype variant's single value is stored by splitVariant. */
export const NEWTYPE = Symbol('newtype');

/** Asserts the struct body has exactly these field names (serde rejects unknown fields only if told; we do). */
export function assertFields(variant: string, body: Map<unknown, unknown>, fields: readonly string[]): void {
  for (const key of body.keys()) {
    if (typeof key !== 'string' || !fields.includes(key)) throw malformed(`${variant} has unexpected field ${String(key)}`);
  }
  for (const field of fields) if (!body.has(field)) throw malformed(`${variant} is missing field ${field}`);
}

export function readU16(variant: string, body: Map<unknown, unknown>, field: string): number {
  const value = body.get(field);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff) {
    throw malformed(`${variant}.${field} is not a u16`);
  }
  return value;
}

export function readBytes(variant: string, body: Map<unknown, unknown>, field: string): Uint8Array {
  const value = body.get(field);
  if (!(value instanceof Uint8Array)) throw malformed(`${variant}.${field} is not a byte string`);
  return Uint8Array.from(value);
}

export function readOptionalBytes(variant: string, body: Map<unknown, unknown>, field: string): Uint8Array | null {
  return body.get(field) === null ? null : readBytes(variant, body, field);
}

export function readBool(variant: string, body: Map<unknown, unknown>, field: string): boolean {
  const value = body.get(field);
  if (typeof value !== 'boolean') throw malformed(`${variant}.${field} is not a boolean`);
  return value;
}

export function readText(variant: string, body: Map<unknown, unknown>, field: string): string {
  const value = body.get(field);
  if (typeof value !== 'string') throw malformed(`${variant}.${field} is not text`);
  return value;
}

export function assertUnit(name: string, body: Map<unknown, unknown> | undefined): void {
  if (body !== undefined) throw malformed(`${name} is a unit variant and takes no fields`);
}

/** The fields of a struct variant, exactly as declared. */
export function struct(name: string, body: Map<unknown, unknown> | undefined, fields: readonly string[]): Map<unknown, unknown> {
  if (body === undefined) throw malformed(`${name} needs fields`);
  assertFields(name, body, fields);
  return body;
}
