import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { createError } from '@provenant/protocol';
import { assertKeys, assertRecord, BN254_BASE_MODULUS, parseDecimal, parseG1, parseG2, type G1Point, type G2Point } from './bn254-json.js';
import { MAX_ZK_PUBLIC_SIGNALS } from './zk-limits.js';

/** A Groth16 verifying key over BN254, parsed from snarkjs' `verification_key.json`. */
export interface Groth16VerificationKey {
  readonly nPublic: number;
  readonly alpha: G1Point;
  readonly beta: G2Point;
  readonly gamma: G2Point;
  readonly delta: G2Point;
  /** IC[0] + sum(signal_i * IC[i + 1]) is the public-input term of the pairing equation. */
  readonly ic: readonly G1Point[];
}

const VK_KEYS = ['protocol', 'curve', 'nPublic', 'vk_alpha_1', 'vk_beta_2', 'vk_gamma_2', 'vk_delta_2', 'IC'] as const;
/** snarkjs also writes e(alpha, beta) precomputed; we accept it but never use it, since it is derived data. */
const OPTIONAL_VK_KEYS = ['vk_alphabeta_12'] as const;

const STRUCT = { code: 'PRV_ERR_ZK_VK_MALFORMED', pointCode: 'PRV_ERR_ZK_POINT_INVALID' } as const;

/**
 * Parses strictly: exactly snarkjs' fields, protocol "groth16" on curve "bn128", nPublic consistent with
 * IC, every coordinate canonical and below p, every point on its curve and in its prime-order subgroup.
 */
export function parseGroth16VerificationKey(json: unknown): Groth16VerificationKey {
  const record = assertRecord(json, 'vk', STRUCT.code);
  const present = Object.keys(record).filter((key) => !(OPTIONAL_VK_KEYS as readonly string[]).includes(key));
  assertKeys(Object.fromEntries(present.map((key) => [key, record[key]])), VK_KEYS, 'vk', STRUCT.code);
  if (record['protocol'] !== 'groth16') throw createError(STRUCT.code, `vk.protocol must be "groth16"`);
  if (record['curve'] !== 'bn128') throw createError(STRUCT.code, `vk.curve must be "bn128" (BN254)`);
  const nPublic = record['nPublic'];
  if (typeof nPublic !== 'number' || !Number.isSafeInteger(nPublic) || nPublic < 0 || nPublic > MAX_ZK_PUBLIC_SIGNALS) {
    throw createError(STRUCT.code, `vk.nPublic must be an integer in [0, ${MAX_ZK_PUBLIC_SIGNALS}]`);
  }
  const icJson = record['IC'];
  if (!Array.isArray(icJson) || icJson.length !== nPublic + 1) {
    throw createError(STRUCT.code, `vk.IC must hold nPublic + 1 = ${nPublic + 1} points`);
  }
  if (Object.hasOwn(record, 'vk_alphabeta_12')) assertAlphaBetaShape(record['vk_alphabeta_12']);
  const base = { ...STRUCT, allowIdentity: false };
  return {
    nPublic,
    alpha: parseG1(record['vk_alpha_1'], 'vk.vk_alpha_1', base),
    beta: parseG2(record['vk_beta_2'], 'vk.vk_beta_2', base),
    gamma: parseG2(record['vk_gamma_2'], 'vk.vk_gamma_2', base),
    delta: parseG2(record['vk_delta_2'], 'vk.vk_delta_2', base),
    // An IC point may be the identity (a public signal no constraint touches); the sum stays well defined.
    ic: icJson.map((point, i) => parseG1(point, `vk.IC[${i}]`, { ...STRUCT, allowIdentity: true })),
  };
}

/** Fp12 as snarkjs writes it: 2 x 3 x 2 canonical decimals below p. */
function assertAlphaBetaShape(value: unknown): void {
  const fail = (): never => {
    throw createError(STRUCT.code, 'vk.vk_alphabeta_12 must be 2 x 3 x 2 decimals');
  };
  if (!Array.isArray(value) || value.length !== 2) fail();
  for (const [i, fp6] of (value as unknown[]).entries()) {
    if (!Array.isArray(fp6) || fp6.length !== 3) fail();
    for (const [j, fp2] of (fp6 as unknown[]).entries()) {
      if (!Array.isArray(fp2) || fp2.length !== 2) fail();
      (fp2 as unknown[]).forEach((c, k) => parseDecimal(c, `vk.vk_alphabeta_12[${i}][${j}][${k}]`, BN254_BASE_MODULUS, STRUCT.code));
    }
  }
}

const DIGEST_DOMAIN = new TextEncoder().encode('provenant/groth16-vk/v1');

/**
 * The verifying key's identity (docs/zk.md, "Proof bundle and verification"): lowercase hex SHA-256 of
 * "provenant/groth16-vk/v1" || u32 BE nPublic || alpha.x, alpha.y || beta, gamma, delta as x.c0, x.c1,
 * y.c0, y.c1 || each IC point as x, y (identity as 0, 0), every coordinate a 32-byte big-endian integer.
 * Computed from the parsed points, so formatting of the JSON (whitespace, vk_alphabeta_12) does not matter.
 */
export function groth16VerificationKeyDigest(vk: Groth16VerificationKey): string {
  const words: bigint[] = [];
  const g1 = (p: G1Point): void => {
    if (p.is0()) words.push(0n, 0n);
    else {
      const { x, y } = p.toAffine();
      words.push(x, y);
    }
  };
  const g2 = (p: G2Point): void => {
    const { x, y } = p.toAffine();
    words.push(x.c0, x.c1, y.c0, y.c1);
  };
  g1(vk.alpha);
  g2(vk.beta);
  g2(vk.gamma);
  g2(vk.delta);
  vk.ic.forEach(g1);
  const out = new Uint8Array(DIGEST_DOMAIN.length + 4 + words.length * 32);
  out.set(DIGEST_DOMAIN, 0);
  new DataView(out.buffer).setUint32(DIGEST_DOMAIN.length, vk.nPublic, false);
  words.forEach((word, i) => out.set(bigintTo32BytesBE(word), DIGEST_DOMAIN.length + 4 + i * 32));
  return bytesToHex(sha256(out));
}

function bigintTo32BytesBE(value: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let v = value;
  for (let i = 31; i >= 0; i -= 1) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
