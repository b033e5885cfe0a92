import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  decodeClaims,
  fromBase64,
  leafHash,
  parseAttestResponse,
  parseInferResponse,
  parseModelList,
  parseReceipt,
  rootFromInclusionPath,
  tensorsDigest,
  toHex,
  type Tensor,
} from '@provenant/protocol';
import { verifyAttestationDocument } from '@provenant/verifier';
import { BUNDLED_MODEL_DIR, startDaemonFixture, type DaemonFixture } from '../support/enclave-test-client.js';

const sha256 = (bytes: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(bytes).digest());
const irisInput: Tensor = { name: 'input', dtype: 'FP32', shape: [1, 4], data: new Uint8Array(Float32Array.of(5.7, 2.9, 4.2, 1.3).buffer) };

function sessionPublicKey(point: Uint8Array) {
  return createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: Buffer.from(point.subarray(1, 33)).toString('base64url'), y: Buffer.from(point.subarray(33)).toString('base64url') },
    format: 'jwk',
  });
}

describe('enclave receipts (mock NSM)', () => {
  let fx: DaemonFixture;
  let root: Uint8Array;
  before(async () => {
    fx = await startDaemonFixture({ batch: { windowMs: 20, maxLeaves: 8 } });
    root = fx.daemon.mockRootDer as Uint8Array;
  });
  after(() => fx.close());

  const infer = async (receipt: string, nonce?: Uint8Array) =>
    parseInferResponse(await fx.client.request('infer', { model: 'iris', inputs: [irisInput], receipt, ...(nonce === undefined ? {} : { nonce }) }));

  it('boot document binds the config digest and the session key, and verifies against the mock root', async () => {
    const nonce = Uint8Array.of(1, 2, 3);
    const attest = parseAttestResponse(await fx.client.request('attest', { nonce }));
    const boot = verifyAttestationDocument(attest.bootDocument, { root, allowDebug: false, expectedUserData: sha256(attest.config), expectedPublicKey: attest.sessionKey });
    assert.equal(boot.ok, true, JSON.stringify(boot.checks.filter((c) => !c.ok)));
    const fresh = verifyAttestationDocument(attest.document, { root, expectedNonce: nonce, expectedUserData: sha256(attest.config) });
    assert.equal(fresh.ok, true);
    assert.equal(verifyAttestationDocument(attest.bootDocument).ok, false, 'the mock document must not verify against the AWS root');
  });

  it('PCR16 equals the SHA-384 extend chain of the boot model hashes in load order', async () => {
    const models = parseModelList(await fx.client.request('model.list', {}));
    assert.deepEqual(models.map((m) => m.name), ['iris', 'mnist-cnn', 'mnist-mlp']);
    let pcr: Uint8Array = new Uint8Array(48);
    for (const model of models) {
      const bytes = await readFile(path.join(BUNDLED_MODEL_DIR, `${model.name}.onnx`));
      assert.equal(model.sha256, toHex(sha256(bytes)), 'model identity is sha256sum of the file');
      pcr = Uint8Array.from(createHash('sha384').update(pcr).update(sha256(bytes)).digest());
    }
    // Documents carry only locked PCRs (nsm-api CDDL: "Map of all locked PCRs"); PCR16 stays unlocked so
    // uploads can extend it, so it is read with DescribePCR, as a verifier inside the enclave would.
    const described = await fx.daemon.parts.nsm.describePcr(16);
    assert.equal(described.locked, false);
    assert.deepEqual(described.data, pcr);
  });

  it('session mode: claims decode and the P-256 signature verifies with node:crypto', async () => {
    const nonce = Uint8Array.of(9, 9, 9, 9);
    const response = await infer('session', nonce);
    const receipt = parseReceipt(response.receipt);
    const claims = decodeClaims(receipt.claimsBytes);
    assert.equal(claims.mode, 'session');
    assert.deepEqual(claims.nonce, nonce);
    assert.deepEqual(claims.input, tensorsDigest([irisInput]));
    assert.deepEqual(claims.output, tensorsDigest(response.outputs));
    assert.equal(toHex(claims.model), response.model.sha256);
    assert.deepEqual(claims.key, sha256(receipt.sessionKey));
    const ok = verify('sha256', receipt.claimsBytes, { key: sessionPublicKey(receipt.sessionKey), dsaEncoding: 'ieee-p1363' }, receipt.signature as Uint8Array);
    assert.equal(ok, true);
    const tampered = Uint8Array.from(receipt.claimsBytes);
    tampered[tampered.length - 1] = (tampered[tampered.length - 1] as number) ^ 1;
    assert.equal(verify('sha256', tampered, { key: sessionPublicKey(receipt.sessionKey), dsaEncoding: 'ieee-p1363' }, receipt.signature as Uint8Array), false);
    const attest = parseAttestResponse(await fx.client.request('attest', {}));
    assert.deepEqual(receipt.sessionKey, attest.sessionKey, 'the receipt key is the boot document key');
  });

  it('attested mode: a fresh document with user_data = SHA-256(claims) and the client nonce', async () => {
    const nonce = Uint8Array.of(4, 5, 6);
    const response = await infer('attested', nonce);
    const receipt = parseReceipt(response.receipt);
    const claims = decodeClaims(receipt.claimsBytes);
    assert.equal(claims.mode, 'attested');
    const report = verifyAttestationDocument(receipt.attestation as Uint8Array, {
      root,
      expectedUserData: sha256(receipt.claimsBytes),
      expectedNonce: nonce,
      expectedPublicKey: receipt.sessionKey,
    });
    assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
  });

  it('batched mode: concurrent requests share one document and each inclusion path gives its user_data', async () => {
    const responses = await Promise.all([1, 2, 3, 4, 5].map(() => infer('batched')));
    const documents = new Set(responses.map((r) => r.receipt.attestation));
    assert.ok(documents.size < responses.length, 'at least two receipts share a document');
    const seqs = new Set<number>();
    for (const response of responses) {
      const receipt = parseReceipt(response.receipt);
      const claims = decodeClaims(receipt.claimsBytes);
      seqs.add(claims.seq);
      const inclusion = receipt.inclusion as NonNullable<typeof receipt.inclusion>;
      const computed = rootFromInclusionPath(leafHash(receipt.claimsBytes), inclusion.index, inclusion.size, inclusion.path);
      assert.ok(computed !== undefined);
      const report = verifyAttestationDocument(receipt.attestation as Uint8Array, { root, expectedUserData: computed, expectedPublicKey: receipt.sessionKey });
      assert.equal(report.ok, true, JSON.stringify(report.checks.filter((c) => !c.ok)));
    }
    assert.equal(seqs.size, responses.length, 'every receipt has its own sequence number');
    assert.equal(fromBase64(responses[0]?.receipt.session_key as string).length, 65);
  });
});
