/**
 * The BN254 (alt_bn128) scalar field: the field snarkjs' Groth16 over "bn128" and circom work in
 * (EIP-196; circom's default prime). Elements are bigints in [0, P).
 */
export const BN254_PRIME = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Field elements are 254-bit, stored in 32 little-endian bytes by .r1cs and .wtns (n8 = 32). */
export const FIELD_BYTES = 32;

const HALF = BN254_PRIME >> 1n;

export function fmod(value: bigint): bigint {
  // Most values are already reduced (bits, small fixed-point numbers): two comparisons cost less than a division.
  if (value >= 0n && value < BN254_PRIME) return value;
  const r = value % BN254_PRIME;
  return r < 0n ? r + BN254_PRIME : r;
}

export function fadd(a: bigint, b: bigint): bigint {
  return fmod(a + b);
}

export function fmul(a: bigint, b: bigint): bigint {
  return fmod(a * b);
}

/** The field element as a signed integer in (-P/2, P/2]: how fixed-point values are read back. */
export function toSigned(value: bigint): bigint {
  const r = fmod(value);
  return r > HALF ? r - BN254_PRIME : r;
}

/** Writes a field element (reduced first) in 32 little-endian bytes. */
export function writeFieldLe(target: Uint8Array, offset: number, value: bigint): void {
  writeUint256Le(target, offset, fmod(value));
}

/** Writes an integer in [0, 2^256) unreduced: the modulus itself in file headers. */
export function writeUint256Le(target: Uint8Array, offset: number, value: bigint): void {
  // Four 64-bit words rather than 32 byte-sized bigint steps: witnesses and .r1cs files write one per wire.
  const view = new DataView(target.buffer, target.byteOffset + offset, FIELD_BYTES);
  let v = value;
  for (let word = 0; word < 4; word++) {
    view.setBigUint64(8 * word, BigInt.asUintN(64, v), true);
    v >>= 64n;
  }
}

export function readFieldLe(source: Uint8Array, offset: number): bigint {
  if (offset < 0 || offset + FIELD_BYTES > source.length) throw new RangeError(`no ${FIELD_BYTES} bytes at ${offset}`);
  const view = new DataView(source.buffer, source.byteOffset + offset, FIELD_BYTES);
  let v = 0n;
  for (let word = 3; word >= 0; word--) v = (v << 64n) | view.getBigUint64(8 * word, true);
  return v;
}
