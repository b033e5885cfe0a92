import {
  MAX_FRAME_BYTES,
  MAX_IN_FLIGHT_PER_CONNECTION,
  MAX_MODEL_BYTES,
  MAX_MODELS_PER_ENCLAVE,
  MAX_BATCH_LEAVES,
  MAX_REQUEST_TIMEOUT_MS,
  createError,
  encodeCbor,
  type ProvenantError,
} from '@provenant/protocol';
import { parseTransportAddress } from '@provenant/transport';

/**
 * The daemon's whole configuration. It is validated once at start (unknown keys refused at every level,
 * STYLE rule 9), then encoded as deterministic CBOR whose SHA-256 is the boot document's user_data, so
 * everything that shapes the daemon's behaviour is attested.
 */
export interface EnclaveConfig {
  /** vsock://ANY:5000 in production; unix:///abs/path or tcp://127.0.0.1:port for tests. */
  readonly listen: string;
  readonly nsm: NsmConfig;
  /** Directory of .onnx files loaded at boot (measured by the image's PCR2), or null. */
  readonly modelDir: string | null;
  readonly limits: LimitsConfig;
  readonly batch: BatchConfig;
  readonly heartbeat: HeartbeatConfig;
  /**
   * Where the daemon also streams its log lines (vsock://3:5001 in production), or null for the console
   * only. The parent is untrusted and may be absent: see LogSink.
   */
  readonly logSink: string | null;
  /**
   * Lock PCR16 once the boot models are loaded, so every later attestation document carries it (documents
   * hold only locked PCRs); uploads and deletes are then refused with PRV_ERR_MODEL_SEALED.
   */
  readonly sealModels: boolean;
  /** Proof plans' zk segments: keys, proving and the plan-receipt store (enclave-app/README.md §zk). */
  readonly zk: ZkConfig;
}

export interface ZkConfig {
  /**
   * Powers of tau for Groth16 setup: "none" (zk segments refused with PRV_ERR_PLAN_ZK_UNAVAILABLE), "dev"
   * (an insecure locally made ptau, development only), or the path of a ceremony's .ptau file.
   */
  readonly ptau: string;
  /** Where proving keys are cached by circuit digest (as `provenant zk setup --cache-dir` writes them). */
  readonly cacheDir: string;
  /** Fixed point of every zk segment's circuit (docs/zk.md §1); the plan claims carry them per segment. */
  readonly scaleBits: number;
  readonly bitWidth: number;
  /** Long-lived proving processes. */
  readonly provers: number;
  /** Proofs queued or running at once; a request that would exceed it is refused with PRV_ERR_ZK_PROVER_BUSY. */
  readonly maxPendingProofs: number;
  /** Plan receipts kept for receipt.get; the oldest settled one is evicted first. */
  readonly maxReceipts: number;
}

export interface NsmConfig {
  readonly backend: 'device' | 'mock';
  /** Must be true for backend 'mock' (two explicit decisions, as selectNsmTransport requires). */
  readonly allowMock: boolean;
  /** Where the mock's certificate authority persists its root (mock only). */
  readonly mockStateDir: string | null;
  /** Stands in for the image measurement the mock derives PCR0/1/2 from (mock only). */
  readonly mockImage: string | null;
}

export interface LimitsConfig {
  readonly maxModelBytes: number;
  readonly maxModels: number;
  /** Requests waiting for an inference slot; one more is refused with PRV_ERR_BUSY. */
  readonly maxQueue: number;
  /** Inferences running at once. */
  readonly concurrency: number;
  /**
   * onnxruntime intra-op threads per model session. Default 1: the enclave's few vCPUs also run the event
   * loop, and onnxruntime's spinning pool threads would compete with it; small models gain nothing from
   * more. Raise it for large models.
   */
  readonly ortThreads: number;
  readonly maxInFlightPerConnection: number;
  /** Deadline for requests that carry no timeout_ms of their own. */
  readonly requestTimeoutMs: number;
  readonly maxFrameBytes: number;
}

export interface BatchConfig {
  /**
   * Linger before an idle batcher asks the NSM (0: at once). Batches form anyway from the receipts that
   * arrive while a document is being made (group commit; see AttestationBatcher).
   */
  readonly windowMs: number;
  readonly maxLeaves: number;
}

export interface HeartbeatConfig {
  readonly intervalMs: number;
  readonly timeoutMs: number;
}

/** More intra-op threads than any enclave has vCPUs is a configuration mistake. */
const MAX_ORT_THREADS = 64;

export const DEFAULT_LIMITS: LimitsConfig = {
  maxModelBytes: 256 * 1024 * 1024,
  maxModels: 16,
  maxQueue: 256,
  concurrency: 2, // the dev machine has 2 cores; onnxruntime parallelises inside a run as well
  ortThreads: 1,
  maxInFlightPerConnection: 512,
  requestTimeoutMs: 30_000,
  maxFrameBytes: MAX_FRAME_BYTES,
};
export const DEFAULT_BATCH: BatchConfig = { windowMs: 0, maxLeaves: 256 };
export const DEFAULT_HEARTBEAT: HeartbeatConfig = { intervalMs: 5_000, timeoutMs: 15_000 };
/** zk off by default: proving keys need a trusted ptau, which only the operator can choose. */
export const DEFAULT_ZK: ZkConfig = {
  ptau: 'none',
  cacheDir: '.provenant/zk-cache', // the prover CLI's default, so `provenant zk setup` output is found
  scaleBits: 8,
  bitWidth: 20, // covers the bundled models' activations at scaleBits 8 (docs/zk.md, Choosing a configuration)
  provers: 1, // snarkjs already spreads one proof over every core
  maxPendingProofs: 16,
  maxReceipts: 1024,
};
/** Bounds for the zk section: the circuit compiler's own limits (docs/zk.md §1) and memory per receipt. */
const MAX_ZK_SCALE_BITS = 24;
const MIN_ZK_BIT_WIDTH = 4;
const MAX_ZK_BIT_WIDTH = 64;
const MAX_ZK_PROVERS = 64;
const MAX_ZK_PENDING_PROOFS = 4096;
/** A settled plan receipt holds up to ~8 proofs and keys (~20 KB each): 65,536 receipts stay under ~10 GB worst case. */
const MAX_ZK_RECEIPTS = 65_536;
/** Longest path or label accepted in the config. */
const MAX_CONFIG_STRING_CHARS = 1024;
const MAX_QUEUE = 65_536;
const MAX_CONCURRENCY = 256;
const MAX_BATCH_WINDOW_MS = 1_000;
const MAX_HEARTBEAT_MS = 10 * 60_000;

type Json = Readonly<Record<string, unknown>>;

function invalid(detail: string): ProvenantError {
  return createError('PRV_ERR_CONFIG_INVALID', detail);
}

function object(value: unknown, path: string, allowed: readonly string[]): Json {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${path} must be an object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(`${path} has unknown key ${JSON.stringify(key.slice(0, 64))} (allowed: ${allowed.join(', ')})`);
  }
  return value as Json;
}

function int(value: unknown, path: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    throw invalid(`${path} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  return value;
}

function str(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CONFIG_STRING_CHARS) {
    throw invalid(`${path} must be a non-empty string of at most ${MAX_CONFIG_STRING_CHARS} chars`);
  }
  return value;
}

function optionalStr(value: unknown, path: string): string | null {
  return value === undefined || value === null ? null : str(value, path);
}

/** Validates a configuration object (parsed JSON with flags merged in). Every field is checked here. */
export function parseEnclaveConfig(value: unknown): EnclaveConfig {
  const root = object(value, 'config', ['listen', 'nsm', 'modelDir', 'limits', 'batch', 'heartbeat', 'logSink', 'sealModels', 'zk']);
  const listen = transportAddress(root.listen, 'config.listen');
  const logSink = root.logSink === undefined || root.logSink === null ? null : transportAddress(root.logSink, 'config.logSink');
  if (root.sealModels !== undefined && typeof root.sealModels !== 'boolean') throw invalid('config.sealModels must be a boolean');
  const sealModels = root.sealModels === true;
  const nsmJson = object(root.nsm, 'config.nsm', ['backend', 'allowMock', 'mockStateDir', 'mockImage']);
  if (nsmJson.backend !== 'device' && nsmJson.backend !== 'mock') throw invalid('config.nsm.backend must be "device" or "mock"');
  if (nsmJson.allowMock !== undefined && typeof nsmJson.allowMock !== 'boolean') throw invalid('config.nsm.allowMock must be a boolean');
  const nsm: NsmConfig = {
    backend: nsmJson.backend,
    allowMock: nsmJson.allowMock === true,
    mockStateDir: optionalStr(nsmJson.mockStateDir, 'config.nsm.mockStateDir'),
    mockImage: optionalStr(nsmJson.mockImage, 'config.nsm.mockImage'),
  };
  if (nsm.backend === 'mock') {
    if (!nsm.allowMock) throw invalid('config.nsm.backend "mock" needs config.nsm.allowMock: true (the mock proves nothing)');
    if (nsm.mockStateDir === null) throw invalid('config.nsm.mockStateDir is required with the mock backend');
  } else if (nsm.allowMock || nsm.mockStateDir !== null || nsm.mockImage !== null) {
    throw invalid('config.nsm mock options given with backend "device"');
  }
  const limitsJson = object(root.limits ?? {}, 'config.limits', Object.keys(DEFAULT_LIMITS));
  const limits: LimitsConfig = {
    maxModelBytes: int(limitsJson.maxModelBytes, 'config.limits.maxModelBytes', 1, MAX_MODEL_BYTES, DEFAULT_LIMITS.maxModelBytes),
    maxModels: int(limitsJson.maxModels, 'config.limits.maxModels', 1, MAX_MODELS_PER_ENCLAVE, DEFAULT_LIMITS.maxModels),
    maxQueue: int(limitsJson.maxQueue, 'config.limits.maxQueue', 0, MAX_QUEUE, DEFAULT_LIMITS.maxQueue),
    concurrency: int(limitsJson.concurrency, 'config.limits.concurrency', 1, MAX_CONCURRENCY, DEFAULT_LIMITS.concurrency),
    ortThreads: int(limitsJson.ortThreads, 'config.limits.ortThreads', 1, MAX_ORT_THREADS, DEFAULT_LIMITS.ortThreads),
    maxInFlightPerConnection: int(
      limitsJson.maxInFlightPerConnection,
      'config.limits.maxInFlightPerConnection',
      1,
      MAX_IN_FLIGHT_PER_CONNECTION,
      DEFAULT_LIMITS.maxInFlightPerConnection,
    ),
    requestTimeoutMs: int(limitsJson.requestTimeoutMs, 'config.limits.requestTimeoutMs', 1, MAX_REQUEST_TIMEOUT_MS, DEFAULT_LIMITS.requestTimeoutMs),
    maxFrameBytes: int(limitsJson.maxFrameBytes, 'config.limits.maxFrameBytes', 1024, MAX_FRAME_BYTES, DEFAULT_LIMITS.maxFrameBytes),
  };
  const batchJson = object(root.batch ?? {}, 'config.batch', ['windowMs', 'maxLeaves']);
  const batch: BatchConfig = {
    windowMs: int(batchJson.windowMs, 'config.batch.windowMs', 0, MAX_BATCH_WINDOW_MS, DEFAULT_BATCH.windowMs),
    maxLeaves: int(batchJson.maxLeaves, 'config.batch.maxLeaves', 1, MAX_BATCH_LEAVES, DEFAULT_BATCH.maxLeaves),
  };
  const heartbeatJson = object(root.heartbeat ?? {}, 'config.heartbeat', ['intervalMs', 'timeoutMs']);
  const heartbeat: HeartbeatConfig = {
    intervalMs: int(heartbeatJson.intervalMs, 'config.heartbeat.intervalMs', 1, MAX_HEARTBEAT_MS, DEFAULT_HEARTBEAT.intervalMs),
    timeoutMs: int(heartbeatJson.timeoutMs, 'config.heartbeat.timeoutMs', 1, MAX_HEARTBEAT_MS, DEFAULT_HEARTBEAT.timeoutMs),
  };
  if (heartbeat.timeoutMs < heartbeat.intervalMs) throw invalid('config.heartbeat.timeoutMs must be at least intervalMs');
  const modelDir = optionalStr(root.modelDir, 'config.modelDir');
  if (sealModels && modelDir === null) throw invalid('config.sealModels needs config.modelDir (sealing an empty model set pins nothing)');
  return { listen, nsm, modelDir, limits, batch, heartbeat, logSink, sealModels, zk: parseZkConfig(root.zk) };
}

function parseZkConfig(value: unknown): ZkConfig {
  const json = object(value ?? {}, 'config.zk', Object.keys(DEFAULT_ZK));
  const scaleBits = int(json.scaleBits, 'config.zk.scaleBits', 0, MAX_ZK_SCALE_BITS, DEFAULT_ZK.scaleBits);
  const bitWidth = int(json.bitWidth, 'config.zk.bitWidth', MIN_ZK_BIT_WIDTH, MAX_ZK_BIT_WIDTH, DEFAULT_ZK.bitWidth);
  if (bitWidth <= scaleBits) throw invalid('config.zk.bitWidth must exceed config.zk.scaleBits (values need integer bits)');
  return {
    ptau: json.ptau === undefined ? DEFAULT_ZK.ptau : str(json.ptau, 'config.zk.ptau'),
    cacheDir: json.cacheDir === undefined ? DEFAULT_ZK.cacheDir : str(json.cacheDir, 'config.zk.cacheDir'),
    scaleBits,
    bitWidth,
    provers: int(json.provers, 'config.zk.provers', 1, MAX_ZK_PROVERS, DEFAULT_ZK.provers),
    maxPendingProofs: int(json.maxPendingProofs, 'config.zk.maxPendingProofs', 1, MAX_ZK_PENDING_PROOFS, DEFAULT_ZK.maxPendingProofs),
    maxReceipts: int(json.maxReceipts, 'config.zk.maxReceipts', 1, MAX_ZK_RECEIPTS, DEFAULT_ZK.maxReceipts),
  };
}

function transportAddress(value: unknown, path: string): string {
  const text = str(value, path);
  try {
    parseTransportAddress(text);
  } catch (error) {
    throw createError('PRV_ERR_CONFIG_INVALID', `${path} is not a transport address (vsock://CID:PORT, unix:///path, tcp://host:port)`, { cause: error });
  }
  return text;
}

/**
 * Deterministic CBOR of the configuration (RFC 8949 §4.2.1: map keys sorted by their encoded bytes; here
 * all keys are short text, so shorter first, then bytewise). Holds no secrets; its SHA-256 is the boot
 * document's user_data.
 */
export function encodeEffectiveConfig(config: EnclaveConfig): Uint8Array {
  return encodeCbor(sortedMap(config));
}

function sortedMap(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, sortedMap(inner)] as const);
  entries.sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
  return new Map(entries);
}
