import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import { makePresignatures, opensslNonces, signWithPresignature, type NoncePoint, type Presignature } from './presignatures.js';

/** SEC1 §2.3.3 uncompressed point: 0x04 || X || Y, 32 bytes each for P-256. */
export const SESSION_PUBLIC_KEY_BYTES = 65;

/** Presignatures kept ready; a refill starts below three quarters, in batches that each hold the loop ~0.15 ms. */
const PRESIGNATURES = 64;
const REFILL_BATCH = 8;

export interface SessionKeyOptions {
  /** Presignatures kept ready (0: every receipt pays the whole signature on its path). */
  readonly presignatures?: number;
  /** Where nonces come from; tests pin them to published vectors. Default: OpenSSL key generation. */
  readonly nonces?: () => NoncePoint;
}

/**
 * The per-boot ECDSA P-256 signing key (docs/receipts.md). P-256 because node:crypto signs it in ~25 µs,
 * browsers verify it with WebCrypto and EVM chains through the RIP-7212 precompile. The private key never
 * leaves this object.
 *
 * A receipt's signature is on its request's critical path, right after inference, when the caches are
 * cold: measured in the daemon, node:crypto's sign took ~80 µs there. So nonces are made ahead, off the
 * path (presignatures.ts), and a receipt pays only for s; with none left it falls back to node:crypto.
 */
export class SessionKey {
  readonly #privateKey: KeyObject;
  readonly #privateScalar: bigint;
  readonly #nonces: () => NoncePoint;
  readonly #capacity: number;
  #ready: Presignature[] = [];
  #refill: NodeJS.Immediate | undefined;
  /** SEC1 uncompressed public key, the boot document's public_key. */
  readonly publicKey: Uint8Array;
  /** SHA-256 of publicKey: the receipt claims' `key`. */
  readonly keyId: Uint8Array;

  private constructor(privateKey: KeyObject, publicKey: KeyObject, options: SessionKeyOptions) {
    this.#privateKey = privateKey;
    this.#privateScalar = bytesToNumberBE(Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url'));
    this.#nonces = options.nonces ?? opensslNonces();
    this.#capacity = options.presignatures ?? PRESIGNATURES;
    const jwk = publicKey.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x as string, 'base64url');
    const y = Buffer.from(jwk.y as string, 'base64url');
    const point = new Uint8Array(SESSION_PUBLIC_KEY_BYTES);
    point[0] = 0x04;
    point.set(x, 1 + 32 - x.length);
    point.set(y, 33 + 32 - y.length);
    this.publicKey = point;
    this.keyId = Uint8Array.from(createHash('sha256').update(point).digest());
    if (this.#capacity > 0) this.#ready = makePresignatures(this.#capacity, this.#nonces);
  }

  static generate(options: SessionKeyOptions = {}): SessionKey {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return new SessionKey(privateKey, publicKey, options);
  }

  /** Presignatures ready now. */
  get presignatures(): number {
    return this.#ready.length;
  }

  /** ECDSA P-256 / SHA-256 over `message`, as IEEE P1363 r || s (64 bytes). */
  sign(message: Uint8Array): Uint8Array {
    // pop() hands each presignature out once: its nonce never signs a second message.
    const pre = this.#ready.pop();
    this.#scheduleRefill();
    if (pre !== undefined) {
      const signature = signWithPresignature(createHash('sha256').update(message).digest(), this.#privateScalar, pre);
      if (signature !== undefined) return signature;
    }
    return Uint8Array.from(sign('sha256', message, { key: this.#privateKey, dsaEncoding: 'ieee-p1363' }));
  }

  /** Stops refilling (shutdown); sign() keeps working on what is left, then on node:crypto. */
  close(): void {
    if (this.#refill !== undefined) clearImmediate(this.#refill);
    this.#refill = undefined;
  }

  #scheduleRefill(): void {
    if (this.#refill !== undefined || 4 * this.#ready.length >= 3 * this.#capacity) return;
    const step = (): void => {
      const missing = this.#capacity - this.#ready.length;
      if (missing <= 0) {
        this.#refill = undefined;
        return;
      }
      // Newly made ones go under the rest: the stack's top is what the next receipt takes.
      this.#ready.unshift(...makePresignatures(Math.min(REFILL_BATCH, missing), this.#nonces));
      this.#refill = setImmediate(step).unref();
    };
    this.#refill = setImmediate(step).unref();
  }
}
