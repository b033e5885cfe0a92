import { BN254_PRIME, FIELD_BYTES, writeFieldLe, writeUint256Le } from '../field/bn254-field.js';
import type { Constraint } from '../circuit/constraint-system.js';
import type { Lc } from '../circuit/linear-combination.js';

/**
 * The iden3 .r1cs binary format v1 (iden3/r1csfile, REFERENCE.md "Zero-knowledge"): magic "r1cs",
 * u32 version, u32 section count, then sections `u32 type, u64 size`. Section 1 is the header, 2 the
 * constraints (A, B, C each `u32 n` then n × `u32 wire, 32-byte LE coefficient`), 3 the wire-to-label
 * map (u64 per wire). All integers little-endian; coefficients in standard (not Montgomery) form.
 */
export interface R1csShape {
  readonly nWires: number;
  readonly nPubOut: number;
  readonly nPubIn: number;
  readonly nPrvIn: number;
  readonly constraints: readonly Constraint[];
  /** wireOf[signal]: the builder's signal ids renumbered into snarkjs' wire order. */
  readonly wireOf: Uint32Array;
}

const HEADER_BYTES = 4 + FIELD_BYTES + 4 * 4 + 8 + 4;

function lcBytes(lc: Lc): number {
  return 4 + lc.size * (4 + FIELD_BYTES);
}

export function writeR1cs(shape: R1csShape): Uint8Array {
  let constraintBytes = 0;
  for (const { a, b, c } of shape.constraints) constraintBytes += lcBytes(a) + lcBytes(b) + lcBytes(c);
  const mapBytes = shape.nWires * 8;
  const total = 12 + (12 + HEADER_BYTES) + (12 + constraintBytes) + (12 + mapBytes);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let o = 0;
  const u32 = (v: number): void => {
    view.setUint32(o, v, true);
    o += 4;
  };
  const u64 = (v: number): void => {
    view.setBigUint64(o, BigInt(v), true);
    o += 8;
  };
  out.set([0x72, 0x31, 0x63, 0x73], 0); // "r1cs"
  o = 4;
  u32(1);
  u32(3);

  u32(1);
  u64(HEADER_BYTES);
  u32(FIELD_BYTES);
  writeUint256Le(out, o, BN254_PRIME);
  o += FIELD_BYTES;
  u32(shape.nWires);
  u32(shape.nPubOut);
  u32(shape.nPubIn);
  u32(shape.nPrvIn);
  u64(shape.nWires); // labels: one per wire, label i for wire i
  u32(shape.constraints.length);

  u32(2);
  u64(constraintBytes);
  const writeLc = (lc: Lc): void => {
    const terms = [...lc].map(([signal, coeff]) => [shape.wireOf[signal]!, coeff] as const).sort((x, y) => x[0] - y[0]);
    u32(terms.length);
    for (const [wire, coeff] of terms) {
      u32(wire);
      writeFieldLe(out, o, coeff);
      o += FIELD_BYTES;
    }
  };
  for (const { a, b, c } of shape.constraints) {
    writeLc(a);
    writeLc(b);
    writeLc(c);
  }

  u32(3);
  u64(mapBytes);
  for (let w = 0; w < shape.nWires; w++) u64(w);
  return out;
}
