import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/paths.js';

/**
 * These machines have no Docker engine, so the enclave image is never built here (eif-build/README.md).
 * What can drift silently is the Dockerfile's list of workspaces and addons against the package graph: a
 * workspace the daemon imports but the image lacks fails only inside an enclave. These tests read both.
 */
interface Manifest {
  readonly name: string;
  readonly dependencies?: Record<string, string>;
  readonly gypfile?: boolean;
  readonly scripts?: Record<string, string>;
}

const rootManifest = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
const workspaces = new Map<string, { dir: string; manifest: Manifest }>();
for (const dir of rootManifest.workspaces) {
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8')) as Manifest;
  workspaces.set(manifest.name, { dir, manifest });
}
const dockerfile = readFileSync(path.join(REPO_ROOT, 'eif-build', 'Dockerfile'), 'utf8');

/** The workspaces `provenant enclave` loads: @provenant/enclave and its @provenant dependencies, transitively. */
function enclaveClosure(): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string): void => {
    if (seen.has(name)) return;
    seen.add(name);
    const entry = workspaces.get(name);
    assert.ok(entry, `${name} is not a workspace`);
    for (const dep of Object.keys(entry.manifest.dependencies ?? {})) if (dep.startsWith('@provenant/')) visit(dep);
  };
  visit('@provenant/enclave');
  return new Set([...seen].map((name) => workspaces.get(name)!.dir));
}

function listAfter(pattern: RegExp): string[] {
  const match = pattern.exec(dockerfile);
  assert.ok(match?.[1], `the Dockerfile has no ${pattern}`);
  return match[1].trim().split(/\s+/);
}

describe('eif-build/Dockerfile against the workspace graph', () => {
  it('copies every workspace the enclave daemon loads, and cli for the entry point', () => {
    const copied = new Set(listAfter(/for ws in ([^;]+); do/));
    for (const dir of [...enclaveClosure(), 'cli']) assert.ok(copied.has(dir), `the image lacks workspace ${dir}`);
  });

  it('copies the addon of every copied workspace that builds one, from where its loader looks', () => {
    const copied = listAfter(/for ws in ([^;]+); do/);
    const addons = listAfter(/for addon in ([^;]+); do/);
    for (const dir of copied) {
      const manifest = workspaces.get([...workspaces.keys()].find((name) => workspaces.get(name)!.dir === dir)!)!.manifest;
      if (manifest.gypfile !== true) continue;
      // node-gyp writes build/ next to the binding.gyp it builds: the package root or --directory=DIR.
      const gypDir = /--directory=(\S+)/.exec(manifest.scripts?.install ?? '')?.[1];
      const expected = path.posix.join(dir, gypDir ?? '', 'build/Release');
      assert.ok(existsSync(path.join(REPO_ROOT, dir, gypDir ?? '', 'binding.gyp')), `${dir} declares gypfile without a binding.gyp`);
      assert.ok(addons.includes(expected), `the image lacks ${dir}'s addon (${expected})`);
    }
  });

  it('removes the links of exactly the workspaces it does not copy, so none dangles and none needed is cut', () => {
    const copied = new Set(listAfter(/for ws in ([^;]+); do/));
    const removed = [...dockerfile.matchAll(/"\$out\/node_modules\/(@provenant\/[a-z-]+)"/g)].map((m) => m[1]!);
    const notCopied = [...workspaces.values()].filter(({ dir }) => !copied.has(dir)).map(({ manifest }) => manifest.name);
    assert.deepEqual([...removed].sort(), [...notCopied].filter((name) => name !== '@provenant/cli').sort());
  });
});
