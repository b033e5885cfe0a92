import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  decodeClaims,
  encodeClaims,
  encodeTensorsCanonical,
  fromBase64,
  inclusionPath,
  isProvenantError,
  leafHash,
  merkleRoot,
  merkleTreeWithPaths,
  parseReceipt,
  rootFromInclusionPath,
  tensorsDigest,
  toBase64,
  type ReceiptClaims,
  type Tensor,
} from '@provenant/protocol';

const sha256 = (data: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(data).digest());
const float32 = (values: number[]): Uint8Array => new Uint8Array(Float32Array.from(values).buffer);

test('the canonical tensor encoding matches an independent layout built in the test', () => {
  const tensors: Tensor[] = [
    { name: 'b', dtype: 'INT64', shape: [1], data: new Uint8Array(new BigInt64Array([-2n]).buffer) },
    { name: 'a', dtype: 'FP32', shape: [1, 2], data: float32([1.5, -0.25]) },
  ];
  const parts: Buffer[] = [Buffer.from('PRVT'), Buffer.from([1]), u32(2)];
  // Sorted by name: "a" first. FP32 is ONNX type 1, INT64 is 7.
  parts.push(u16(1), Buffer.from('a'), Buffer.from([1, 2]), u64(1), u64(2), u64(8), Buffer.from(float32([1.5, -0.25])));
  parts.push(u16(1), Buffer.from('b'), Buffer.from([7, 1]), u64(1), u64(8), Buffer.from(new BigInt64Array([-2n]).buffer));
  const expected = Buffer.concat(parts);
  assert.deepEqual(Buffer.from(encodeTensorsCanonical(tensors)), expected);
  assert.deepEqual(Buffer.from(tensorsDigest(tensors)), Buffer.from(sha256(expected)));
  assert.deepEqual(tensorsDigest([...tensors].reverse()), tensorsDigest(tensors), 'order of the list does not matter');
});

test('the tensor digest changes with any change of name, dtype, shape or one data bit', () => {
  const base: Tensor = { name: 'x', dtype: 'FP32', shape: [2, 1], data: float32([1, 2]) };
  const digest = Buffer.from(tensorsDigest([base])).toString('hex');
  const flipped = Uint8Array.from(base.data);
  flipped[0]! ^= 1;
  const variants: Tensor[] = [
    { ...base, name: 'y' },
    { ...base, dtype: 'INT32' },
    { ...base, shape: [1, 2] },
    { ...base, data: flipped },
  ];
  for (const variant of variants) assert.notEqual(Buffer.from(tensorsDigest([variant])).toString('hex'), digest);
});

test('refuses tensors whose data length disagrees with dtype and shape, and duplicate names', () => {
  const t: Tensor = { name: 'x', dtype: 'FP32', shape: [3], data: float32([1, 2]) };
  assert.throws(() => encodeTensorsCanonical([t]), (e) => isProvenantError(e, 'PRV_ERR_TENSOR_INVALID'));
  const ok: Tensor = { name: 'x', dtype: 'FP32', shape: [1], data: float32([1]) };
  assert.throws(() => encodeTensorsCanonical([ok, ok]), (e) => isProvenantError(e, 'PRV_ERR_TENSOR_INVALID'));
  assert.throws(() => encodeTensorsCanonical([{ ...ok, dtype: 'BOOL', data: Uint8Array.of(2) }]), (e) => isProvenantError(e, 'PRV_ERR_TENSOR_INVALID'));
  assert.throws(() => encodeTensorsCanonical([{ ...ok, shape: [1 << 20, 1 << 20] }]), (e) => isProvenantError(e, 'PRV_ERR_TENSOR_TOO_LARGE'));
});

const CLAIMS: ReceiptClaims = {
  v: 1,
  mode: 'session',
  model: new Uint8Array(32).fill(1),
  input: new Uint8Array(32).fill(2),
  output: new Uint8Array(32).fill(3),
  nonce: Uint8Array.of(9, 9),
  ts: 1_732_460_000_000,
  seq: 42,
  key: new Uint8Array(32).fill(4),
};

test('claims encode deterministically with keys sorted shortest first, and round-trip', () => {
  const bytes = encodeClaims(CLAIMS);
  assert.deepEqual(decodeClaims(bytes), CLAIMS);
  // Map of 9; first key is "v" (1 char), then 2-char "ts", then 3-char keys in byte order.
  assert.equal(bytes[0], 0xa9);
  assert.deepEqual([...bytes.subarray(1, 3)], [0x61, 0x76]);
  const text = Buffer.from(bytes).toString('latin1');
  const order = ['v', 'ts', 'key', 'seq', 'mode', 'input', 'model', 'nonce', 'output'].map((k) => text.indexOf(k));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
});

test('decodeClaims refuses a non-deterministic encoding, unknown claims and wrong digest sizes', () => {
  const bytes = encodeClaims(CLAIMS);
  // Re-encode the timestamp as a float: same value, different bytes.
  const asUint64 = Buffer.alloc(9);
  asUint64[0] = 0x1b;
  asUint64.writeBigUInt64BE(BigInt(CLAIMS.ts), 1);
  const asFloat64 = Buffer.alloc(9);
  asFloat64[0] = 0xfb;
  asFloat64.writeDoubleBE(CLAIMS.ts, 1);
  const notCanonical = Buffer.from(bytes).toString('hex').replace(asUint64.toString('hex'), asFloat64.toString('hex'));
  assert.notEqual(notCanonical, Buffer.from(bytes).toString('hex'));
  assert.throws(() => decodeClaims(Uint8Array.from(Buffer.from(notCanonical, 'hex'))), (e) => isProvenantError(e, 'PRV_ERR_RECEIPT_MALFORMED'));
  assert.throws(() => decodeClaims(encodeClaims({ ...CLAIMS, model: new Uint8Array(31) })), (e) => isProvenantError(e, 'PRV_ERR_RECEIPT_MALFORMED'));
  assert.throws(() => decodeClaims(Uint8Array.of(0xa0)), (e) => isProvenantError(e, 'PRV_ERR_RECEIPT_MALFORMED'));
});

test('Merkle inclusion paths verify for every leaf of trees of 1 to 17 leaves (RFC 9162 §2.1.3)', () => {
  for (let size = 1; size <= 17; size++) {
    const leaves = Array.from({ length: size }, (_, i) => leafHash(Uint8Array.of(i)));
    const root = merkleRoot(leaves);
    for (let index = 0; index < size; index++) {
      const path = inclusionPath(leaves, index);
      assert.deepEqual(rootFromInclusionPath(leaves[index]!, index, size, path), root, `size ${size} index ${index}`);
      // The same path claimed for another index or tree size must not give the root.
      const other = rootFromInclusionPath(leaves[index]!, (index + 1) % size, size, path);
      if (size > 1) assert.notDeepEqual(other, root);
      if (path.length > 0) assert.equal(rootFromInclusionPath(leaves[index]!, index, size, path.slice(1)), undefined);
    }
  }
});

test('the Merkle root of two leaves is H(0x01 || H(0x00 || a) || H(0x00 || b))', () => {
  const a = Uint8Array.of(1);
  const b = Uint8Array.of(2);
  const expected = sha256(Buffer.concat([Buffer.from([1]), sha256(Buffer.concat([Buffer.from([0]), a])), sha256(Buffer.concat([Buffer.from([0]), b]))]));
  assert.deepEqual(merkleRoot([leafHash(a), leafHash(b)]), expected);
});

test('base64 round-trips every length and refuses non-canonical or foreign text', () => {
  for (let length = 0; length < 40; length++) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 255);
    assert.equal(toBase64(bytes), Buffer.from(bytes).toString('base64'));
    assert.deepEqual(fromBase64(toBase64(bytes)), bytes);
  }
  for (const bad of ['QQ', 'QR==', 'Q===', 'QQ==\n', 'Q-_A', '====']) {
    assert.throws(() => fromBase64(bad), (e) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT'), bad);
  }
});

test('parseReceipt takes exactly the fields of its mode', () => {
  const session = {
    format: 'provenant.receipt.v1',
    mode: 'session',
    claims: toBase64(encodeClaims(CLAIMS)),
    session_key: toBase64(Uint8Array.from([4, ...new Uint8Array(64).fill(7)])),
    signature: toBase64(new Uint8Array(64).fill(5)),
  };
  assert.equal(parseReceipt(session).mode, 'session');
  const bad = (value: unknown) => assert.throws(() => parseReceipt(value), (e) => isProvenantError(e, 'PRV_ERR_RECEIPT_MALFORMED'));
  bad({ ...session, attestation: 'AAAA' });
  bad({ ...session, signature: toBase64(new Uint8Array(63)) });
  bad({ ...session, format: 'provenant.receipt.v0' });
  bad({ ...session, mode: 'batched' });
  bad({ ...session, session_key: toBase64(new Uint8Array(65)) });
  bad(null);
});

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}
function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}
function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

test('merkleTreeWithPaths gives the same root and paths as the one-leaf-at-a-time functions', () => {
  for (const size of [1, 2, 3, 5, 8, 13, 64, 100]) {
    const leaves = Array.from({ length: size }, (_, i) => leafHash(Uint8Array.of(i, size)));
    const tree = merkleTreeWithPaths(leaves);
    assert.deepEqual(tree.root, merkleRoot(leaves));
    tree.paths.forEach((path, index) => assert.deepEqual(path, inclusionPath(leaves, index), `size ${size} leaf ${index}`));
  }
});
