import { createError } from './errors/index.js';

/**
 * measurements.json: what an operator publishes after building an enclave image and what clients pin
 * (`provenant verify attestation --measurements`). Pure: it runs in the browser verifier.
 *
 * PCR meanings follow the Nitro Enclaves docs ("Where to get an enclave's measurements"): PCR0 image,
 * PCR1 kernel + bootstrap, PCR2 application, PCR8 signing certificate (signed EIFs only).
 */

/** The only format tag this parser accepts; a new layout gets a new tag, never a silent change. */
export const MEASUREMENTS_FORMAT = 'provenant-measurements/1';
/** A real file is well under 4 KiB; build inputs are a handful of short strings. */
export const MAX_MEASUREMENTS_JSON_BYTES = 64 * 1024;
/** Build-input entries (blob digests, tool versions, source revision...). */
export const MAX_MEASUREMENTS_BUILD_INPUTS = 64;
/** Length of any free-text value (image reference, build-input value). */
export const MAX_MEASUREMENTS_TEXT_BYTES = 1024;

export type MeasuredPcrName = 'PCR0' | 'PCR1' | 'PCR2' | 'PCR8';
export type EifArch = 'x86_64' | 'aarch64';

export interface Measurements {
  readonly format: typeof MEASUREMENTS_FORMAT;
  readonly hashAlgorithm: 'SHA384';
  /** Lowercase hex, 96 digits each. PCR8 only when the EIF is signed. */
  readonly pcrs: { readonly PCR0: string; readonly PCR1: string; readonly PCR2: string; readonly PCR8?: string };
  readonly arch?: EifArch;
  /** SHA-384 and size of the .eif file itself (not a PCR: metadata such as BuildTime changes it). */
  readonly eif?: { readonly sha384: string; readonly sizeBytes: number };
  /** The container image the EIF was built from. */
  readonly image?: { readonly reference?: string; readonly digest?: string };
  readonly buildInputs?: Readonly<Record<string, string>>;
}

const SHA384_HEX = /^[0-9a-f]{96}$/;
const IMAGE_DIGEST = /^sha256:[0-9a-f]{64}$/;
const BUILD_INPUT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PCR_INDEX: Readonly<Record<MeasuredPcrName, number>> = { PCR0: 0, PCR1: 1, PCR2: 2, PCR8: 8 };

function fail(detail: string): never {
  throw createError('PRV_ERR_EIF_MEASUREMENTS_MALFORMED', detail);
}

function assertPlainObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(`${field} must be an object`);
  return value as Record<string, unknown>;
}

function assertOnlyKeys(object: Record<string, unknown>, field: string, allowed: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) fail(`${field} has unknown field '${key.slice(0, 64)}'`);
  }
}

function assertText(value: unknown, field: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(`${field} must be a non-empty string`);
  if (value.length > MAX_MEASUREMENTS_TEXT_BYTES) fail(`${field} is longer than ${MAX_MEASUREMENTS_TEXT_BYTES}`);
  return value;
}

function assertSha384Hex(value: unknown, field: string): string {
  if (typeof value !== 'string' || !SHA384_HEX.test(value)) fail(`${field} must be 96 lowercase hex digits`);
  return value;
}

function parsePcrs(value: unknown): Measurements['pcrs'] {
  const pcrs = assertPlainObject(value, 'pcrs');
  assertOnlyKeys(pcrs, 'pcrs', ['PCR0', 'PCR1', 'PCR2', 'PCR8']);
  const base = {
    PCR0: assertSha384Hex(pcrs.PCR0, 'pcrs.PCR0'),
    PCR1: assertSha384Hex(pcrs.PCR1, 'pcrs.PCR1'),
    PCR2: assertSha384Hex(pcrs.PCR2, 'pcrs.PCR2'),
  };
  return pcrs.PCR8 === undefined ? base : { ...base, PCR8: assertSha384Hex(pcrs.PCR8, 'pcrs.PCR8') };
}

function parseEif(value: unknown): NonNullable<Measurements['eif']> {
  const eif = assertPlainObject(value, 'eif');
  assertOnlyKeys(eif, 'eif', ['sha384', 'sizeBytes']);
  const size = eif.sizeBytes;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) fail('eif.sizeBytes must be a non-negative integer');
  return { sha384: assertSha384Hex(eif.sha384, 'eif.sha384'), sizeBytes: size };
}

function parseImage(value: unknown): NonNullable<Measurements['image']> {
  const image = assertPlainObject(value, 'image');
  assertOnlyKeys(image, 'image', ['reference', 'digest']);
  const result: { reference?: string; digest?: string } = {};
  if (image.reference !== undefined) result.reference = assertText(image.reference, 'image.reference');
  if (image.digest !== undefined) {
    if (typeof image.digest !== 'string' || !IMAGE_DIGEST.test(image.digest)) fail('image.digest must be sha256:<64 hex>');
    result.digest = image.digest;
  }
  return result;
}

function parseBuildInputs(value: unknown): Record<string, string> {
  const inputs = assertPlainObject(value, 'buildInputs');
  const keys = Object.keys(inputs);
  if (keys.length > MAX_MEASUREMENTS_BUILD_INPUTS) fail(`buildInputs has more than ${MAX_MEASUREMENTS_BUILD_INPUTS} entries`);
  const result: Record<string, string> = {};
  for (const key of keys) {
    if (!BUILD_INPUT_NAME.test(key)) fail(`buildInputs key '${key.slice(0, 64)}' is not a simple name`);
    result[key] = assertText(inputs[key], `buildInputs.${key}`);
  }
  return result;
}

/** Strict: unknown fields at any level are errors (STYLE rule 9), so a typo never unpins a PCR. */
export function parseMeasurementsObject(value: unknown): Measurements {
  const root = assertPlainObject(value, 'measurements');
  assertOnlyKeys(root, 'measurements', ['format', 'hashAlgorithm', 'pcrs', 'arch', 'eif', 'image', 'buildInputs']);
  if (root.format !== MEASUREMENTS_FORMAT) fail(`format must be '${MEASUREMENTS_FORMAT}'`);
  if (root.hashAlgorithm !== 'SHA384') fail("hashAlgorithm must be 'SHA384'");
  const result: {
    -readonly [K in keyof Measurements]: Measurements[K];
  } = { format: MEASUREMENTS_FORMAT, hashAlgorithm: 'SHA384', pcrs: parsePcrs(root.pcrs) };
  if (root.arch !== undefined) {
    if (root.arch !== 'x86_64' && root.arch !== 'aarch64') fail("arch must be 'x86_64' or 'aarch64'");
    result.arch = root.arch;
  }
  if (root.eif !== undefined) result.eif = parseEif(root.eif);
  if (root.image !== undefined) result.image = parseImage(root.image);
  if (root.buildInputs !== undefined) result.buildInputs = parseBuildInputs(root.buildInputs);
  return result;
}

export function parseMeasurements(text: string): Measurements {
  if (typeof text !== 'string') fail('expected JSON text');
  // UTF-16 length is at most the UTF-8 byte length, so this bound never rejects a valid file early.
  if (text.length > MAX_MEASUREMENTS_JSON_BYTES) fail(`longer than ${MAX_MEASUREMENTS_JSON_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    fail('not valid JSON');
  }
  return parseMeasurementsObject(value);
}

/** Stable serialisation (fixed key order, two-space indent, trailing newline) so files diff cleanly. */
export function formatMeasurements(measurements: Measurements): string {
  const checked = parseMeasurementsObject(measurements);
  const ordered: Record<string, unknown> = {
    format: checked.format,
    hashAlgorithm: checked.hashAlgorithm,
    pcrs: checked.pcrs,
  };
  if (checked.arch !== undefined) ordered.arch = checked.arch;
  if (checked.eif !== undefined) ordered.eif = { sha384: checked.eif.sha384, sizeBytes: checked.eif.sizeBytes };
  if (checked.image !== undefined) ordered.image = checked.image;
  if (checked.buildInputs !== undefined) {
    const sorted: Record<string, string> = {};
    for (const key of Object.keys(checked.buildInputs).sort()) sorted[key] = checked.buildInputs[key] as string;
    ordered.buildInputs = sorted;
  }
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** PCR index -> expected 48-byte value, the form an attestation verifier compares against. */
export function measurementPcrPins(measurements: Measurements): ReadonlyMap<number, Uint8Array> {
  const pins = new Map<number, Uint8Array>();
  for (const name of ['PCR0', 'PCR1', 'PCR2', 'PCR8'] as const) {
    const hex = measurements.pcrs[name];
    if (hex !== undefined) pins.set(PCR_INDEX[name], hexToBytes(assertSha384Hex(hex, `pcrs.${name}`)));
  }
  return pins;
}
