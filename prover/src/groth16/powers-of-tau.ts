import { randomBytes } from 'node:crypto';
import { curves, powersOfTau, type MemFile } from 'snarkjs';
import { createError } from '@provenant/protocol';
import { CollectingLogger, type ZkProgressCallback } from './snarkjs-logger.js';

/** BN254 base field modulus, as a ptau header must carry it (little-endian, 32 bytes). */
const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;
/** snarkjs' ptau format caps at 2^28 points (powersoftau_new.js); BN254's 2-adicity allows 28. */
export const MAX_PTAU_POWER = 28;
/** Sections 12-15 hold the Lagrange-basis points that preparePhase2 adds; newZKey needs them. */
const PREPARED_SECTION = 12;

export interface PtauHeader {
  readonly power: number;
  readonly ceremonyPower: number;
  /** True when preparePhase2 has run (the file carries the Lagrange sections). */
  readonly prepared: boolean;
}

/**
 * Reads the header of a `.ptau` file (snarkjs binfileutils: "ptau", u32 version, u32 nSections, then
 * sections of u32 type + u64 size; section 1 = u32 n8, q, u32 power, u32 ceremonyPower) without parsing the
 * points, so a wrong or truncated file is refused before snarkjs spends minutes on it.
 */
export function readPtauHeader(bytes: Uint8Array): PtauHeader {
  const fail = (why: string): never => {
    throw createError('PRV_ERR_ZK_PTAU_INVALID', why);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || new TextDecoder().decode(bytes.subarray(0, 4)) !== 'ptau') fail('not a .ptau file (magic)');
  const nSections = view.getUint32(8, true);
  let offset = 12;
  let header: { power: number; ceremonyPower: number } | undefined;
  const seen = new Set<number>();
  for (let i = 0; i < nSections; i += 1) {
    if (offset + 12 > bytes.length) fail('truncated section table');
    const type = view.getUint32(offset, true);
    const size = view.getBigUint64(offset + 4, true);
    const start = offset + 12;
    if (BigInt(start) + size > BigInt(bytes.length)) fail(`section ${type} runs past the end of the file`);
    if (type === 1) {
      const n8 = view.getUint32(start, true);
      if (n8 !== 32 || size !== 4n + 32n + 8n) fail('header is not BN254 (n8 = 32)');
      let q = 0n;
      for (let b = 31; b >= 0; b -= 1) q = (q << 8n) | BigInt(bytes[start + 4 + b] as number);
      if (q !== BN254_Q) fail('ptau is not over BN254');
      header = { power: view.getUint32(start + 36, true), ceremonyPower: view.getUint32(start + 40, true) };
    }
    seen.add(type);
    offset = start + Number(size);
  }
  if (header === undefined) return fail('no header section');
  if (header.power < 1 || header.power > MAX_PTAU_POWER) fail(`power ${header.power} outside [1, ${MAX_PTAU_POWER}]`);
  return { ...header, prepared: seen.has(PREPARED_SECTION) };
}

/**
 * The smallest power snarkjs' newZKey accepts for a circuit: 2^power > constraints + public inputs
 * (zkey_new.js: cirPower = floor(log2(nConstraints + nPubInputs + nOutputs)) + 1).
 */
export function requiredPtauPower(constraints: number, nPublic: number): number {
  const n = constraints + nPublic;
  return Math.max(1, Math.floor(Math.log2(Math.max(1, n))) + 1);
}

/**
 * A locally generated powers of tau: one contribution with fresh OS entropy, then a beacon. INSECURE for
 * anything but development: whoever ran it could have kept the toxic waste (tau) and can then forge
 * proofs for every circuit set up from it. Production imports a public ceremony's file instead.
 */
export async function createDevPtau(power: number, onProgress?: ZkProgressCallback): Promise<Uint8Array> {
  const logger = new CollectingLogger('ptau', onProgress);
  const curve = await curves.getCurveFromName('bn128');
  const fresh: MemFile = { type: 'mem' };
  await powersOfTau.newAccumulator(curve, power, fresh, logger);
  const contributed: MemFile = { type: 'mem' };
  await powersOfTau.contribute(fresh, contributed, 'provenant dev contribution', randomBytes(32).toString('hex'), logger);
  const beaconed: MemFile = { type: 'mem' };
  // 2^10 hash iterations: the minimum snarkjs accepts; a dev beacon need not be slow.
  await powersOfTau.beacon(contributed, beaconed, 'provenant dev beacon', randomBytes(32).toString('hex'), 10, logger);
  return memData(beaconed, logger, 'ptau beacon');
}

/** preparePhase2: inverse FFTs over curve points, the slow step (here: power 12 ~1 min, 14 ~10 min, 17 over 40 min on 2 cores), so callers cache its output. */
export async function preparePtau(ptau: Uint8Array, onProgress?: ZkProgressCallback): Promise<Uint8Array> {
  const logger = new CollectingLogger('prepare-phase2', onProgress);
  const out: MemFile = { type: 'mem' };
  await powersOfTau.preparePhase2({ type: 'mem', data: ptau }, out, logger);
  return memData(out, logger, 'preparePhase2');
}

export function memData(
  file: MemFile,
  logger: CollectingLogger,
  what: string,
  code: 'PRV_ERR_ZK_PTAU_INVALID' | 'PRV_ERR_ZK_SETUP_FAILED' = 'PRV_ERR_ZK_PTAU_INVALID',
): Uint8Array {
  if (logger.errors.length > 0 || file.data === undefined) {
    throw createError(code, `${what} failed: ${logger.errors.join('; ') || 'no output'}`);
  }
  return file.data;
}
