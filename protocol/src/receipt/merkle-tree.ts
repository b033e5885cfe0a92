import { sha256 } from '@noble/hashes/sha2.js';
import { createError } from '../errors/index.js';

/**
 * The Merkle tree of RFC 9162 §2.1 (Certificate Transparency v2) over SHA-256: leaf = H(0x00 || data),
 * node = H(0x01 || left || right), and a tree of n leaves splits at the largest power of two below n.
 * Batched receipts put the root in the NSM document's user_data and carry an inclusion path.
 */
export const MAX_BATCH_LEAVES = 4096;

export function leafHash(data: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(0x00), data));
}

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(concat(Uint8Array.of(0x01), left, right));
}

/** Root over already-hashed leaves (RFC 9162 §2.1.1 MTH). */
export function merkleRoot(leaves: readonly Uint8Array[]): Uint8Array {
  if (leaves.length === 0 || leaves.length > MAX_BATCH_LEAVES) throw createError('PRV_ERR_OUT_OF_RANGE', `tree of ${leaves.length} leaves`);
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  const k = largestPowerOfTwoBelow(leaves.length);
  return nodeHash(merkleRoot(leaves.slice(0, k)), merkleRoot(leaves.slice(k)));
}

/** Inclusion path for leaf `index` (RFC 9162 §2.1.3.1 PATH), ordered from the leaf up. */
export function inclusionPath(leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) throw createError('PRV_ERR_OUT_OF_RANGE', `leaf ${index}`);
  if (leaves.length === 1) return [];
  const k = largestPowerOfTwoBelow(leaves.length);
  return index < k
    ? [...inclusionPath(leaves.slice(0, k), index), merkleRoot(leaves.slice(k))]
    : [...inclusionPath(leaves.slice(k), index - k), merkleRoot(leaves.slice(0, k))];
}

/**
 * The root and every leaf's inclusion path in one pass, O(n log n) hashes: what a batch needs. Calling
 * inclusionPath for each leaf would recompute subtree roots over and over (O(n^2) hashes).
 */
export function merkleTreeWithPaths(leaves: readonly Uint8Array[]): { root: Uint8Array; paths: Uint8Array[][] } {
  if (leaves.length === 0 || leaves.length > MAX_BATCH_LEAVES) throw createError('PRV_ERR_OUT_OF_RANGE', `tree of ${leaves.length} leaves`);
  return subtree(leaves);
}

function subtree(leaves: readonly Uint8Array[]): { root: Uint8Array; paths: Uint8Array[][] } {
  if (leaves.length === 1) return { root: leaves[0] as Uint8Array, paths: [[]] };
  const k = largestPowerOfTwoBelow(leaves.length);
  const left = subtree(leaves.slice(0, k));
  const right = subtree(leaves.slice(k));
  // RFC 9162 §2.1.3.1: a left leaf's path continues with the right subtree's root, and vice versa.
  for (const path of left.paths) path.push(right.root);
  for (const path of right.paths) path.push(left.root);
  return { root: nodeHash(left.root, right.root), paths: [...left.paths, ...right.paths] };
}

/**
 * Recomputes the root from a leaf hash and its path (RFC 9162 §2.1.3.2). Returns undefined when the path
 * length does not fit the tree size: the caller reports that as a failed check.
 */
export function rootFromInclusionPath(leaf: Uint8Array, index: number, treeSize: number, path: readonly Uint8Array[]): Uint8Array | undefined {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(treeSize) || index < 0 || index >= treeSize || treeSize > MAX_BATCH_LEAVES) {
    return undefined;
  }
  let fn = index;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return undefined;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : undefined;
}

function largestPowerOfTwoBelow(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
