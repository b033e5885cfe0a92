import type { FastifyInstance, FastifyReply } from 'fastify';
import { assertModelName, createError, type ModelInfo, type TensorSpec } from '@provenant/protocol';
import { whenClientGone } from './infer-endpoint.js';
import type { ProxyAppOptions } from './proxy-app.js';

const EXTENSIONS = ['binary_tensor_data', 'provenant_receipts'] as const;

/** Open Inference Protocol REST routes (KServe v2; kserve.github.io "Open Inference Protocol (V2)"). */
export function registerKserveRoutes(app: FastifyInstance, options: ProxyAppOptions): void {
  const { pool } = options;
  app.get('/v2/health/live', async () => ({ live: true }));
  app.get('/v2/health/ready', async () => {
    const statuses = await pool.statuses(options.readyTimeoutMs);
    if (!statuses.some((status) => status?.ready === true)) throw createError('PRV_ERR_PROXY_NO_ENCLAVE');
    return { ready: true };
  });
  app.get('/v2', async () => ({ name: 'provenant', version: options.version, extensions: EXTENSIONS }));

  const findModel = async (raw: string): Promise<ModelInfo> => {
    const name = assertModelName(raw, 'model name');
    const model = (await pool.listModels()).find((candidate) => candidate.name === name);
    if (model === undefined) throw createError('PRV_ERR_MODEL_NOT_FOUND', name);
    return model;
  };
  app.get<{ Params: { name: string } }>('/v2/models/:name', async (request) => {
    const model = await findModel(request.params.name);
    return { name: model.name, versions: [model.sha256], platform: 'onnx', inputs: model.inputs.map(metadata), outputs: model.outputs.map(metadata) };
  });
  app.get<{ Params: { name: string } }>('/v2/models/:name/ready', async (request) => {
    const model = await findModel(request.params.name);
    return { name: model.name, ready: true };
  });
  // POST /v2/models/{name}/infer is served in front of fastify: infer-endpoint.ts.
}

function metadata(spec: TensorSpec): { name: string; datatype: string; shape: number[] } {
  return { name: spec.name, datatype: spec.dtype, shape: [...spec.shape] };
}

/** Aborts when the HTTP client closes its connection before the response finished: the enclave gets a cancel. */
export function clientGone(reply: FastifyReply): AbortSignal {
  return whenClientGone(reply.raw);
}
