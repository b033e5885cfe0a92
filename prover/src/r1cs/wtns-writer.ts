import { BN254_PRIME, FIELD_BYTES, writeFieldLe, writeUint256Le } from '../field/bn254-field.js';

/**
 * The iden3 .wtns binary format v2 (what snarkjs' wtns calculators write): magic "wtns", u32
 * version 2, u32 sections = 2; section 1 = `u32 n8, prime (n8 bytes LE), u32 nWitness`; section 2 =
 * the values, n8 bytes LE each, in wire order (standard form).
 */
export function writeWtns(values: readonly bigint[]): Uint8Array {
  const headerBytes = 4 + FIELD_BYTES + 4;
  const dataBytes = values.length * FIELD_BYTES;
  const out = new Uint8Array(12 + 12 + headerBytes + 12 + dataBytes);
  const view = new DataView(out.buffer);
  out.set([0x77, 0x74, 0x6e, 0x73], 0); // "wtns"
  view.setUint32(4, 2, true);
  view.setUint32(8, 2, true);
  let o = 12;
  view.setUint32(o, 1, true);
  view.setBigUint64(o + 4, BigInt(headerBytes), true);
  o += 12;
  view.setUint32(o, FIELD_BYTES, true);
  writeUint256Le(out, o + 4, BN254_PRIME);
  view.setUint32(o + 4 + FIELD_BYTES, values.length, true);
  o += headerBytes;
  view.setUint32(o, 2, true);
  view.setBigUint64(o + 4, BigInt(dataBytes), true);
  o += 12;
  for (const v of values) {
    writeFieldLe(out, o, v);
    o += FIELD_BYTES;
  }
  return out;
}
