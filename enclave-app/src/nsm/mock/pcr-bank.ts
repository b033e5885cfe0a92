import { createHash } from 'node:crypto';
import type { NsmResponse } from '@provenant/protocol';

/** A Nitro NSM exposes 32 SHA-384 PCRs (nsm-api nsm-test/src/bin/nsm-check.cc asserts max_pcrs == 32). */
export const MOCK_PCR_COUNT = 32;
export const MOCK_PCR_BYTES = 48;
/** PCRs [0, 16) are measured and locked before the enclave's code runs; [16, 32) are the application's. */
export const MOCK_BOOT_LOCKED_PCRS = 16;

/**
 * The PCR state machine of a Nitro Secure Module. Semantics follow the real module as pinned by
 * AWS's on-hardware test (nsm-check.cc) and QEMU's NSM emulation (hw/virtio/virtio-nsm.c):
 * extend = SHA384(old || data); extending a locked PCR answers ReadOnlyIndex; LockPCR on a PCR that
 * is already locked answers ReadOnlyIndex (nsm-check asserts LockPCR fails on [0, 16)), while LockPCRs
 * accepts ranges that are already partly locked; an index (or range) past max_pcrs is InvalidIndex.
 */
export class PcrBank {
  readonly #values: Uint8Array[];
  readonly #locked: boolean[];

  /** `boot` gives the values of PCRs [0, 16), all of which are locked; the rest start at zero, unlocked. */
  constructor(boot: ReadonlyMap<number, Uint8Array>) {
    this.#values = Array.from({ length: MOCK_PCR_COUNT }, (_, index) => {
      const value = index < MOCK_BOOT_LOCKED_PCRS ? boot.get(index) : undefined;
      if (value !== undefined && value.length !== MOCK_PCR_BYTES) throw new RangeError(`boot PCR${index} is not 48 bytes`);
      return value === undefined ? new Uint8Array(MOCK_PCR_BYTES) : Uint8Array.from(value);
    });
    this.#locked = Array.from({ length: MOCK_PCR_COUNT }, (_, index) => index < MOCK_BOOT_LOCKED_PCRS);
  }

  describe(index: number): NsmResponse {
    const value = this.#values[index];
    if (value === undefined) return { type: 'Error', code: 'InvalidIndex' };
    return { type: 'DescribePCR', lock: this.#locked[index] === true, data: Uint8Array.from(value) };
  }

  extend(index: number, data: Uint8Array): NsmResponse {
    const value = this.#values[index];
    if (value === undefined) return { type: 'Error', code: 'InvalidIndex' };
    if (this.#locked[index] === true) return { type: 'Error', code: 'ReadOnlyIndex' };
    const next = Uint8Array.from(createHash('sha384').update(value).update(data).digest());
    this.#values[index] = next;
    return { type: 'ExtendPCR', data: Uint8Array.from(next) };
  }

  lock(index: number): NsmResponse {
    if (index >= MOCK_PCR_COUNT) return { type: 'Error', code: 'InvalidIndex' };
    if (this.#locked[index] === true) return { type: 'Error', code: 'ReadOnlyIndex' };
    this.#locked[index] = true;
    return { type: 'LockPCR' };
  }

  /** Locks [0, range); a range equal to max_pcrs is valid (nsm-check locks [0, 32) then expects 33 to fail). */
  lockRange(range: number): NsmResponse {
    if (range > MOCK_PCR_COUNT) return { type: 'Error', code: 'InvalidIndex' };
    for (let index = 0; index < range; index += 1) this.#locked[index] = true;
    return { type: 'LockPCRs' };
  }

  /** Sorted ascending, as DescribeNSM reports them. */
  lockedIndexes(): number[] {
    return this.#locked.flatMap((locked, index) => (locked ? [index] : []));
  }

  /**
   * The PCRs an attestation document carries: every locked PCR at the moment of signing (the
   * attestation CDDL's "Map of all locked PCRs"), which is [0, 16) on a freshly booted enclave.
   */
  lockedValues(): Map<number, Uint8Array> {
    return new Map(this.lockedIndexes().map((index) => [index, Uint8Array.from(this.#values[index] as Uint8Array)]));
  }
}
