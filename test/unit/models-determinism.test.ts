import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUNDLED_MODELS, buildBundledModels, deterministicExp } from '@provenant/models';
import { REPO_ROOT } from '../support/paths.js';

const OUT = path.join(REPO_ROOT, 'models', 'out');

test('a forced rebuild in a fresh directory reproduces models/out byte for byte', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'provenant-models-'));
  try {
    const { manifest, skipped } = buildBundledModels({ outDir: dir, force: true });
    assert.equal(skipped, false);
    assert.equal(readFileSync(path.join(dir, 'manifest.json'), 'utf8'), readFileSync(path.join(OUT, 'manifest.json'), 'utf8'));
    for (const model of manifest.models) {
      assert.deepEqual(readFileSync(path.join(dir, model.file)), readFileSync(path.join(OUT, model.file)), model.file);
      assert.deepEqual(readFileSync(path.join(dir, model.sample.file)), readFileSync(path.join(OUT, model.sample.file)), model.sample.file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('skips training when outputs are current and retrains when a model file no longer matches its hash', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'provenant-models-'));
  const iris = BUNDLED_MODELS.filter((m) => m.name === 'iris');
  try {
    assert.equal(buildBundledModels({ outDir: dir, models: iris }).skipped, false);
    const original = readFileSync(path.join(dir, 'iris.onnx'));
    assert.equal(buildBundledModels({ outDir: dir, models: iris }).skipped, true);
    writeFileSync(path.join(dir, 'iris.onnx'), Buffer.from('tampered'));
    assert.equal(buildBundledModels({ outDir: dir, models: iris }).skipped, false);
    assert.deepEqual(readFileSync(path.join(dir, 'iris.onnx')), original);
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { generatorVersion: string };
    writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ ...manifest, generatorVersion: 'older' }));
    assert.equal(buildBundledModels({ outDir: dir, models: iris }).skipped, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('deterministicExp stays within a few ulps of Math.exp over the softmax range', () => {
  for (let x = -100; x <= 5; x += 0.0137) {
    const expected = Math.exp(x);
    assert.ok(Math.abs(deterministicExp(x) - expected) <= 4 * Number.EPSILON * expected, `exp(${x})`);
  }
  assert.equal(deterministicExp(0), 1);
  assert.equal(deterministicExp(-1000), 0);
});
