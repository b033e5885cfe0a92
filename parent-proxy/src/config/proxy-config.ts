import { readFileSync, statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { MAX_INLINE_KSERVE_BODY_BYTES, MAX_MODEL_BYTES, createError, type ProvenantError } from '@provenant/protocol';
import { parseTransportAddress } from '@provenant/transport';

export interface ProxyConfig {
  /** Enclave addresses: vsock://CID:PORT, unix:///abs/path or tcp://host:port. */
  readonly enclaves: readonly string[];
  readonly host: string;
  readonly port: number;
  /** .onnx files loaded into every enclave each time a connection to it comes up. */
  readonly modelDir?: string;
  readonly maxInferBodyBytes: number;
  readonly maxModelBytes: number;
  readonly requestTimeoutMs: number;
  readonly uploadTimeoutMs: number;
  readonly connectTimeoutMs: number;
  readonly reconnectInitialMs: number;
  readonly reconnectMaxMs: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
  readonly readyTimeoutMs: number;
}

export const MAX_ENCLAVES = 64;
const MAX_CONFIG_FILE_BYTES = 64 * 1024;
const MAX_TIMEOUT_MS = 24 * 3600 * 1000;

export const DEFAULT_PROXY_CONFIG = {
  host: '127.0.0.1',
  port: 8080,
  // The body travels to the enclave whole, in one frame (infer.kserve).
  maxInferBodyBytes: MAX_INLINE_KSERVE_BODY_BYTES,
  maxModelBytes: MAX_MODEL_BYTES,
  requestTimeoutMs: 30_000,
  uploadTimeoutMs: 300_000,
  connectTimeoutMs: 5_000,
  reconnectInitialMs: 100,
  reconnectMaxMs: 5_000,
  heartbeatIntervalMs: 5_000,
  heartbeatTimeoutMs: 15_000,
  readyTimeoutMs: 2_000,
} as const;

/** Numeric settings: [min, max], each validated (STYLE rule 14: every phase has its own bounded timeout). */
const NUMBERS: Readonly<Record<string, readonly [number, number]>> = {
  port: [0, 65535],
  maxInferBodyBytes: [1024, MAX_INLINE_KSERVE_BODY_BYTES],
  maxModelBytes: [1, MAX_MODEL_BYTES],
  requestTimeoutMs: [1, MAX_TIMEOUT_MS],
  uploadTimeoutMs: [1, MAX_TIMEOUT_MS],
  connectTimeoutMs: [1, 120_000],
  reconnectInitialMs: [1, MAX_TIMEOUT_MS],
  reconnectMaxMs: [1, MAX_TIMEOUT_MS],
  heartbeatIntervalMs: [1, MAX_TIMEOUT_MS],
  heartbeatTimeoutMs: [1, MAX_TIMEOUT_MS],
  readyTimeoutMs: [1, 60_000],
};
const KEYS = new Set(['enclaves', 'host', 'modelDir', ...Object.keys(NUMBERS)]);

function invalid(detail: string): ProvenantError {
  return createError('PRV_ERR_PROXY_CONFIG_INVALID', detail);
}

/** Checks a config object (from a JSON file merged with flags): unknown keys, types, ranges, addresses. */
export function parseProxyConfig(value: unknown): ProxyConfig {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid('config must be a JSON object');
  const raw = value as Record<string, unknown>;
  for (const key of Object.keys(raw)) if (!KEYS.has(key)) throw invalid(`unknown key ${JSON.stringify(key.slice(0, 64))}`);
  const enclaves = raw.enclaves;
  if (!Array.isArray(enclaves) || enclaves.length === 0 || enclaves.length > MAX_ENCLAVES) {
    throw invalid(`enclaves must list 1 to ${MAX_ENCLAVES} addresses`);
  }
  for (const address of enclaves) {
    if (typeof address !== 'string') throw invalid('enclaves must hold address strings');
    try {
      parseTransportAddress(address);
    } catch (error) {
      throw invalid(`enclave address ${JSON.stringify(address.slice(0, 128))}: ${(error as Error).message}`);
    }
  }
  if (new Set(enclaves).size !== enclaves.length) throw invalid('enclaves lists an address twice');
  const numbers: Record<string, number> = {};
  for (const [key, [min, max]] of Object.entries(NUMBERS)) {
    const given = raw[key] ?? (DEFAULT_PROXY_CONFIG as Record<string, unknown>)[key];
    if (typeof given !== 'number' || !Number.isSafeInteger(given) || given < min || given > max) throw invalid(`${key} must be an integer in [${min}, ${max}]`);
    numbers[key] = given;
  }
  if ((numbers.heartbeatTimeoutMs as number) < (numbers.heartbeatIntervalMs as number)) throw invalid('heartbeatTimeoutMs must be at least heartbeatIntervalMs');
  if ((numbers.reconnectMaxMs as number) < (numbers.reconnectInitialMs as number)) throw invalid('reconnectMaxMs must be at least reconnectInitialMs');
  const host = raw.host ?? DEFAULT_PROXY_CONFIG.host;
  if (typeof host !== 'string' || host.length === 0 || host.length > 255) throw invalid('host must be a host name or address');
  const modelDir = raw.modelDir;
  if (modelDir !== undefined) {
    if (typeof modelDir !== 'string' || modelDir.length === 0) throw invalid('modelDir must be a path');
    let isDir = false;
    try {
      isDir = statSync(modelDir).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw invalid(`modelDir ${JSON.stringify(modelDir.slice(0, 256))} is not a directory`);
  }
  return { ...(numbers as unknown as Omit<ProxyConfig, 'enclaves' | 'host' | 'modelDir'>), enclaves: [...enclaves] as string[], host, ...(modelDir === undefined ? {} : { modelDir }) };
}

const FLAG_TO_KEY: Readonly<Record<string, string>> = {
  'port': 'port',
  'host': 'host',
  'model-dir': 'modelDir',
  'max-infer-body-bytes': 'maxInferBodyBytes',
  'max-model-bytes': 'maxModelBytes',
  'request-timeout-ms': 'requestTimeoutMs',
  'upload-timeout-ms': 'uploadTimeoutMs',
  'connect-timeout-ms': 'connectTimeoutMs',
  'reconnect-initial-ms': 'reconnectInitialMs',
  'reconnect-max-ms': 'reconnectMaxMs',
  'heartbeat-interval-ms': 'heartbeatIntervalMs',
  'heartbeat-timeout-ms': 'heartbeatTimeoutMs',
  'ready-timeout-ms': 'readyTimeoutMs',
};

export const PROXY_USAGE = `usage: provenant proxy [--config FILE] --enclave ADDRESS [--enclave ADDRESS ...] [options]

  --config FILE               JSON object with the keys below (camelCase); flags override it
  --enclave ADDRESS           enclave to serve from: vsock://CID:PORT, unix:///path, tcp://host:port (repeatable)
  --host HOST                 HTTP listen host (default ${DEFAULT_PROXY_CONFIG.host})
  --port PORT                 HTTP listen port (default ${DEFAULT_PROXY_CONFIG.port}; 0 picks a free one)
  --model-dir DIR             load every DIR/*.onnx into each enclave when it connects
  --max-infer-body-bytes N    inference body limit (default ${DEFAULT_PROXY_CONFIG.maxInferBodyBytes})
  --max-model-bytes N         model upload limit (default ${DEFAULT_PROXY_CONFIG.maxModelBytes})
  --request-timeout-ms N      enclave answer deadline per request (default ${DEFAULT_PROXY_CONFIG.requestTimeoutMs})
  --upload-timeout-ms N       deadline for a whole model upload (default ${DEFAULT_PROXY_CONFIG.uploadTimeoutMs})
  --connect-timeout-ms N      connect plus hello deadline (default ${DEFAULT_PROXY_CONFIG.connectTimeoutMs})
  --reconnect-initial-ms N, --reconnect-max-ms N, --heartbeat-interval-ms N, --heartbeat-timeout-ms N, --ready-timeout-ms N
`;

/** Flags (and the JSON file they may name) into a checked config. */
export function proxyConfigFromArgs(argv: readonly string[]): ProxyConfig {
  const options: Record<string, { type: 'string'; multiple?: boolean }> = { config: { type: 'string' }, enclave: { type: 'string', multiple: true } };
  for (const flag of Object.keys(FLAG_TO_KEY)) options[flag] = { type: 'string' };
  let values: Record<string, string | string[] | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }) as { values: Record<string, string | string[] | undefined> });
  } catch (error) {
    throw invalid((error as Error).message);
  }
  let merged: Record<string, unknown> = {};
  if (typeof values.config === 'string') merged = readConfigFile(values.config);
  if (Array.isArray(values.enclave)) merged.enclaves = values.enclave;
  for (const [flag, key] of Object.entries(FLAG_TO_KEY)) {
    const given = values[flag];
    if (typeof given !== 'string') continue;
    if (key === 'host' || key === 'modelDir') merged[key] = given;
    else if (/^[0-9]{1,15}$/.test(given)) merged[key] = Number(given);
    else throw invalid(`--${flag} must be a non-negative integer`);
  }
  return parseProxyConfig(merged);
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    if (statSync(path).size > MAX_CONFIG_FILE_BYTES) throw invalid(`config file is larger than ${MAX_CONFIG_FILE_BYTES} bytes`);
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as ProvenantError).code === 'PRV_ERR_PROXY_CONFIG_INVALID') throw error;
    throw invalid(`cannot read config file ${JSON.stringify(path.slice(0, 256))}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalid('config file is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid('config file must hold a JSON object');
  return { ...(parsed as Record<string, unknown>) };
}
