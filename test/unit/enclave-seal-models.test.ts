import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeCbor, isProvenantError, parseAttestResponse, toHex } from '@provenant/protocol';
import { decodeAttestationDocument, verifyAttestationDocument } from '@provenant/verifier';
import { BUNDLED_MODEL_DIR, startDaemonFixture, type DaemonFixture } from '../support/enclave-test-client.js';

const sha256 = (bytes: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(bytes).digest());

/**
 * PCR16 as the test computes it, independently of the daemon: the bundled models' SHA-256 in load order
 * (file names sorted), each extended as the NSM does: PCR := SHA-384(PCR || data), from 48 zero bytes.
 */
async function expectedPcr16(): Promise<Uint8Array> {
  const files = (await readdir(BUNDLED_MODEL_DIR)).filter((file) => file.endsWith('.onnx')).sort();
  assert.ok(files.length >= 2, 'the bundled models are built (npm run build trains them)');
  let pcr = new Uint8Array(48);
  for (const file of files) {
    const digest = sha256(await readFile(path.join(BUNDLED_MODEL_DIR, file)));
    pcr = Uint8Array.from(createHash('sha384').update(pcr).update(digest).digest());
  }
  return pcr;
}

const isSealed = (error: unknown): boolean => isProvenantError(error, 'PRV_ERR_MODEL_SEALED');

describe('sealModels: PCR16 locked after the boot models', () => {
  let fx: DaemonFixture;
  before(async () => {
    fx = await startDaemonFixture({ sealModels: true });
  });
  after(() => fx.close());

  it('a fresh attestation document carries PCR16 = the extend chain of the bundled models, and it verifies pinned', async () => {
    const attest = parseAttestResponse(await fx.client.request('attest', { nonce: Uint8Array.of(7) }));
    const expected = await expectedPcr16();
    const pcrs = decodeAttestationDocument(attest.document).payload.pcrs;
    assert.equal(toHex(pcrs.get(16) ?? new Uint8Array()), toHex(expected));
    const root = fx.daemon.mockRootDer as Uint8Array;
    assert.equal(verifyAttestationDocument(attest.document, { root, expectedPcrs: { 16: expected } }).ok, true);
    const wrong = Uint8Array.from(expected);
    wrong[0] = (wrong[0] as number) ^ 1;
    assert.equal(verifyAttestationDocument(attest.document, { root, expectedPcrs: { 16: wrong } }).ok, false);
  });

  it('the boot document, which session receipts rest on, already carries the locked PCR16', async () => {
    const attest = parseAttestResponse(await fx.client.request('attest', {}));
    assert.equal(toHex(decodeAttestationDocument(attest.bootDocument).payload.pcrs.get(16) ?? new Uint8Array()), toHex(await expectedPcr16()));
  });

  it('refuses uploads and deletes with PRV_ERR_MODEL_SEALED and keeps serving the boot models', async () => {
    const bytes = await readFile(path.join(BUNDLED_MODEL_DIR, 'iris.onnx'));
    await assert.rejects(fx.client.putModel('iris-copy', new Uint8Array(bytes)), isSealed);
    await assert.rejects(fx.client.request('model.delete', { name: 'iris' }), isSealed);
    assert.throws(() => fx.daemon.parts.registry.reserve('other'), isSealed);
    const described = await fx.daemon.parts.nsm.describePcr(16);
    assert.equal(described.locked, true);
    assert.equal(toHex(described.data), toHex(await expectedPcr16()), 'no refused operation extended PCR16');
    assert.equal(fx.daemon.parts.registry.size, 3);
  });

  it('attests sealModels: the boot document user_data is the hash of a config that says sealModels: true', async () => {
    const attest = parseAttestResponse(await fx.client.request('attest', {}));
    const boot = decodeAttestationDocument(attest.bootDocument).payload;
    assert.deepEqual(boot.userData, sha256(attest.config));
    const config = decodeCbor(attest.config, { maxBytes: 4096, maxDepth: 4, maxItems: 100, allowedTags: new Set() });
    assert.ok(config instanceof Map);
    assert.equal(config.get('sealModels'), true);
  });
});

describe('without sealModels', () => {
  let fx: DaemonFixture;
  before(async () => {
    fx = await startDaemonFixture();
  });
  after(() => fx.close());

  it('PCR16 stays unlocked and is absent from attestation documents', async () => {
    const attest = parseAttestResponse(await fx.client.request('attest', {}));
    const pcrs = decodeAttestationDocument(attest.document).payload.pcrs;
    assert.equal(pcrs.has(16), false);
    assert.deepEqual([...pcrs.keys()].sort((a, b) => a - b), Array.from({ length: 16 }, (_, i) => i));
    assert.equal((await fx.daemon.parts.nsm.describePcr(16)).locked, false);
  });
});
