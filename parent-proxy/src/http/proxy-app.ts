import http from 'node:http';
import Fastify, { type FastifyInstance, type FastifyServerFactory } from 'fastify';
import { createError } from '@provenant/protocol';
import type { EnclavePool } from '../enclave/enclave-pool.js';
import type { ProxyMetrics } from '../metrics/proxy-metrics.js';
import { asProvenantError, errorBody } from './error-reply.js';
import { serveInfer } from './infer-endpoint.js';
import { registerKserveRoutes } from './kserve-routes.js';
import { registerProjectRoutes } from './project-routes.js';
import { registerReceiptRoutes } from './receipt-routes.js';

export interface ProxyAppOptions {
  readonly pool: EnclavePool;
  readonly metrics: ProxyMetrics;
  /** Inference request bodies (JSON plus binary tensor data). */
  readonly maxInferBodyBytes: number;
  /** Model uploads; a larger Content-Length is refused before any byte is read. */
  readonly maxModelBytes: number;
  /** How long /v2/health/ready waits for enclave status answers. */
  readonly readyTimeoutMs: number;
  readonly version: string;
}

/**
 * The HTTP edge: Open Inference Protocol routes (/v2), project routes (/v1, /metrics), one error shape
 * ({"error", "code"} with the table's status) for every failure, fastify's included.
 */
export function buildProxyApp(options: ProxyAppOptions): FastifyInstance {
  let closing = false;
  // The inference route is answered before fastify sees the request (infer-endpoint.ts says why); once
  // the app is closing, fastify answers everything, so return503OnClosing holds for it too.
  const serverFactory: FastifyServerFactory = (handler, settings) => {
    const server = http.createServer((request, response) => {
      if (closing || !serveInfer(options, request, response)) handler(request, response);
    });
    // What fastify does to the server it makes itself (lib/server.js), with its resolved settings.
    server.keepAliveTimeout = settings.keepAliveTimeout as number;
    server.requestTimeout = settings.requestTimeout as number;
    server.setTimeout(settings.connectionTimeout as number);
    return server;
  };
  const app = Fastify({ logger: false, return503OnClosing: true, forceCloseConnections: true, serverFactory });
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.setErrorHandler((error, request, reply) => {
    const provenant = asProvenantError(error);
    const { status, body } = errorBody(provenant);
    options.metrics.observeError(body.code);
    // A body left unread (upload refused early) must not be drained on a keep-alive socket.
    if (!request.raw.complete) void reply.header('connection', 'close');
    void reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const { status, body } = errorBody(createError('PRV_ERR_PROXY_NOT_FOUND', `${request.method} ${request.url.split('?')[0]?.slice(0, 128)}`));
    options.metrics.observeError(body.code);
    void reply.code(status).send(body);
  });
  app.addHook('onResponse', async (request, reply) => {
    options.metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });
  registerKserveRoutes(app, options);
  registerProjectRoutes(app, options);
  registerReceiptRoutes(app, options);
  return app;
}
