import { randomBytes } from 'node:crypto';
import { zKey, type MemFile } from 'snarkjs';
import { createError } from '@provenant/protocol';
import { groth16VerificationKeyDigest, parseGroth16VerificationKey } from '@provenant/verifier';
import { DEFAULT_ZK_CACHE_DIR, SetupCache, sha256Hex } from '../setup-cache/setup-cache.js';
import { withBn128 } from './bn128-session.js';
import { nativeGroth16Available } from '../native/native-groth16-binding.js';
import { createPreparedDevPtau, MAX_NATIVE_DEV_PTAU_POWER } from './dev-ptau.js';
import { createDevPtau, memData, preparePtau, readPtauHeader, requiredPtauPower } from './powers-of-tau.js';
import { CollectingLogger, type ZkProgressCallback } from './snarkjs-logger.js';

/** What setup needs from a compiled circuit (a CompiledCircuit fits). */
export interface SetupCircuit {
  readonly r1cs: Uint8Array;
  /** Lowercase hex SHA-256 of r1cs: the cache key. */
  readonly digest: string;
  readonly nPublic: number;
  readonly stats: { readonly constraints: number };
}

/** Import a ceremony's `.ptau` (production), or generate an insecure one locally (development only). */
export type PtauSource = { readonly kind: 'file'; readonly bytes: Uint8Array } | { readonly kind: 'dev'; readonly power?: number };

export interface Groth16SetupOptions {
  readonly ptau: PtauSource;
  /** Default .provenant/zk-cache (relative to the working directory). */
  readonly cacheDir?: string;
  /** Where prepared ptau files are cached, if not under cacheDir: they depend only on the power, not the circuit. */
  readonly ptauCacheDir?: string;
  /** Phase-2 contributions made here, each with fresh OS entropy; default 1 (or what an interrupted run planned). */
  readonly contributions?: number;
  /** Public randomness for the final beacon (hex, 1-255 bytes); default fresh random bytes, recorded in setup.json. */
  readonly beaconHex?: string;
  readonly onProgress?: ZkProgressCallback;
}

export interface Groth16Setup {
  readonly digest: string;
  readonly zkey: Uint8Array;
  /** snarkjs' verification_key.json, as JSON. */
  readonly verificationKey: Record<string, unknown>;
  /** groth16VerificationKeyDigest of the verifying key. */
  readonly vkDigest: string;
  readonly record: SetupRecord;
  /** Stages found in the cache rather than computed in this call. */
  readonly reusedStages: readonly string[];
}

/** setup.json: how the keys were made, so a reader can judge their trust (docs/zk.md). */
export interface SetupRecord {
  readonly circuitDigest: string;
  readonly ptau: { readonly id: string; readonly power: number; readonly insecureDev: boolean };
  readonly contributions: number;
  readonly beaconHex: string;
  readonly vkDigest?: string;
}

/** Phase-2 contributions one call may make; a real multi-party phase 2 passes the zkey between parties instead. */
export const MAX_ZK_CONTRIBUTIONS = 16;
const BEACON_HEX = /^(?:[0-9a-f]{2}){1,255}$/;
/** 2^10 hash iterations is snarkjs' minimum; the beacon's strength is its unpredictability, not its cost. */
const BEACON_ITERATIONS_EXP = 10;

/**
 * Groth16 setup for one circuit, resumable: powers of tau (cached by power or file digest, prepared for
 * phase 2), newZKey, the contributions, the beacon and the verifying key are each a cache entry under the
 * circuit digest, and a rerun continues at the first missing stage.
 */
export async function setupGroth16(circuit: SetupCircuit, options: Groth16SetupOptions): Promise<Groth16Setup> {
  assertSetupCircuit(circuit);
  const cache = new SetupCache(options.cacheDir ?? DEFAULT_ZK_CACHE_DIR);
  const area = { circuit: circuit.digest };
  const progress = options.onProgress;
  const reused: string[] = [];
  return withBn128(async () => {
    const needed = requiredPtauPower(circuit.stats.constraints, circuit.nPublic);
    const ptauCache = options.ptauCacheDir === undefined ? cache : new SetupCache(options.ptauCacheDir);
    const ptau = await obtainPtau(ptauCache, options.ptau, needed, progress, reused);
    const plan = await resolvePlan(cache, area, circuit.digest, ptau, options);

    const stage = async (name: string, make: () => Promise<Uint8Array>): Promise<Uint8Array> => {
      const cached = await cache.read(area, name);
      if (cached !== undefined) {
        reused.push(name);
        progress?.({ stage: name, message: 'reused from cache' });
        return cached;
      }
      progress?.({ stage: name, message: 'computing' });
      const bytes = await make();
      await cache.write(area, name, bytes);
      return bytes;
    };

    let zkey = await stage('zkey-0000.zkey', async () => {
      const logger = new CollectingLogger('new-zkey', progress);
      const out: MemFile = { type: 'mem' };
      await zKey.newZKey({ type: 'mem', data: circuit.r1cs }, { type: 'mem', data: ptau.bytes }, out, logger);
      return memData(out, logger, 'newZKey', 'PRV_ERR_ZK_SETUP_FAILED');
    });
    for (let i = 1; i <= plan.contributions; i += 1) {
      const previous = zkey;
      zkey = await stage(`zkey-${String(i).padStart(4, '0')}.zkey`, async () => {
        const logger = new CollectingLogger(`contribution-${i}`, progress);
        const out: MemFile = { type: 'mem' };
        await zKey.contribute({ type: 'mem', data: previous }, out, `provenant contribution ${i}`, randomBytes(32).toString('hex'), logger);
        return memData(out, logger, `contribution ${i}`, 'PRV_ERR_ZK_SETUP_FAILED');
      });
    }
    const beforeBeacon = zkey;
    const finalZkey = await stage('final.zkey', async () => {
      const logger = new CollectingLogger('beacon', progress);
      const out: MemFile = { type: 'mem' };
      await zKey.beacon({ type: 'mem', data: beforeBeacon }, out, 'provenant beacon', plan.beaconHex, BEACON_ITERATIONS_EXP, logger);
      return memData(out, logger, 'beacon', 'PRV_ERR_ZK_SETUP_FAILED');
    });
    const vkBytes = await stage('verification_key.json', async () => {
      const logger = new CollectingLogger('export-vk', progress);
      const vk = await zKey.exportVerificationKey({ type: 'mem', data: finalZkey }, logger);
      if (logger.errors.length > 0) throw createError('PRV_ERR_ZK_SETUP_FAILED', logger.errors.join('; '));
      return new TextEncoder().encode(`${JSON.stringify(vk, null, 1)}\n`);
    });
    const verificationKey = parseVkJson(vkBytes);
    const vkDigest = groth16VerificationKeyDigest(parseGroth16VerificationKey(verificationKey));
    const record: SetupRecord = { ...plan, vkDigest };
    await cache.writeJson(area, 'setup.json', record);
    progress?.({ stage: 'done', message: `verifying key ${vkDigest}` });
    return { digest: circuit.digest, zkey: finalZkey, verificationKey, vkDigest, record, reusedStages: reused };
  });
}

/** A finished setup from the cache, for proving and export; PRV_ERR_ZK_SETUP_MISSING if there is none. */
export async function loadGroth16Setup(digest: string, cacheDir: string = DEFAULT_ZK_CACHE_DIR): Promise<Groth16Setup> {
  const cache = new SetupCache(cacheDir);
  const area = { circuit: digest };
  const record = (await cache.readJson(area, 'setup.json')) as SetupRecord | undefined;
  const zkey = await cache.read(area, 'final.zkey');
  const vkBytes = await cache.read(area, 'verification_key.json');
  if (record === undefined || zkey === undefined || vkBytes === undefined || record.vkDigest === undefined) {
    throw createError('PRV_ERR_ZK_SETUP_MISSING', `no finished setup for circuit ${digest} in ${cache.root}`);
  }
  const verificationKey = parseVkJson(vkBytes);
  const vkDigest = groth16VerificationKeyDigest(parseGroth16VerificationKey(verificationKey));
  if (vkDigest !== record.vkDigest) throw createError('PRV_ERR_ZK_CACHE_CORRUPT', 'verification_key.json differs from setup.json');
  return { digest, zkey, verificationKey, vkDigest, record, reusedStages: ['final.zkey', 'verification_key.json'] };
}

interface PreparedPtau {
  readonly id: string;
  readonly power: number;
  readonly bytes: Uint8Array;
  readonly insecureDev: boolean;
}

async function obtainPtau(
  cache: SetupCache,
  source: PtauSource,
  needed: number,
  progress: ZkProgressCallback | undefined,
  reused: string[],
): Promise<PreparedPtau> {
  const cachedStage = async (name: string, make: () => Promise<Uint8Array>): Promise<Uint8Array> => {
    const cached = await cache.read('ptau', name);
    if (cached !== undefined) {
      reused.push(`ptau/${name}`);
      return cached;
    }
    progress?.({ stage: 'ptau', message: `computing ${name}` });
    const bytes = await make();
    await cache.write('ptau', name, bytes);
    return bytes;
  };
  if (source.kind === 'dev') {
    const power = source.power ?? needed;
    if (!Number.isSafeInteger(power) || power < needed || power > 28) {
      throw createError('PRV_ERR_ZK_PTAU_INVALID', `dev ptau power ${power} must be in [${needed}, 28] for this circuit`);
    }
    // Made prepared in one step by the native addon (dev-ptau.ts: seconds); without it, or above its largest
    // power, snarkjs' way (an hour at power 17). Either result is the same kind of file, so a cached one is
    // used whichever way it was made.
    const bytes = await cachedStage(`dev-p${power}.prepared.ptau`, async () =>
      power <= MAX_NATIVE_DEV_PTAU_POWER && nativeGroth16Available()
        ? createPreparedDevPtau(power, progress)
        : preparePtau(await cachedStage(`dev-p${power}.ptau`, () => createDevPtau(power, progress)), progress),
    );
    return { id: `dev-p${power}`, power, bytes, insecureDev: true };
  }
  const header = readPtauHeader(source.bytes);
  if (header.power < needed) {
    throw createError('PRV_ERR_ZK_PTAU_INVALID', `ptau power ${header.power} is too small: this circuit needs ${needed}`);
  }
  const id = `sha256-${sha256Hex(source.bytes)}`;
  const bytes = header.prepared ? source.bytes : await cachedStage(`${id}.prepared.ptau`, () => preparePtau(source.bytes, progress));
  return { id, power: header.power, bytes, insecureDev: false };
}

/**
 * The parameters a resumed run must share with the interrupted one: continuing a half-made setup with a
 * different ptau would mix keys from two ceremonies, so that is refused. Unset options take the plan's.
 */
async function resolvePlan(
  cache: SetupCache,
  area: { circuit: string },
  digest: string,
  ptau: PreparedPtau,
  options: Groth16SetupOptions,
): Promise<SetupRecord> {
  const previous = (await cache.readJson(area, 'plan.json')) as SetupRecord | undefined;
  const contributions = options.contributions ?? previous?.contributions ?? 1;
  if (!Number.isSafeInteger(contributions) || contributions < 1 || contributions > MAX_ZK_CONTRIBUTIONS) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', `contributions must be an integer in [1, ${MAX_ZK_CONTRIBUTIONS}]`);
  }
  const beaconHex = options.beaconHex?.toLowerCase() ?? previous?.beaconHex ?? randomBytes(32).toString('hex');
  if (!BEACON_HEX.test(beaconHex)) throw createError('PRV_ERR_INVALID_ARGUMENT', 'beacon must be 1-255 bytes of hex');
  const plan: SetupRecord = {
    circuitDigest: digest,
    ptau: { id: ptau.id, power: ptau.power, insecureDev: ptau.insecureDev },
    contributions,
    beaconHex,
  };
  if (previous !== undefined && JSON.stringify(previous) !== JSON.stringify(plan)) {
    throw createError(
      'PRV_ERR_INVALID_ARGUMENT',
      `the cache holds a setup of this circuit with other parameters (ptau ${previous.ptau.id}, ${previous.contributions} contributions, beacon ${previous.beaconHex}); use another cache directory or delete ${cache.entryPath(area, 'plan.json')}'s folder`,
    );
  }
  if (previous === undefined) await cache.writeJson(area, 'plan.json', plan);
  return plan;
}

function assertSetupCircuit(circuit: SetupCircuit): void {
  if (!(circuit.r1cs instanceof Uint8Array)) throw createError('PRV_ERR_INVALID_ARGUMENT', 'circuit.r1cs must be a Uint8Array');
  if (sha256Hex(circuit.r1cs) !== circuit.digest) throw createError('PRV_ERR_INVALID_ARGUMENT', 'circuit.digest is not SHA-256 of circuit.r1cs');
  if (!Number.isSafeInteger(circuit.nPublic) || circuit.nPublic < 0) throw createError('PRV_ERR_INVALID_ARGUMENT', 'circuit.nPublic must be a count');
  if (!Number.isSafeInteger(circuit.stats.constraints) || circuit.stats.constraints < 0) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', 'circuit.stats.constraints must be a count');
  }
}

function parseVkJson(bytes: Uint8Array): Record<string, unknown> {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  } catch {
    throw createError('PRV_ERR_ZK_CACHE_CORRUPT', 'verification_key.json is not JSON');
  }
}
