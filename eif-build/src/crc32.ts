/**
 * CRC-32/ISO-HDLC (the zlib / IEEE 802.3 CRC): reflected polynomial 0xEDB88320, init and xorout
 * 0xFFFFFFFF. Check value for "123456789" is 0xCBF43926 (Greg Cook's CRC catalogue). The EIF header
 * stores this over every byte of the file except the CRC field (aws-nitro-enclaves-image-format
 * `EifBuilder::compute_crc`, crate `crc` with `CRC_32_ISO_HDLC`).
 */
const TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** Incremental CRC: feed chunks in file order, read `value` at the end. */
export class Crc32 {
  #state = 0xffffffff;

  update(bytes: Uint8Array): this {
    let c = this.#state;
    for (let i = 0; i < bytes.length; i++) c = (TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
    this.#state = c;
    return this;
  }

  get value(): number {
    return (this.#state ^ 0xffffffff) >>> 0;
  }
}

export function crc32(bytes: Uint8Array): number {
  return new Crc32().update(bytes).value;
}
