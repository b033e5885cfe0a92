import { readFile, stat } from 'node:fs/promises';
import { createError, isProvenantError } from '@provenant/protocol';
import { loadGroth16Setup, requiredPtauPower, setupGroth16, type CompiledCircuit, type PtauSource } from '@provenant/prover';
import type { EnclaveLogger } from '../logging/enclave-logger.js';

/** A circuit's Groth16 keys, as a plan run needs them: the verifying key for receipts, the proving key on demand. */
export interface ZkKeys {
  /** Lowercase hex SHA-256 of the circuit's .r1cs: the cache key and the prover pool's zkeyId. */
  readonly circuitDigest: string;
  /** snarkjs' verification_key.json. */
  readonly verificationKey: Record<string, unknown>;
  /** groth16VerificationKeyDigest of it (lowercase hex): the plan claims' `k`. */
  readonly vkDigest: string;
  /** Reads the proving key from the cache (checked against its sidecar digest); not held in memory. */
  loadZkey(): Promise<Uint8Array>;
}

export interface ZkKeyStoreOptions {
  /** config.zk.ptau: "none", "dev" or the path of a .ptau file. */
  readonly ptau: string;
  readonly cacheDir: string;
  readonly logger: EnclaveLogger;
}

/**
 * A dev ptau is made (and prepared, the slow step) once per power and cached: small circuits all share
 * this one (2^12 constraints covers every iris segment), instead of each making its own tiny ptau.
 */
export const MIN_DEV_PTAU_POWER = 12;

/** readFile holds a whole ptau in memory; public prepared ptau files up to power 20 fit (prover CLI's bound too). */
const MAX_PTAU_FILE_BYTES = 2 ** 31 - 1;

/**
 * Groth16 keys per circuit digest, single-flight: the first caller for a digest starts the work, later
 * ones share its promise. Keys already in cacheDir (from `provenant zk setup`, or an earlier boot) are
 * used as they are; otherwise setupGroth16 makes them with the configured ptau, logging progress. A
 * failed setup is forgotten, so a later request retries it.
 */
export class ZkKeyStore {
  readonly #options: ZkKeyStoreOptions;
  readonly #keys = new Map<string, Promise<ZkKeys>>();
  /**
   * Setups run one at a time: each already uses every core, and circuits that need the same ptau power
   * would otherwise each make (and prepare, the slow step) their own copy of the dev ptau at once.
   */
  #setupChain: Promise<unknown> = Promise.resolve();
  #warned = false;

  constructor(options: ZkKeyStoreOptions) {
    this.#options = options;
  }

  /** False with ptau "none": no keys can be made, so zk segments are refused (PRV_ERR_PLAN_ZK_UNAVAILABLE). */
  get available(): boolean {
    return this.#options.ptau !== 'none';
  }

  assertAvailable(): void {
    if (!this.available) throw createError('PRV_ERR_PLAN_ZK_UNAVAILABLE', 'config.zk.ptau is "none"');
  }

  keys(circuit: CompiledCircuit): Promise<ZkKeys> {
    this.assertAvailable();
    let pending = this.#keys.get(circuit.digest);
    if (pending === undefined) {
      pending = this.#obtain(circuit);
      this.#keys.set(circuit.digest, pending);
      pending.catch(() => this.#keys.delete(circuit.digest));
    }
    return pending;
  }

  async #obtain(circuit: CompiledCircuit): Promise<ZkKeys> {
    const { cacheDir, logger } = this.#options;
    const tag = circuit.digest.slice(0, 16);
    try {
      const cached = await loadGroth16Setup(circuit.digest, cacheDir);
      logger.log('info', 'zk.keys_cached', { circuit: tag, vk: cached.vkDigest.slice(0, 16) });
      return this.#keysFrom(circuit.digest, cached.verificationKey, cached.vkDigest);
    } catch (error) {
      if (!isProvenantError(error, 'PRV_ERR_ZK_SETUP_MISSING')) throw error;
    }
    const turn = this.#setupChain.then(() => this.#setup(circuit));
    this.#setupChain = turn.catch(() => undefined);
    return turn;
  }

  async #setup(circuit: CompiledCircuit): Promise<ZkKeys> {
    const { cacheDir, logger } = this.#options;
    const tag = circuit.digest.slice(0, 16);
    const started = Date.now();
    logger.log('info', 'zk.setup_start', { circuit: tag, constraints: circuit.stats.constraints });
    try {
      const setup = await setupGroth16(circuit, {
        ptau: await this.#ptauSource(Math.max(MIN_DEV_PTAU_POWER, requiredPtauPower(circuit.stats.constraints, circuit.nPublic))),
        cacheDir,
        onProgress: (progress) => logger.log('info', 'zk.setup_progress', { circuit: tag, stage: progress.stage, message: progress.message }),
      });
      logger.log('info', 'zk.setup_done', { circuit: tag, vk: setup.vkDigest.slice(0, 16), ms: Date.now() - started });
      return this.#keysFrom(circuit.digest, setup.verificationKey, setup.vkDigest);
    } catch (error) {
      logger.log('error', 'zk.setup_failed', { circuit: tag, code: isProvenantError(error) ? error.code : 'PRV_ERR_ZK_SETUP_FAILED' });
      throw isProvenantError(error) ? error : createError('PRV_ERR_ZK_SETUP_FAILED', error instanceof Error ? error.message.slice(0, 200) : undefined);
    }
  }

  #keysFrom(circuitDigest: string, verificationKey: Record<string, unknown>, vkDigest: string): ZkKeys {
    const cacheDir = this.#options.cacheDir;
    return { circuitDigest, verificationKey, vkDigest, loadZkey: async () => (await loadGroth16Setup(circuitDigest, cacheDir)).zkey };
  }

  /** Read per setup, not held: a ceremony's ptau can be hundreds of MB and setups are rare. */
  async #ptauSource(devPower: number): Promise<PtauSource> {
    const ptau = this.#options.ptau;
    if (ptau === 'dev') {
      if (!this.#warned) {
        this.#warned = true;
        // As `provenant zk setup --dev-ptau` warns: whoever ran this setup knows the toxic waste and can forge proofs.
        this.#options.logger.log('warn', 'zk.insecure_dev_ptau', { note: 'INSECURE dev ptau: proofs under these keys can be forged; development only' });
      }
      return { kind: 'dev', power: devPower };
    }
    let bytes: Uint8Array;
    try {
      const info = await stat(ptau);
      if (!info.isFile() || info.size > MAX_PTAU_FILE_BYTES) throw createError('PRV_ERR_ZK_PTAU_INVALID', 'config.zk.ptau is not a regular file under 2 GiB');
      bytes = new Uint8Array(await readFile(ptau));
    } catch (error) {
      if (isProvenantError(error)) throw error;
      throw createError('PRV_ERR_ZK_PTAU_INVALID', 'cannot read config.zk.ptau', { cause: error });
    }
    return { kind: 'file', bytes };
  }
}
