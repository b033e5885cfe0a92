import { createError } from '@provenant/protocol';
import { BN254_PRIME, FIELD_BYTES, readFieldLe } from '../field/bn254-field.js';

/** 1 GiB: larger than any circuit this prover can set up (2^22 constraints at ~200 bytes each). */
export const MAX_R1CS_BYTES = 1 << 30;

export interface R1csTerm {
  readonly wire: number;
  readonly coeff: bigint;
}

export interface ParsedR1cs {
  readonly nWires: number;
  readonly nPubOut: number;
  readonly nPubIn: number;
  readonly nPrvIn: number;
  readonly constraints: readonly (readonly [readonly R1csTerm[], readonly R1csTerm[], readonly R1csTerm[]])[];
}

function malformed(detail: string): never {
  throw createError('PRV_ERR_ZK_R1CS_MALFORMED', detail);
}

/** Strict reader of the .r1cs v1 layout writeR1cs emits (BN254, n8 = 32); every length is bounds-checked. */
export function readR1cs(bytes: Uint8Array): ParsedR1cs {
  if (bytes.length > MAX_R1CS_BYTES) malformed(`exceeds MAX_R1CS_BYTES (${MAX_R1CS_BYTES})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (o: number, n: number): void => {
    if (o + n > bytes.length) malformed(`truncated at byte ${o}`);
  };
  need(0, 12);
  if (bytes[0] !== 0x72 || bytes[1] !== 0x31 || bytes[2] !== 0x63 || bytes[3] !== 0x73) malformed('bad magic');
  if (view.getUint32(4, true) !== 1) malformed('unsupported version');
  const nSections = view.getUint32(8, true);
  const sections = new Map<number, { start: number; size: number }>();
  let o = 12;
  for (let i = 0; i < nSections; i++) {
    need(o, 12);
    const type = view.getUint32(o, true);
    const size = view.getBigUint64(o + 4, true);
    o += 12;
    if (size > BigInt(bytes.length - o)) malformed(`section ${type} overruns the file`);
    if (sections.has(type)) malformed(`duplicate section ${type}`);
    sections.set(type, { start: o, size: Number(size) });
    o += Number(size);
  }
  const header = sections.get(1) ?? malformed('no header section');
  let h = header.start;
  need(h, 4 + FIELD_BYTES + 28);
  if (view.getUint32(h, true) !== FIELD_BYTES) malformed('field size is not 32 bytes');
  if (readFieldLe(bytes, h + 4) !== BN254_PRIME) malformed('prime is not BN254');
  h += 4 + FIELD_BYTES;
  const nWires = view.getUint32(h, true);
  const nPubOut = view.getUint32(h + 4, true);
  const nPubIn = view.getUint32(h + 8, true);
  const nPrvIn = view.getUint32(h + 12, true);
  const m = view.getUint32(h + 24, true);
  if (1 + nPubOut + nPubIn + nPrvIn > nWires) malformed('more inputs and outputs than wires');

  const body = sections.get(2) ?? malformed('no constraints section');
  const end = body.start + body.size;
  let p = body.start;
  const readLc = (): R1csTerm[] => {
    if (p + 4 > end) malformed('constraint section truncated');
    const n = view.getUint32(p, true);
    p += 4;
    if (n > (end - p) / (4 + FIELD_BYTES)) malformed('linear combination overruns its section');
    const terms: R1csTerm[] = [];
    for (let i = 0; i < n; i++) {
      const wire = view.getUint32(p, true);
      if (wire >= nWires) malformed(`wire ${wire} out of range`);
      const coeff = readFieldLe(bytes, p + 4);
      if (coeff >= BN254_PRIME) malformed('coefficient not reduced');
      terms.push({ wire, coeff });
      p += 4 + FIELD_BYTES;
    }
    return terms;
  };
  const constraints: [R1csTerm[], R1csTerm[], R1csTerm[]][] = [];
  for (let i = 0; i < m; i++) constraints.push([readLc(), readLc(), readLc()]);
  if (p !== end) malformed('constraint section has trailing bytes');
  return { nWires, nPubOut, nPubIn, nPrvIn, constraints };
}
