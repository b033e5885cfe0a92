import { createHash } from 'node:crypto';
import { canonicalTensorParts, type Tensor } from '@provenant/protocol';

/**
 * The receipts' tensor digest (docs/receipts.md §1), hashed with node:crypto. protocol's tensorsDigest gives
 * the same bytes but hashes in pure JS (it must run in browsers): ~120 µs for a 12 KB CIFAR-sized input
 * against ~15 µs here, and the gap grows with the tensor (an image model's input is hundreds of KB).
 */
export function nativeTensorsDigest(tensors: readonly Tensor[]): Uint8Array {
  const hash = createHash('sha256');
  for (const part of canonicalTensorParts(tensors)) hash.update(part);
  const digest = hash.digest();
  return new Uint8Array(digest.buffer, digest.byteOffset, digest.byteLength);
}
