import { createHash, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** SEC1 §2.3.3 uncompressed point: 0x04 || X || Y, 32 bytes each for P-256. */
export const SESSION_PUBLIC_KEY_BYTES = 65;

/**
 * The per-boot ECDSA P-256 signing key (docs/receipts.md). P-256 because node:crypto signs it in ~20 us,
 * browsers verify it with WebCrypto and EVM chains through the RIP-7212 precompile. The private key is a
 * non-extractable KeyObject field and never leaves this object.
 */
export class SessionKey {
  readonly #privateKey: KeyObject;
  /** SEC1 uncompressed public key, the boot document's public_key. */
  readonly publicKey: Uint8Array;
  /** SHA-256 of publicKey: the receipt claims' `key`. */
  readonly keyId: Uint8Array;

  private constructor(privateKey: KeyObject, publicKey: KeyObject) {
    this.#privateKey = privateKey;
    const jwk = publicKey.export({ format: 'jwk' });
    const x = Buffer.from(jwk.x as string, 'base64url');
    const y = Buffer.from(jwk.y as string, 'base64url');
    const point = new Uint8Array(SESSION_PUBLIC_KEY_BYTES);
    point[0] = 0x04;
    point.set(x, 1 + 32 - x.length);
    point.set(y, 33 + 32 - y.length);
    this.publicKey = point;
    this.keyId = Uint8Array.from(createHash('sha256').update(point).digest());
  }

  static generate(): SessionKey {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return new SessionKey(privateKey, publicKey);
  }

  /** ECDSA P-256 / SHA-256 over `message`, as IEEE P1363 r || s (64 bytes). */
  sign(message: Uint8Array): Uint8Array {
    return Uint8Array.from(sign('sha256', message, { key: this.#privateKey, dsaEncoding: 'ieee-p1363' }));
  }
}
