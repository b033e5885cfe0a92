import { createECDH, type ECDH } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { bytesToNumberBE, numberToBytesBE } from '@noble/curves/utils.js';

/** Scalars mod n, the P-256 group order. */
const Fn = p256.Point.Fn;

/**
 * The part of one ECDSA P-256 signature that does not depend on the message (FIPS 186-5 §6.4.1): for a
 * fresh nonce k, r = x(k·G) mod n and k⁻¹ mod n. The scalar multiplication is nearly all of a signature's
 * cost, so making these ahead of time, off the request path, leaves two multiplications mod n per receipt.
 * Each one signs exactly one message: reusing k with two messages reveals the private key.
 */
export interface Presignature {
  readonly r: bigint;
  readonly kInv: bigint;
}

/** A nonce and the x coordinate of k·G, as a nonce source produces them. */
export interface NoncePoint {
  readonly k: bigint;
  readonly x: bigint;
}

/**
 * Fresh nonces from OpenSSL: EC key generation draws k uniformly from [1, n-1] and computes k·G in constant
 * time. One ECDH object is reused; each generateKeys() replaces the previous pair.
 */
export function opensslNonces(ecdh: ECDH = createECDH('prime256v1')): () => NoncePoint {
  return () => {
    ecdh.generateKeys();
    const point = ecdh.getPublicKey();
    return { k: bytesToNumberBE(ecdh.getPrivateKey()), x: bytesToNumberBE(point.subarray(1, 33)) };
  };
}

/**
 * `count` presignatures from `nonce`, with one field inversion for the whole batch (Montgomery's trick,
 * inside noble's invertBatch). A nonce whose r is 0 is skipped, as FIPS 186-5 says to draw another.
 */
export function makePresignatures(count: number, nonce: () => NoncePoint): Presignature[] {
  const ks: bigint[] = [];
  const rs: bigint[] = [];
  while (ks.length < count) {
    const { k, x } = nonce();
    const r = Fn.create(x);
    if (r === 0n || Fn.create(k) === 0n) continue;
    ks.push(Fn.create(k));
    rs.push(r);
  }
  const inverses = Fn.invertBatch(ks);
  return rs.map((r, i) => ({ r, kInv: inverses[i] as bigint }));
}

/**
 * s = k⁻¹·(z + r·d) mod n, with z the SHA-256 digest of the message read as a 256-bit integer (P-256's
 * order has 256 bits, so nothing is truncated). Returns IEEE P1363 r || s, or undefined in the
 * negligible case s = 0, where the caller must use another presignature.
 */
export function signWithPresignature(digest: Uint8Array, privateScalar: bigint, pre: Presignature): Uint8Array | undefined {
  const z = Fn.create(bytesToNumberBE(digest));
  const s = Fn.mul(pre.kInv, Fn.add(z, Fn.mul(pre.r, privateScalar)));
  if (s === 0n) return undefined;
  const signature = new Uint8Array(64);
  signature.set(numberToBytesBE(pre.r, 32), 0);
  signature.set(numberToBytesBE(s, 32), 32);
  return signature;
}
