import assert from 'node:assert/strict';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { decodeCbor, isProvenantError } from '@provenant/protocol';
import { DEFAULT_LIMITS, encodeEffectiveConfig, loadEnclaveConfig, parseEnclaveConfig } from '@provenant/enclave';

const MOCK = { backend: 'mock', allowMock: true, mockStateDir: '/tmp/x' };
const isConfigInvalid = (e: unknown): boolean => isProvenantError(e, 'PRV_ERR_CONFIG_INVALID');

describe('enclave config', () => {
  it('fills defaults for limits, batch and heartbeat', () => {
    const config = parseEnclaveConfig({ listen: 'tcp://127.0.0.1:5000', nsm: { backend: 'device' } });
    assert.deepEqual(config.limits, DEFAULT_LIMITS);
    assert.equal(config.batch.windowMs, 0);
    assert.equal(config.batch.maxLeaves, 256);
    assert.equal(config.modelDir, null);
  });

  it('refuses unknown keys at every level', () => {
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, extra: 1 }), isConfigInvalid);
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: { ...MOCK, devicePth: 'x' } }), isConfigInvalid);
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, limits: { maxQueu: 1 } }), isConfigInvalid);
  });

  it('refuses the mock backend without the explicit allowMock opt-in', () => {
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: { backend: 'mock', mockStateDir: '/tmp/x' } }), /allowMock/);
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: { backend: 'device', allowMock: true } }), isConfigInvalid);
  });

  it('refuses a bad transport address and out-of-range limits', () => {
    assert.throws(() => parseEnclaveConfig({ listen: 'http://x', nsm: MOCK }), isConfigInvalid);
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, limits: { concurrency: 0 } }), isConfigInvalid);
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, limits: { maxModelBytes: 2 ** 40 } }), isConfigInvalid);
    assert.throws(() => parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, heartbeat: { intervalMs: 10, timeoutMs: 5 } }), isConfigInvalid);
  });

  it('merges flags over the JSON file and refuses unknown flags', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'prv-config-'));
    try {
      const file = path.join(dir, 'enclave.json');
      await writeFile(file, JSON.stringify({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, limits: { maxQueue: 7, concurrency: 3 } }));
      const config = await loadEnclaveConfig(['--config', file, '--concurrency', '1', '--batch-window-ms', '9']);
      assert.equal(config.limits.maxQueue, 7);
      assert.equal(config.limits.concurrency, 1);
      assert.equal(config.batch.windowMs, 9);
      await assert.rejects(loadEnclaveConfig(['--config', file, '--nope']), isConfigInvalid);
      await assert.rejects(loadEnclaveConfig(['--config', file, '--max-queue', '-1']), isConfigInvalid);
      await writeFile(file, '{not json');
      await assert.rejects(loadEnclaveConfig(['--config', file]), isConfigInvalid);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('encodes the effective config as deterministic CBOR that does not depend on key order', () => {
    const a = parseEnclaveConfig({ listen: 'tcp://127.0.0.1:1', nsm: MOCK, limits: { maxQueue: 3, concurrency: 1 } });
    const b = parseEnclaveConfig({ limits: { concurrency: 1, maxQueue: 3 }, nsm: MOCK, listen: 'tcp://127.0.0.1:1' });
    assert.deepEqual(encodeEffectiveConfig(a), encodeEffectiveConfig(b));
    const decoded = decodeCbor(encodeEffectiveConfig(a), { maxBytes: 4096, maxDepth: 4, maxItems: 100, allowedTags: new Set() });
    assert.ok(decoded instanceof Map);
    assert.deepEqual([...decoded.keys()], ['zk', 'nsm', 'batch', 'limits', 'listen', 'logSink', 'modelDir', 'heartbeat', 'sealModels']);
  });

  it('zk section: defaults to ptau "none", refuses unknown keys and out-of-range values, and takes --zk-* flags', async () => {
    const base = { listen: 'tcp://127.0.0.1:1', nsm: MOCK };
    const config = parseEnclaveConfig(base);
    assert.deepEqual(config.zk, { ptau: 'none', cacheDir: '.provenant/zk-cache', scaleBits: 8, bitWidth: 20, provers: 1, maxPendingProofs: 16, maxReceipts: 1024 });
    assert.throws(() => parseEnclaveConfig({ ...base, zk: { ptau: 'dev', curve: 'bls' } }), isConfigInvalid);
    assert.throws(() => parseEnclaveConfig({ ...base, zk: { bitWidth: 8, scaleBits: 8 } }), isConfigInvalid);
    assert.throws(() => parseEnclaveConfig({ ...base, zk: { maxPendingProofs: 0 } }), isConfigInvalid);
    assert.throws(() => parseEnclaveConfig({ ...base, zk: { ptau: '' } }), isConfigInvalid);
    const flagged = await loadEnclaveConfig(['--listen', 'tcp://127.0.0.1:1', '--nsm', 'mock', '--allow-mock-nsm', '--mock-state-dir', '/tmp/x', '--zk-ptau', 'dev', '--zk-max-receipts', '5']);
    assert.equal(flagged.zk.ptau, 'dev');
    assert.equal(flagged.zk.maxReceipts, 5);
  });
});
