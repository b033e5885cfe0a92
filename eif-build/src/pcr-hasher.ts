import { createHash, type Hash } from 'node:crypto';

/** Width of a Nitro PCR: the NSM uses SHA-384. */
export const PCR_BYTES = 48;

/**
 * One measured register as nitro-cli computes it at build time (`EifHasher::tpm_extend_finalize_reset`):
 * a plain SHA-384 over the streamed bytes, then one extend from an all-zero register,
 * PCR = SHA384(0^48 || SHA384(data)). That equals what the NSM reports for a freshly booted enclave.
 */
export class PcrHasher {
  readonly #hash: Hash = createHash('sha384');
  #done = false;

  update(bytes: Uint8Array): void {
    if (this.#done) throw new Error('PcrHasher used after digest()');
    this.#hash.update(bytes);
  }

  digest(): Uint8Array {
    this.#done = true;
    const inner = this.#hash.digest();
    return new Uint8Array(createHash('sha384').update(new Uint8Array(PCR_BYTES)).update(inner).digest());
  }
}

export function pcrOf(bytes: Uint8Array): Uint8Array {
  const hasher = new PcrHasher();
  hasher.update(bytes);
  return hasher.digest();
}
