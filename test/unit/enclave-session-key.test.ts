import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify } from 'node:crypto';
import { setImmediate as turn } from 'node:timers/promises';
import { test } from 'node:test';
import { p256 } from '@noble/curves/nist.js';
import { SessionKey, makePresignatures, opensslNonces, signWithPresignature, type NoncePoint } from '@provenant/enclave';

const N = p256.Point.Fn.ORDER;
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const sha256 = (bytes: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(bytes).digest());
const nodeVerifies = (key: SessionKey, message: Uint8Array, signature: Uint8Array): boolean =>
  verify('sha256', message, { key: jwkKey(key.publicKey), dsaEncoding: 'ieee-p1363' }, signature);
const jwkKey = (point: Uint8Array) =>
  createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: Buffer.from(point.subarray(1, 33)).toString('base64url'), y: Buffer.from(point.subarray(33)).toString('base64url') }, format: 'jwk' });
const nobleVerifies = (key: SessionKey, message: Uint8Array, signature: Uint8Array): boolean =>
  p256.verify(signature, message, key.publicKey, { lowS: false });

test('a presignature with RFC 6979 A.2.5\'s nonce reproduces its P-256 / SHA-256 signature of "sample"', () => {
  // RFC 6979 appendix A.2.5: private key x, the nonce k it derives for "sample" with SHA-256, and (r, s).
  const x = 0xc9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721n;
  const k = 0xa6e3c57dd01abe90086538398355dd4c3b17aa873382b0f24d6129493d8aad60n;
  const [pre] = makePresignatures(1, () => ({ k, x: p256.Point.BASE.multiply(k).toAffine().x }));
  const signature = signWithPresignature(sha256(new TextEncoder().encode('sample')), x, pre!);
  assert.equal(
    hex(signature!),
    'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716' + 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8',
  );
});

test('a nonce whose r would be 0 is skipped, and a batch still has the count asked for', () => {
  const fresh = opensslNonces();
  let calls = 0;
  const source = (): NoncePoint => (calls++ === 0 ? { k: 5n, x: N } : fresh());
  const batch = makePresignatures(3, source);
  assert.equal(batch.length, 3);
  assert.equal(calls, 4);
  assert.ok(batch.every((pre) => pre.r !== 0n && pre.kInv !== 0n));
});

test('session signatures verify with node:crypto and noble, and fail on a changed message', () => {
  const key = SessionKey.generate();
  for (let i = 0; i < 20; i++) {
    const message = new TextEncoder().encode(`claims ${i}`);
    const signature = key.sign(message);
    assert.equal(signature.length, 64);
    assert.ok(nodeVerifies(key, message, signature), `node:crypto, message ${i}`);
    assert.ok(nobleVerifies(key, message, signature), `noble, message ${i}`);
    assert.ok(!nodeVerifies(key, new TextEncoder().encode(`claims ${i}!`), signature));
  }
  key.close();
});

test('no nonce signs twice: past the ready presignatures (node:crypto fallback) and through refills, every r differs', async () => {
  const key = SessionKey.generate({ presignatures: 16 });
  assert.equal(key.presignatures, 16);
  const rs = new Set<string>();
  const check = (i: number): void => {
    const message = new TextEncoder().encode(`m${i}`);
    const signature = key.sign(message);
    assert.ok(nodeVerifies(key, message, signature), `message ${i}`);
    rs.add(hex(signature.subarray(0, 32)));
  };
  // 24 in one turn: 16 presigned, then 8 from the fallback, before any refill could run.
  for (let i = 0; i < 24; i++) check(i);
  assert.equal(key.presignatures, 0);
  for (let i = 0; i < 20 && key.presignatures < 16; i++) await turn();
  assert.equal(key.presignatures, 16, 'refilled to capacity between turns');
  for (let i = 24; i < 60; i++) {
    check(i);
    if (i % 5 === 0) await turn();
  }
  assert.equal(rs.size, 60);
  key.close();
});

test('with presignatures turned off, the nonce source is never used and signatures still verify', async () => {
  const key = SessionKey.generate({ presignatures: 0, nonces: () => assert.fail('nonce source used') });
  const message = new TextEncoder().encode('claims');
  assert.ok(nodeVerifies(key, message, key.sign(message)));
  await turn();
  await turn();
  assert.equal(key.presignatures, 0);
  key.close();
});
