import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { nativeTensorsDigest } from '@provenant/enclave';
import { tensorsDigest, type Tensor } from '@provenant/protocol';

test('the enclave digest (node:crypto) equals the spec digest (protocol, pure JS) on tensors of every size class', () => {
  // Sizes cross SHA-256's 64-byte block and 55-byte padding boundaries, and reach a CIFAR-sized input.
  for (const elements of [0, 1, 13, 14, 15, 16, 17, 100, 3072, 50_000]) {
    const tensors: Tensor[] = [
      { name: 'b', dtype: 'FP32', shape: [elements], data: new Uint8Array(randomBytes(elements * 4)) },
      { name: 'a', dtype: 'INT8', shape: [1, elements], data: new Uint8Array(randomBytes(elements)) },
    ];
    assert.deepEqual(nativeTensorsDigest(tensors), tensorsDigest(tensors), `${elements} elements`);
  }
});

test('the enclave digest changes with any byte of a tensor, as the spec digest does', () => {
  const data = new Uint8Array(randomBytes(64));
  const before = nativeTensorsDigest([{ name: 'x', dtype: 'UINT8', shape: [64], data }]);
  data[63]! ^= 1;
  assert.notDeepEqual(nativeTensorsDigest([{ name: 'x', dtype: 'UINT8', shape: [64], data }]), before);
});
