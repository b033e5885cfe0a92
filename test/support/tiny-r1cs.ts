import { createHash } from 'node:crypto';

/**
 * A hand-built circuit for the Groth16 tests, independent of the ONNX compiler: x * y = z with z the one
 * public output and x, y private (wires: 0 = ONE, 1 = z, 2 = x, 3 = y; iden3 .r1cs v1 and .wtns v2, as
 * described in REFERENCE.md "Zero-knowledge"). Written here byte by byte so the prover tests do not
 * depend on the compiler's own writer.
 */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export interface TinyCircuit {
  readonly r1cs: Uint8Array;
  readonly digest: string;
  readonly nPublic: number;
  readonly stats: { readonly constraints: number };
  witness(x: bigint, y: bigint, z?: bigint): Uint8Array;
}

export function tinyMultiplyCircuit(): TinyCircuit {
  const r1cs = concat(
    ascii('r1cs'),
    u32(1),
    u32(3),
    section(1, concat(u32(32), field(BN254_R), u32(4), u32(1), u32(0), u32(2), u64(4), u32(1))),
    // One constraint: A = x, B = y, C = z (each linear combination: u32 count, then wire + coefficient).
    section(2, concat(lc(2), lc(3), lc(1))),
    section(3, concat(u64(0), u64(1), u64(2), u64(3))),
  );
  return {
    r1cs,
    digest: createHash('sha256').update(r1cs).digest('hex'),
    nPublic: 1,
    stats: { constraints: 1 },
    witness: (x, y, z = (x * y) % BN254_R) => wtns([1n, z, x, y]),
  };
}

/**
 * A circuit shaped like the compiler's (docs/zk.md §2): public outputs [inputCommitment, outputCommitment,
 * clear output], here stand-ins x, y and x * y (wires: 0 = ONE, 1 = x', 2 = y', 3 = v, 4 = x, 5 = y;
 * constraints x * 1 = x', y * 1 = y', x * y = v). With y = -4 (p - 4) the clear output is negative.
 */
export function tinyBundleCircuit(): TinyCircuit {
  const r1cs = concat(
    ascii('r1cs'),
    u32(1),
    u32(3),
    section(1, concat(u32(32), field(BN254_R), u32(6), u32(3), u32(0), u32(2), u64(6), u32(3))),
    section(2, concat(lc(4), lc(0), lc(1), lc(5), lc(0), lc(2), lc(4), lc(5), lc(3))),
    section(3, concat(u64(0), u64(1), u64(2), u64(3), u64(4), u64(5))),
  );
  return {
    r1cs,
    digest: createHash('sha256').update(r1cs).digest('hex'),
    nPublic: 3,
    stats: { constraints: 3 },
    witness: (x, y) => wtns([1n, x, y, (x * y) % BN254_R, x, y]),
  };
}

function wtns(values: readonly bigint[]): Uint8Array {
  return concat(
    ascii('wtns'),
    u32(2),
    u32(2),
    section(1, concat(u32(32), field(BN254_R), u32(values.length))),
    section(2, concat(...values.map(field))),
  );
}

function lc(wire: number): Uint8Array {
  return concat(u32(1), u32(wire), field(1n));
}

function section(type: number, body: Uint8Array): Uint8Array {
  return concat(u32(type), u64(body.length), body);
}

function field(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = value;
  for (let i = 0; i < 32; i += 1) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}

function u64(value: number): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, BigInt(value), true);
  return out;
}

function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
