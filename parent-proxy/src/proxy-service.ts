import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { assertModelName, createError } from '@provenant/protocol';
import type { ProxyConfig } from './config/proxy-config.js';
import { EnclavePool, type StartupModel } from './enclave/enclave-pool.js';
import { buildProxyApp } from './http/proxy-app.js';
import { ProxyMetrics } from './metrics/proxy-metrics.js';

export const PROXY_VERSION = '0.1.0';
/** Most models a startup directory may hold (an enclave holds at most MAX_MODELS_PER_ENCLAVE). */
const MAX_STARTUP_MODELS = 256;

export interface ProxyServiceOptions {
  /** One line per event (connects, disconnects, model loads); never payloads. */
  readonly log?: (line: string) => void;
  /** Injectable for tests of reconnect jitter. */
  readonly random?: () => number;
}

/**
 * The running proxy: HTTP first (so /v2/health/live answers and readiness is reportable while enclaves
 * connect, STYLE rule 12), then the enclave pool. stop() closes HTTP first so in-flight requests drain
 * while their enclave links are still up, then the pool.
 */
export class ProxyService {
  readonly config: ProxyConfig;
  readonly pool: EnclavePool;
  readonly metrics: ProxyMetrics;
  readonly app: FastifyInstance;
  #url: string | undefined;

  constructor(config: ProxyConfig, options: ProxyServiceOptions = {}) {
    this.config = config;
    const log = options.log ?? (() => undefined);
    this.pool = new EnclavePool({
      addresses: config.enclaves,
      requestTimeoutMs: config.requestTimeoutMs,
      uploadTimeoutMs: config.uploadTimeoutMs,
      connectTimeoutMs: config.connectTimeoutMs,
      reconnectInitialMs: config.reconnectInitialMs,
      reconnectMaxMs: config.reconnectMaxMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs,
      heartbeatTimeoutMs: config.heartbeatTimeoutMs,
      startupModels: config.modelDir === undefined ? [] : scanModelDir(config.modelDir, config.maxModelBytes),
      log,
      ...(options.random === undefined ? {} : { random: options.random }),
    });
    this.metrics = new ProxyMetrics({ enclaves: () => this.pool.slots });
    this.app = buildProxyApp({
      pool: this.pool,
      metrics: this.metrics,
      maxInferBodyBytes: config.maxInferBodyBytes,
      maxModelBytes: config.maxModelBytes,
      readyTimeoutMs: config.readyTimeoutMs,
      version: PROXY_VERSION,
    });
  }

  /** The listening URL, once started. */
  get url(): string {
    if (this.#url === undefined) throw createError('PRV_ERR_INVALID_ARGUMENT', 'the proxy is not started');
    return this.#url;
  }

  async start(): Promise<string> {
    await this.app.listen({ host: this.config.host, port: this.config.port });
    const address = this.app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : this.config.port;
    const host = this.config.host.includes(':') ? `[${this.config.host}]` : this.config.host;
    this.#url = `http://${host}:${port}`;
    this.pool.start();
    return this.#url;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.pool.stop();
  }
}

/** The startup models: every regular *.onnx file, named after its file name without the extension. */
export function scanModelDir(dir: string, maxModelBytes: number): StartupModel[] {
  const files = readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isFile() && entry.name.endsWith('.onnx'));
  if (files.length > MAX_STARTUP_MODELS) throw createError('PRV_ERR_PROXY_CONFIG_INVALID', `${dir} holds more than ${MAX_STARTUP_MODELS} models`);
  return files
    .map((entry) => {
      const file = path.join(dir, entry.name);
      const name = entry.name.slice(0, -'.onnx'.length);
      try {
        assertModelName(name);
      } catch {
        throw createError('PRV_ERR_PROXY_CONFIG_INVALID', `${entry.name}: model file names must be valid model names`);
      }
      const size = statSync(file).size;
      if (size === 0 || size > maxModelBytes) throw createError('PRV_ERR_PROXY_CONFIG_INVALID', `${entry.name} is empty or larger than ${maxModelBytes} bytes`);
      return { name, path: file, size };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
