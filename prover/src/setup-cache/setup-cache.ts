import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createError } from '@provenant/protocol';

/** Default location, relative to the working directory; gitignored (.provenant/). */
export const DEFAULT_ZK_CACHE_DIR = path.join('.provenant', 'zk-cache');

/** Cache entries are named by us (stage names, hex digests); anything else is refused before touching the disk. */
const ENTRY_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;
const HEX_DIGEST = /^[0-9a-f]{64}$/;

/**
 * A directory of setup artefacts (ptau files, zkeys, verifying keys), one file per pipeline stage, so an
 * interrupted setup resumes at the first missing stage. Each file has a `.sha256` sidecar written after
 * the file itself: a file without one is an interrupted write and counts as missing; a file whose bytes
 * no longer match its sidecar is corruption and raises PRV_ERR_ZK_CACHE_CORRUPT rather than feeding
 * damaged keys to the prover. Writes go to a temporary name and are renamed into place (atomic on POSIX).
 */
export class SetupCache {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** Path of an entry under `ptau/` or `circuits/<digest>/`. */
  entryPath(area: CacheArea, name: string): string {
    if (!ENTRY_NAME.test(name)) throw createError('PRV_ERR_INVALID_ARGUMENT', `bad cache entry name '${name}'`);
    return path.join(this.#areaDir(area), name);
  }

  async read(area: CacheArea, name: string): Promise<Uint8Array | undefined> {
    const file = this.entryPath(area, name);
    let recorded: string;
    try {
      recorded = (await readFile(`${file}.sha256`, 'utf8')).trim();
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(file));
    } catch (error) {
      if (isMissing(error)) throw createError('PRV_ERR_ZK_CACHE_CORRUPT', `${file} is missing but its .sha256 exists`);
      throw error;
    }
    if (sha256Hex(bytes) !== recorded) throw createError('PRV_ERR_ZK_CACHE_CORRUPT', `${file} does not match its .sha256`);
    return bytes;
  }

  async write(area: CacheArea, name: string, bytes: Uint8Array): Promise<void> {
    const file = this.entryPath(area, name);
    await mkdir(path.dirname(file), { recursive: true });
    await atomicWrite(file, bytes);
    await atomicWrite(`${file}.sha256`, new TextEncoder().encode(`${sha256Hex(bytes)}\n`));
  }

  async readJson(area: CacheArea, name: string): Promise<unknown> {
    const bytes = await this.read(area, name);
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    } catch {
      throw createError('PRV_ERR_ZK_CACHE_CORRUPT', `${this.entryPath(area, name)} is not JSON`);
    }
  }

  async writeJson(area: CacheArea, name: string, value: unknown): Promise<void> {
    await this.write(area, name, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
  }

  /** Removes one entry and its sidecar (a stage to redo). */
  async remove(area: CacheArea, name: string): Promise<void> {
    const file = this.entryPath(area, name);
    await rm(`${file}.sha256`, { force: true });
    await rm(file, { force: true });
  }

  #areaDir(area: CacheArea): string {
    if (area === 'ptau') return path.join(this.root, 'ptau');
    if (!HEX_DIGEST.test(area.circuit)) throw createError('PRV_ERR_INVALID_ARGUMENT', 'circuit digest must be 64 lowercase hex digits');
    return path.join(this.root, 'circuits', area.circuit);
  }
}

export type CacheArea = 'ptau' | { readonly circuit: string };

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function atomicWrite(file: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';
}
