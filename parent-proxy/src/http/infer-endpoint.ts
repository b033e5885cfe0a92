import type { IncomingMessage, ServerResponse } from 'node:http';
import { INFERENCE_HEADER_CONTENT_LENGTH, assertModelName, createError, parseInferenceHeaderLength } from '@provenant/protocol';
import type { EnclavePool } from '../enclave/enclave-pool.js';
import type { ProxyMetrics } from '../metrics/proxy-metrics.js';
import { asProvenantError, errorBody } from './error-reply.js';

/** The route label in /metrics, the same as every other route's (fastify's pattern syntax). */
export const INFER_ROUTE = '/v2/models/:name/infer';
const INFER_PATH = /^\/v2\/models\/([^/?#]+)\/infer(?:\?.*)?$/;

export interface InferEndpointOptions {
  readonly pool: EnclavePool;
  readonly metrics: ProxyMetrics;
  readonly maxInferBodyBytes: number;
}

/**
 * `POST /v2/models/{name}/infer` (Open Inference Protocol), served on node:http directly, in front of
 * fastify, which serves every other route. Measured in the proxy on the one-client path, fastify's
 * per-request machinery (request and reply objects, hooks, the body parser, reply.send) cost ~90 µs per
 * request, a third of what the enclave hop adds; this route needs none of it. Behaviour is fastify's:
 * the same error body and codes, the same body limit (refused from Content-Length before a byte is read),
 * the same metrics, and a cancel to the enclave when the client goes away.
 *
 * Returns false when the request is not an inference call, for fastify to route.
 */
export function serveInfer(options: InferEndpointOptions, request: IncomingMessage, response: ServerResponse): boolean {
  if (request.method !== 'POST') return false;
  const match = INFER_PATH.exec(request.url ?? '');
  if (match === null) return false;
  const started = process.hrtime.bigint();
  const finish = (status: number): void =>
    options.metrics.observeRequest('POST', INFER_ROUTE, status, Number(process.hrtime.bigint() - started) / 1e9);
  const fail = (error: unknown): void => {
    if (response.headersSent || response.destroyed) return;
    const { status, body } = errorBody(asProvenantError(error));
    options.metrics.observeError(body.code);
    // A body left unread (refused early) must not be drained on a keep-alive socket.
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (!request.complete) headers.connection = 'close';
    send(response, status, headers, Buffer.from(JSON.stringify(body)));
    finish(status);
  };

  const declared = request.headers['content-length'];
  if (declared !== undefined && Number(declared) > options.maxInferBodyBytes) {
    fail(createError('PRV_ERR_PROXY_BODY_TOO_LARGE'));
    return true;
  }
  // A client that goes away mid-body gets no answer; its error must not reach the process.
  request.on('error', () => undefined);
  const chunks: Buffer[] = [];
  let received = 0;
  let refused = false;
  request.on('data', (chunk: Buffer) => {
    if (refused) return;
    received += chunk.length;
    if (received > options.maxInferBodyBytes) {
      refused = true;
      chunks.length = 0;
      fail(createError('PRV_ERR_PROXY_BODY_TOO_LARGE'));
      return;
    }
    chunks.push(chunk);
  });
  request.on('end', () => {
    if (refused) return;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received);
    infer(options, match[1] as string, request, response, body).then(finish, fail);
  });
  return true;
}

async function infer(options: InferEndpointOptions, rawName: string, request: IncomingMessage, response: ServerResponse, body: Uint8Array): Promise<number> {
  let name: string;
  try {
    name = decodeURIComponent(rawName);
  } catch {
    throw createError('PRV_ERR_INVALID_ARGUMENT', 'the model name is not valid percent-encoding');
  }
  const model = assertModelName(name, 'model name');
  const header = request.headers[INFERENCE_HEADER_CONTENT_LENGTH];
  if (Array.isArray(header)) throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${INFERENCE_HEADER_CONTENT_LENGTH} given twice`);
  const jsonBytes = parseInferenceHeaderLength(header);
  if (jsonBytes !== undefined && jsonBytes > body.length) {
    throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${INFERENCE_HEADER_CONTENT_LENGTH} ${jsonBytes} exceeds the body length ${body.length}`);
  }
  // The body goes to the enclave as received: the enclave parses it and writes the answer (receipt inside).
  const answer = await options.pool.inferKserve({ model, body, ...(jsonBytes === undefined ? {} : { jsonBytes }) }, whenClientGone(response));
  const headers: Record<string, string> =
    answer.jsonBytes === undefined
      ? { 'content-type': 'application/json; charset=utf-8' }
      : { 'content-type': 'application/octet-stream', [INFERENCE_HEADER_CONTENT_LENGTH]: String(answer.jsonBytes) };
  send(response, 200, headers, answer.body);
  return 200;
}

function send(response: ServerResponse, status: number, headers: Record<string, string>, body: Uint8Array): void {
  if (response.destroyed) return;
  response.writeHead(status, { ...headers, 'content-length': String(body.byteLength) });
  response.end(body);
}

/** Aborts when the HTTP client closes its connection before the response finished: the enclave gets a cancel. */
export function whenClientGone(response: ServerResponse): AbortSignal {
  const controller = new AbortController();
  response.once('close', () => {
    if (!response.writableFinished) controller.abort();
  });
  return controller.signal;
}
