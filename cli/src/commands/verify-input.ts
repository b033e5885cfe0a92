import { open, readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isProvenantError, MAX_CERTIFICATE_BYTES, MAX_MEASUREMENTS_JSON_BYTES, measurementPcrPins, parseMeasurements } from '@provenant/protocol';

/**
 * Reading what `provenant verify ...` is given: files bounded before they are read, documents in any of
 * the three forms people paste them in, roots, PCR pins and instants. Shared by the verify subcommands.
 */

/** A bad command line: the command prints it with its usage and exits 2. */
export class UsageError extends Error {}

/** PEM of the largest accepted certificate, with line breaks. */
export const MAX_ROOT_FILE_BYTES = MAX_CERTIFICATE_BYTES * 2 + 1024;
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Checks the size before reading so a huge or endless file is never buffered (STYLE rule 8). */
export async function readBounded(file: string, maxBytes: number, what: string): Promise<Uint8Array> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new UsageError(`cannot open ${what} ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  try {
    const { size } = await handle.stat();
    if (size > maxBytes) throw new UsageError(`${what} is ${size} bytes, over the ${maxBytes}-byte limit`);
    return Uint8Array.from(await readFile(handle));
  } finally {
    await handle.close();
  }
}

/** A file, or stdin for '-', counted while read so an endless pipe stops at the limit. */
export async function readSource(source: string, stdin: NodeJS.ReadableStream, maxBytes: number, what: string): Promise<Uint8Array> {
  if (source !== '-') return readBounded(source, maxBytes, what);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : (chunk as Uint8Array);
    total += bytes.length;
    if (total > maxBytes) throw new UsageError(`stdin is over ${maxBytes} bytes`);
    chunks.push(bytes);
  }
  return Uint8Array.from(Buffer.concat(chunks));
}

/**
 * An attestation document as raw CBOR, base64 or hex. Raw CBOR starts with 0x84 (array of 4) or 0xd2
 * (tag 18), neither of which is printable ASCII, so it cannot be mistaken for text. Text is hex when it
 * is all hex digits, else base64.
 */
export function decodeDocumentInput(bytes: Uint8Array): Uint8Array {
  if (bytes[0] === 0x84 || bytes[0] === 0xd2) return bytes;
  const text = new TextDecoder().decode(bytes).replace(/\s+/g, '');
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text)) return Uint8Array.from(Buffer.from(text, 'hex'));
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) return Uint8Array.from(Buffer.from(text, text.includes('-') || text.includes('_') ? 'base64url' : 'base64'));
  // Not recognisable as text: hand the bytes over as they are, the verifier reports why they fail.
  return bytes;
}

/** --root: one PEM certificate or DER bytes. */
export async function readRoot(file: string): Promise<string | Uint8Array> {
  const bytes = await readBounded(file, MAX_ROOT_FILE_BYTES, '--root');
  const text = new TextDecoder().decode(bytes);
  return text.includes('-----BEGIN CERTIFICATE-----') ? text : bytes;
}

/**
 * --pcr N=HEX entries and --measurements FILE merged into one pin set. measurements.json pins PCR0, 1, 2
 * (and 8 for a signed image); a PCR pinned twice is a usage error rather than a silent override.
 */
export async function readPcrPins(pcrFlags: readonly string[], measurementsFile: string | undefined): Promise<Record<number, string> | undefined> {
  const pins: Record<number, string> = {};
  for (const entry of pcrFlags) {
    const match = /^(\d{1,2})=([0-9a-fA-F]+)$/.exec(entry);
    if (match === null) throw new UsageError(`--pcr ${JSON.stringify(entry)} is not N=HEX`);
    const index = Number(match[1]);
    if (index in pins) throw new UsageError(`--pcr ${index} given twice`);
    pins[index] = match[2] as string;
  }
  if (measurementsFile !== undefined) {
    const bytes = await readBounded(measurementsFile, MAX_MEASUREMENTS_JSON_BYTES, '--measurements');
    let pinsFromFile: ReadonlyMap<number, Uint8Array>;
    try {
      pinsFromFile = measurementPcrPins(parseMeasurements(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
    } catch (error) {
      throw new UsageError(`--measurements ${JSON.stringify(measurementsFile)}: ${isProvenantError(error) ? error.message : 'not UTF-8 text'}`);
    }
    for (const [index, value] of pinsFromFile) {
      if (index in pins) throw new UsageError(`PCR${index} is pinned by both --pcr and --measurements`);
      pins[index] = Buffer.from(value).toString('hex');
    }
  }
  return Object.keys(pins).length === 0 ? undefined : pins;
}

export function parseAtFlag(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!ISO_8601.test(value) || Number.isNaN(at.getTime())) throw new UsageError(`--at ${JSON.stringify(value)} is not an ISO 8601 instant`);
  return at;
}

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;
type SingleFileConfig<O extends ParseArgsOptionsConfig> = { args: string[]; options: O; strict: true; allowPositionals: true };
type SingleFileValues<O extends ParseArgsOptionsConfig> = ReturnType<typeof parseArgs<SingleFileConfig<O>>>['values'];

/**
 * Strict flags plus exactly one FILE operand, as every `provenant verify ...` command takes them; bad
 * flags become a UsageError (exit 2). Declare `help: { type: 'boolean', short: 'h' }` in `options`.
 */
export function parseSingleFileArgs<const O extends ParseArgsOptionsConfig>(
  argv: readonly string[],
  options: O,
): { values: SingleFileValues<O>; file: string } | 'help' {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : 'bad arguments');
  }
  const values = parsed.values as SingleFileValues<O>;
  if ((values as Record<string, unknown>).help === true) return 'help';
  if (parsed.positionals.length !== 1) throw new UsageError(`expected exactly one FILE, got ${parsed.positionals.length}`);
  return { values, file: parsed.positionals[0] as string };
}
