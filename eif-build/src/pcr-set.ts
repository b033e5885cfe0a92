import { PcrHasher } from './pcr-hasher.js';

export interface EifPcrs {
  /** Lowercase hex, 96 digits. */
  readonly PCR0: string;
  readonly PCR1: string;
  readonly PCR2: string;
  /** Present only for signed images. */
  readonly PCR8?: string;
}

const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * Routes section payloads to the three image PCRs the way nitro-cli does (`EifBuilder::measure` and
 * `EifReader::from_eif` in aws-nitro-enclaves-image-format): kernel and cmdline go to PCR0 and PCR1,
 * the first ramdisk (AWS's bootstrap) to PCR0 and PCR1, every later ramdisk to PCR0 and PCR2.
 * Headers, metadata and the signature section are never measured.
 */
export class EifPcrSet {
  readonly #image = new PcrHasher();
  readonly #bootstrap = new PcrHasher();
  readonly #application = new PcrHasher();
  #certificate: PcrHasher | undefined;
  #imagePcrs: { PCR0: string; PCR1: string; PCR2: string } | undefined;
  #pcr8: string | undefined;

  /** Finalises the image PCRs; feeding kernel or ramdisk bytes afterwards throws. */
  kernelOrCmdline(bytes: Uint8Array): void {
    this.#image.update(bytes);
    this.#bootstrap.update(bytes);
  }

  ramdisk(index: number, bytes: Uint8Array): void {
    this.#image.update(bytes);
    (index === 0 ? this.#bootstrap : this.#application).update(bytes);
  }

  /** PCR8 covers the DER of the signing certificate (nitro-cli converts its PEM to DER first). */
  certificate(der: Uint8Array): void {
    this.#certificate ??= new PcrHasher();
    this.#certificate.update(der);
  }

  /** May be called more than once (the writer needs PCR0 to sign before it adds the certificate). */
  result(): EifPcrs {
    this.#imagePcrs ??= {
      PCR0: toHex(this.#image.digest()),
      PCR1: toHex(this.#bootstrap.digest()),
      PCR2: toHex(this.#application.digest()),
    };
    if (this.#certificate === undefined) return { ...this.#imagePcrs };
    this.#pcr8 ??= toHex(this.#certificate.digest());
    return { ...this.#imagePcrs, PCR8: this.#pcr8 };
  }
}
