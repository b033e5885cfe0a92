import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { startLocalStack, type LocalStack } from '@provenant/cli/dev';
import { REPO_ROOT } from './paths.js';

export const BUNDLED_MODEL_DIR = path.join(REPO_ROOT, 'models', 'out');

export interface StackFixture {
  readonly stack: LocalStack;
  readonly mockRoot: string;
  /** Everything both processes wrote to stderr, for assertions and for failure messages. */
  logs(): string;
  close(): Promise<void>;
}

/** A real enclave process (mock NSM) and a real proxy process on a fresh state directory. */
export async function startStackFixture(link: 'unix' | 'tcp', extra: { enclaveArgs?: string[] } = {}): Promise<StackFixture> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'provenant-e2e-'));
  const log = new PassThrough();
  let text = '';
  log.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  const stack = await startLocalStack({ port: 0, stateDir, modelDir: BUNDLED_MODEL_DIR, link, log, ...(extra.enclaveArgs ? { enclaveArgs: extra.enclaveArgs } : {}) });
  return {
    stack,
    mockRoot: await readFile(stack.mockRootPem, 'utf8'),
    logs: () => text,
    close: async () => {
      await stack.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}

export interface Manifest {
  readonly models: readonly { readonly name: string; readonly sha256: string }[];
}

export async function bundledSha256(name: string): Promise<string> {
  const manifest = JSON.parse(await readFile(path.join(BUNDLED_MODEL_DIR, 'manifest.json'), 'utf8')) as Manifest;
  const entry = manifest.models.find((model) => model.name === name);
  if (entry === undefined) throw new Error(`no bundled model ${name}`);
  return entry.sha256;
}

export async function bundledSample(name: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(BUNDLED_MODEL_DIR, 'samples', `${name}.json`), 'utf8')) as Record<string, unknown>;
}
