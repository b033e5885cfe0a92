import type { FastifyInstance } from 'fastify';
import { MAX_NONCE_BYTES, assertModelName, createError, encodePlanJson, fromHex, parsePlanJson, toBase64, type ModelInfo } from '@provenant/protocol';
import { clientGone } from './kserve-routes.js';
import type { ProxyAppOptions } from './proxy-app.js';

const DIGITS = /^[0-9]{1,16}$/;

/** Project routes beside the Open Inference Protocol: model management, attestation, metrics. */
export function registerProjectRoutes(app: FastifyInstance, options: ProxyAppOptions): void {
  const { pool, metrics } = options;

  app.get('/v1/models', async () => {
    const perEnclave = await pool.listModelsEverywhere();
    if (perEnclave.length === 0) throw createError('PRV_ERR_PROXY_NO_ENCLAVE');
    // One row per (name, sha256); `enclaves` says how many connected enclaves hold it.
    const rows = new Map<string, { model: ModelInfo; enclaves: number }>();
    for (const { models } of perEnclave) {
      for (const model of models) {
        const key = `${model.name}\u0000${model.sha256}`;
        const row = rows.get(key);
        if (row === undefined) rows.set(key, { model, enclaves: 1 });
        else row.enclaves++;
      }
    }
    return {
      models: [...rows.values()].map(({ model, enclaves }) => ({
        name: model.name,
        sha256: model.sha256,
        size: model.size,
        loaded_at: model.loadedAt,
        source: model.source,
        plan: model.plan,
        enclaves,
      })),
    };
  });

  app.delete<{ Params: { name: string } }>('/v1/models/:name', async (request) => {
    const name = assertModelName(request.params.name, 'model name');
    await pool.deleteModel(name);
    return { name, deleted: true };
  });

  app.get<{ Querystring: Record<string, unknown> }>('/v1/attestation', async (request) => {
    for (const key of Object.keys(request.query)) {
      if (key !== 'nonce') throw createError('PRV_ERR_INVALID_ARGUMENT', `unknown query parameter ${JSON.stringify(key.slice(0, 32))}`);
    }
    const raw = request.query.nonce;
    let nonce: Uint8Array | undefined;
    if (raw !== undefined) {
      if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2 * MAX_NONCE_BYTES) {
        throw createError('PRV_ERR_INVALID_ARGUMENT', `nonce must be hex of 1 to ${MAX_NONCE_BYTES} bytes`);
      }
      nonce = fromHex(raw, 'nonce');
    }
    const attestation = await pool.attest(nonce);
    return {
      document: toBase64(attestation.document),
      boot_document: toBase64(attestation.bootDocument),
      session_key: toBase64(attestation.sessionKey),
      config: toBase64(attestation.config),
    };
  });

  app.get('/metrics', async (_request, reply) => {
    void reply.type('text/plain; version=0.0.4; charset=utf-8');
    return metrics.render();
  });

  // Uploads stream: this context's parser hands the raw request on untouched and the handler pipes it
  // into chunk frames. The declared length is checked first; the received length is counted while streaming.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    scope.put<{ Params: { name: string }; Querystring: Record<string, unknown> }>('/v1/models/:name', async (request, reply) => {
      const name = assertModelName(request.params.name, 'model name');
      const plan = planParameter(request.query);
      if (request.headers['transfer-encoding'] !== undefined || request.headers['content-length'] === undefined) {
        throw createError('PRV_ERR_PROXY_LENGTH_REQUIRED');
      }
      const declared = request.headers['content-length'];
      if (!DIGITS.test(declared)) throw createError('PRV_ERR_PROXY_LENGTH_MISMATCH', 'Content-Length is not a byte count');
      const size = Number(declared);
      if (size > options.maxModelBytes) throw createError('PRV_ERR_PROXY_BODY_TOO_LARGE', `${size} bytes > ${options.maxModelBytes}`);
      if (size === 0) throw createError('PRV_ERR_INVALID_ARGUMENT', 'the model body is empty');
      const info = await pool.putModel(name, size, request.raw, clientGone(reply), plan);
      void reply.code(201);
      return {
        name: info.name,
        sha256: info.sha256,
        size: info.size,
        loaded_at: info.loadedAt,
        source: info.source,
        plan: info.plan,
        inputs: info.inputs.map((spec) => ({ name: spec.name, datatype: spec.dtype, shape: [...spec.shape] })),
        outputs: info.outputs.map((spec) => ({ name: spec.name, datatype: spec.dtype, shape: [...spec.shape] })),
      };
    });
  });
}

/** ?plan=<url-encoded plan JSON>: the model's default plan, checked here so a bad one fails before the body is read. */
function planParameter(query: Record<string, unknown>): string | undefined {
  for (const key of Object.keys(query)) {
    if (key !== 'plan') throw createError('PRV_ERR_INVALID_ARGUMENT', `unknown query parameter ${JSON.stringify(key.slice(0, 32))}`);
  }
  const raw = query.plan;
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') throw createError('PRV_ERR_PLAN_MALFORMED', 'plan must be given once, as plan JSON');
  return encodePlanJson(parsePlanJson(raw));
}
