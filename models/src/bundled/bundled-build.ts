import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GENERATOR_VERSION, type BundledModelDefinition } from './bundled-model.js';
import { reportModel, type ManifestEntry } from './model-report.js';
import { BUNDLED_MODELS } from './registry.js';

export interface BundledManifest {
  readonly generatorVersion: string;
  /** sha256 over the compiled training and codec code: a change there rebuilds even without a version bump. */
  readonly generatorFingerprint: string;
  readonly models: readonly ManifestEntry[];
}

export interface BuildBundledOptions {
  readonly outDir: string;
  /** Retrain even when the outputs are current. */
  readonly force?: boolean;
  readonly models?: readonly BundledModelDefinition[];
  readonly log?: (line: string) => void;
}

export interface BuildBundledResult {
  readonly manifest: BundledManifest;
  readonly skipped: boolean;
}

export const MANIFEST_FILE = 'manifest.json';
const require = createRequire(import.meta.url);

/** models/out next to this package's dist/. */
export function defaultOutDir(): string {
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'out');
}

export function buildBundledModels(options: BuildBundledOptions): BuildBundledResult {
  const log = options.log ?? (() => {});
  const models = options.models ?? BUNDLED_MODELS;
  const fingerprint = generatorFingerprint();
  const existing = readCurrentManifest(options.outDir, fingerprint, models);
  if (existing !== undefined && options.force !== true) {
    log(`bundled models are current (generator ${GENERATOR_VERSION}); skipping training`);
    return { manifest: existing, skipped: true };
  }
  mkdirSync(path.join(options.outDir, 'samples'), { recursive: true });
  const entries: ManifestEntry[] = [];
  for (const definition of models) {
    const started = performance.now();
    const built = reportModel(definition.train(), definition.description);
    writeAtomic(path.join(options.outDir, built.entry.file), built.bytes);
    writeAtomic(path.join(options.outDir, built.entry.sample.file), `${JSON.stringify(built.sample)}\n`);
    entries.push(built.entry);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(`${definition.name}: ${built.entry.sizeBytes} bytes, test accuracy ${built.entry.testAccuracy} (${seconds} s)`);
  }
  const manifest: BundledManifest = { generatorVersion: GENERATOR_VERSION, generatorFingerprint: fingerprint, models: entries };
  writeAtomic(path.join(options.outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifest, skipped: false };
}

/** The manifest if it matches this generator and every file it lists is on disk with its hash. */
function readCurrentManifest(outDir: string, fingerprint: string, models: readonly BundledModelDefinition[]): BundledManifest | undefined {
  const file = path.join(outDir, MANIFEST_FILE);
  if (!existsSync(file)) return undefined;
  let manifest: BundledManifest;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8')) as BundledManifest;
  } catch {
    return undefined;
  }
  if (manifest.generatorVersion !== GENERATOR_VERSION || manifest.generatorFingerprint !== fingerprint) return undefined;
  if (!Array.isArray(manifest.models) || manifest.models.map((m) => m.name).join() !== models.map((m) => m.name).join()) return undefined;
  for (const entry of manifest.models) {
    const modelFile = path.join(outDir, entry.file);
    if (!existsSync(modelFile) || !existsSync(path.join(outDir, entry.sample.file))) return undefined;
    if (createHash('sha256').update(readFileSync(modelFile)).digest('hex') !== entry.sha256) return undefined;
  }
  return manifest;
}

/**
 * Hash of the compiled .js of this package and of @provenant/onnx, in sorted path order. Source maps
 * and declarations are left out: they change with paths, not with behaviour.
 */
export function generatorFingerprint(): string {
  const hash = createHash('sha256');
  const roots = [
    path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
    path.dirname(require.resolve('@provenant/onnx')),
  ];
  for (const root of roots) {
    for (const file of listJs(root)) {
      hash.update(path.relative(root, file).split(path.sep).join('/'));
      hash.update('\0');
      hash.update(readFileSync(file));
      hash.update('\0');
    }
  }
  return hash.digest('hex');
}

function listJs(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listJs(full));
    else if (entry.name.endsWith('.js')) out.push(full);
  }
  return out;
}

/** Write then rename, so a concurrent reader (or an interrupted build) never sees half a file. */
function writeAtomic(file: string, data: Uint8Array | string): void {
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}
