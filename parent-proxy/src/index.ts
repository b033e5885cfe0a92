export { runProxyCommand, type ProxyCommandIo, type ProxyCommandOptions } from './proxy-command.js';
export { ProxyService, PROXY_VERSION, scanModelDir, type ProxyServiceOptions } from './proxy-service.js';
export { DEFAULT_PROXY_CONFIG, MAX_ENCLAVES, PROXY_USAGE, parseProxyConfig, proxyConfigFromArgs, type ProxyConfig } from './config/proxy-config.js';
export { EnclavePool, type PoolOptions, type StartupModel } from './enclave/enclave-pool.js';
export { backoffDelayMs, type BackoffOptions } from './enclave/backoff.js';
export { buildProxyApp, type ProxyAppOptions } from './http/proxy-app.js';
export { ProxyMetrics } from './metrics/proxy-metrics.js';
