import { readFile, stat } from 'node:fs/promises';
import { createError } from '@provenant/protocol';
import { parseEnclaveConfig, type EnclaveConfig } from './enclave-config.js';

/** A config file is a few hundred bytes; refuse anything that is clearly not one before reading it. */
export const MAX_CONFIG_FILE_BYTES = 64 * 1024;

type FlagTarget = readonly [section: 'root' | 'nsm' | 'limits' | 'batch' | 'heartbeat' | 'zk', key: string, kind: 'string' | 'int' | 'true'];

/** Each flag sets one config field; flags win over the file. */
const FLAGS: Readonly<Record<string, FlagTarget>> = {
  '--listen': ['root', 'listen', 'string'],
  '--model-dir': ['root', 'modelDir', 'string'],
  '--log-sink': ['root', 'logSink', 'string'],
  '--seal-models': ['root', 'sealModels', 'true'],
  '--nsm': ['nsm', 'backend', 'string'],
  '--allow-mock-nsm': ['nsm', 'allowMock', 'true'],
  '--mock-state-dir': ['nsm', 'mockStateDir', 'string'],
  '--mock-image': ['nsm', 'mockImage', 'string'],
  '--max-model-bytes': ['limits', 'maxModelBytes', 'int'],
  '--max-models': ['limits', 'maxModels', 'int'],
  '--max-queue': ['limits', 'maxQueue', 'int'],
  '--concurrency': ['limits', 'concurrency', 'int'],
  '--ort-threads': ['limits', 'ortThreads', 'int'],
  '--max-in-flight': ['limits', 'maxInFlightPerConnection', 'int'],
  '--request-timeout-ms': ['limits', 'requestTimeoutMs', 'int'],
  '--max-frame-bytes': ['limits', 'maxFrameBytes', 'int'],
  '--batch-window-ms': ['batch', 'windowMs', 'int'],
  '--batch-max-leaves': ['batch', 'maxLeaves', 'int'],
  '--heartbeat-interval-ms': ['heartbeat', 'intervalMs', 'int'],
  '--heartbeat-timeout-ms': ['heartbeat', 'timeoutMs', 'int'],
  '--zk-ptau': ['zk', 'ptau', 'string'],
  '--zk-cache-dir': ['zk', 'cacheDir', 'string'],
  '--zk-scale-bits': ['zk', 'scaleBits', 'int'],
  '--zk-bit-width': ['zk', 'bitWidth', 'int'],
  '--zk-provers': ['zk', 'provers', 'int'],
  '--zk-max-pending-proofs': ['zk', 'maxPendingProofs', 'int'],
  '--zk-max-receipts': ['zk', 'maxReceipts', 'int'],
};

export const CONFIG_FLAGS_USAGE = `options:
  --config FILE              JSON config (keys: listen, nsm, modelDir, limits, batch, heartbeat, logSink, sealModels, zk)
  --listen ADDRESS           vsock://ANY:5000 | unix:///path | tcp://127.0.0.1:PORT
  --nsm device|mock          NSM backend (mock also needs --allow-mock-nsm and --mock-state-dir)
  --allow-mock-nsm           explicitly accept the mock NSM (its documents prove nothing)
  --mock-state-dir DIR       where the mock's certificate authority persists its root
  --mock-image LABEL         stands in for the enclave image measurement (mock only)
  --model-dir DIR            load every *.onnx in DIR at boot
  --seal-models              lock PCR16 after the boot models load; refuse uploads and deletes afterwards
  --log-sink ADDRESS         also stream log lines to the parent (e.g. vsock://3:5001); drops when it is slow
  --max-model-bytes N  --max-models N  --max-queue N  --concurrency N  --ort-threads N  --max-in-flight N
  --request-timeout-ms N  --max-frame-bytes N  --batch-window-ms N  --batch-max-leaves N
  --heartbeat-interval-ms N  --heartbeat-timeout-ms N
  --zk-ptau none|dev|FILE    powers of tau for proof plans' zk segments (default none: zk refused; dev: insecure)
  --zk-cache-dir DIR         proving keys by circuit digest (default .provenant/zk-cache)
  --zk-scale-bits N  --zk-bit-width N  --zk-provers N  --zk-max-pending-proofs N  --zk-max-receipts N
`;

/** Parses daemon flags (and the --config file they may name) into a validated configuration. */
export async function loadEnclaveConfig(argv: readonly string[]): Promise<EnclaveConfig> {
  let configFile: string | undefined;
  const overrides: Record<string, Record<string, unknown>> = { root: {}, nsm: {}, limits: {}, batch: {}, heartbeat: {}, zk: {} };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    if (flag === '--config') {
      configFile = value(argv, ++i, flag);
      continue;
    }
    const target = FLAGS[flag];
    if (target === undefined) throw createError('PRV_ERR_CONFIG_INVALID', `unknown flag ${JSON.stringify(flag.slice(0, 64))}`);
    const [section, key, kind] = target;
    const bucket = overrides[section] as Record<string, unknown>;
    if (kind === 'true') bucket[key] = true;
    else if (kind === 'string') bucket[key] = value(argv, ++i, flag);
    else {
      const text = value(argv, ++i, flag);
      if (!/^[0-9]{1,15}$/.test(text)) throw createError('PRV_ERR_CONFIG_INVALID', `${flag} needs a non-negative integer`);
      bucket[key] = Number(text);
    }
  }
  const base = configFile === undefined ? {} : await readConfigFile(configFile);
  return parseEnclaveConfig(merge(base, overrides));
}

function value(argv: readonly string[], index: number, flag: string): string {
  const text = argv[index];
  if (text === undefined || text.startsWith('--')) throw createError('PRV_ERR_CONFIG_INVALID', `${flag} needs a value`);
  return text;
}

async function readConfigFile(file: string): Promise<unknown> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_CONFIG_FILE_BYTES) {
      throw createError('PRV_ERR_CONFIG_INVALID', `config file must be a regular file of at most ${MAX_CONFIG_FILE_BYTES} bytes`);
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'PRV_ERR_CONFIG_INVALID') throw error;
    throw createError('PRV_ERR_CONFIG_INVALID', `cannot read config file ${file}`, { cause: error });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw createError('PRV_ERR_CONFIG_INVALID', `config file ${file} is not valid JSON`, { cause: error });
  }
}

function merge(base: unknown, overrides: Record<string, Record<string, unknown>>): unknown {
  if (base === null || typeof base !== 'object' || Array.isArray(base)) return base; // parseEnclaveConfig reports it
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>), ...overrides.root };
  for (const section of ['nsm', 'limits', 'batch', 'heartbeat', 'zk'] as const) {
    const extra = overrides[section] as Record<string, unknown>;
    if (Object.keys(extra).length === 0) continue;
    const existing = out[section];
    out[section] = existing !== null && typeof existing === 'object' && !Array.isArray(existing) ? { ...existing, ...extra } : extra;
  }
  return out;
}
