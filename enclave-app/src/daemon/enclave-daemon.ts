import { createHash } from 'node:crypto';
import { formatTransportAddress, type TransportAddress } from '@provenant/transport';
import { encodeEffectiveConfig, type EnclaveConfig } from '../config/enclave-config.js';
import { SessionKey } from '../keys/session-key.js';
import type { EnclaveLogger } from '../logging/enclave-logger.js';
import { MODEL_PCR_INDEX, ModelRegistry } from '../models/model-registry.js';
import { MockNsmAuthority } from '../nsm/mock/mock-nsm-authority.js';
import { NsmClient } from '../nsm/nsm-client.js';
import { selectNsmTransport } from '../nsm/select-nsm.js';
import { ReceiptIssuer } from '../receipts/receipt-issuer.js';
import { WorkQueue } from '../scheduling/work-queue.js';
import { ProverPool } from '@provenant/prover';
import { PlanPreparer } from '../plans/prepared-plan.js';
import { ReceiptStore } from '../plans/receipt-store.js';
import { WitnessPool } from '../plans/witness-pool.js';
import { ZkKeyStore } from '../plans/zk-keys.js';
import { EnclaveServer } from '../server/enclave-server.js';
import { EnclaveService, type EnclaveServiceParts } from '../server/enclave-service.js';

/** Label the mock derives PCR0/1/2 from when the config names none. */
export const DEFAULT_MOCK_IMAGE = 'provenant-enclave-dev';

export interface RunningDaemon {
  readonly address: TransportAddress;
  readonly service: EnclaveService;
  /** Present only on the mock backend: the root tests and `provenant dev` pin in the verifier. */
  readonly mockRootDer: Uint8Array | undefined;
  readonly parts: EnclaveServiceParts;
  /** Stops in reverse start order; idempotent. */
  stop(): Promise<void>;
}

/**
 * Boots the daemon from a validated config (read once, by the caller). Order (STYLE rule 12): the
 * listener first, answering status with ready=false so a failed boot can be observed; then the NSM,
 * the boot models (sealed when config.sealModels), the session key, the boot document, receipts and the
 * queue; then ready.
 */
export async function startEnclaveDaemon(config: EnclaveConfig, logger: EnclaveLogger): Promise<RunningDaemon> {
  const service = new EnclaveService();
  const server = new EnclaveServer({
    listen: config.listen,
    service,
    logger,
    maxFrameBytes: config.limits.maxFrameBytes,
    maxInFlightPerConnection: config.limits.maxInFlightPerConnection,
    heartbeat: config.heartbeat,
  });
  const stack: Array<() => Promise<void> | void> = [];
  const stop = async (): Promise<void> => {
    service.markStopping();
    while (stack.length > 0) await (stack.pop() as () => Promise<void> | void)();
  };
  try {
    const address = await server.start();
    stack.push(() => server.stop());
    logger.log('info', 'boot.listening', { address: formatTransportAddress(address), nsm: config.nsm.backend });

    let mockRootDer: Uint8Array | undefined;
    let transport;
    if (config.nsm.backend === 'mock') {
      const authority = await MockNsmAuthority.loadOrCreate(config.nsm.mockStateDir as string);
      mockRootDer = authority.rootCertificateDer;
      transport = selectNsmTransport({
        backend: 'mock',
        allowMock: config.nsm.allowMock,
        mock: { authority, imageMeasurement: new TextEncoder().encode(config.nsm.mockImage ?? DEFAULT_MOCK_IMAGE) },
      });
      logger.log('warn', 'boot.mock_nsm', { note: 'mock NSM: documents verify only against the mock root' });
    } else {
      transport = selectNsmTransport({ backend: 'device' });
    }
    const nsm = new NsmClient(transport);
    stack.push(() => nsm.close());

    const registry = new ModelRegistry({
      nsm,
      maxModels: config.limits.maxModels,
      maxModelBytes: config.limits.maxModelBytes,
      ortThreads: config.limits.ortThreads,
      logger,
    });
    stack.push(() => registry.close());
    if (config.modelDir !== null) {
      const loaded = await registry.loadDirectory(config.modelDir);
      logger.log('info', 'boot.models', { models: loaded.length });
    }
    if (config.sealModels) {
      // Attestation documents carry only locked PCRs (nsm-api attestation CDDL: "Map of all locked PCRs at
      // the moment the attestation document was generated"), so PCR16 becomes visible, and pinnable, only
      // once locked; from then on the model set cannot change (PRV_ERR_MODEL_SEALED).
      registry.seal();
      await nsm.lockPcr(MODEL_PCR_INDEX);
      logger.log('info', 'boot.models_sealed', { pcr: MODEL_PCR_INDEX, models: registry.size });
    }

    // After the models, so that with sealModels the boot document (which session receipts rest on) already
    // carries the locked PCR16.
    const sessionKey = SessionKey.generate();
    stack.push(() => sessionKey.close());
    const configBytes = encodeEffectiveConfig(config);
    const configDigest = Uint8Array.from(createHash('sha256').update(configBytes).digest());
    const bootDocument = await nsm.attestation({ userData: configDigest, nonce: null, publicKey: sessionKey.publicKey });
    logger.log('info', 'boot.attested', { documentBytes: bootDocument.length });
    const receipts = new ReceiptIssuer({ nsm, sessionKey, batchWindowMs: config.batch.windowMs, batchMaxLeaves: config.batch.maxLeaves });
    stack.push(() => receipts.flush());
    const queue = new WorkQueue({ concurrency: config.limits.concurrency, maxQueue: config.limits.maxQueue });
    stack.push(() => queue.close());

    const zk = config.zk;
    const keys = new ZkKeyStore({ ptau: zk.ptau, cacheDir: zk.cacheDir, logger });
    const plans = new PlanPreparer({ keys, scaleBits: zk.scaleBits, bitWidth: zk.bitWidth, ortThreads: config.limits.ortThreads, logger });
    stack.push(() => plans.close());
    // The store bounds proofs in flight at maxPendingProofs, so the pool's own queue bound is never the one hit.
    const prover = new ProverPool({ processes: zk.provers, maxQueued: zk.maxPendingProofs });
    const planReceipts = new ReceiptStore({ prover, maxReceipts: zk.maxReceipts, maxPendingProofs: zk.maxPendingProofs, logger });
    stack.push(() => planReceipts.close());
    const witnesses = new WitnessPool();
    stack.push(() => witnesses.close());
    logger.log('info', 'boot.zk', { ptau: zk.ptau === 'none' || zk.ptau === 'dev' ? zk.ptau : 'file', provers: zk.provers });

    const parts: EnclaveServiceParts = {
      nsm,
      sessionKey,
      configBytes,
      bootDocument,
      registry,
      receipts,
      queue,
      plans,
      planReceipts,
      witnesses,
      logger,
      maxModelBytes: config.limits.maxModelBytes,
      requestTimeoutMs: config.limits.requestTimeoutMs,
    };
    service.attach(parts);
    logger.log('info', 'boot.ready', { models: registry.size });
    let stopping: Promise<void> | undefined;
    return {
      address,
      service,
      mockRootDer,
      parts,
      stop: () => {
        stopping ??= stop().then(() => logger.log('info', 'stopped'));
        return stopping;
      },
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
