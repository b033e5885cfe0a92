import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  INFERENCE_HEADER_CONTENT_LENGTH,
  assertModelName,
  createError,
  encodeKserveInferResponse,
  parseInferenceHeaderLength,
  parseKserveInferRequest,
  wantsBinaryOutput,
  type ModelInfo,
  type TensorSpec,
} from '@provenant/protocol';
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

  // Inference bodies are read whole (bounded by maxInferBodyBytes) whatever their content type: JSON, or
  // JSON followed by binary tensor data. Registered in its own context so uploads keep their stream parser.
  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: options.maxInferBodyBytes }, (_request, body, done) => done(null, body));
    scope.post<{ Params: { name: string } }>('/v2/models/:name/infer', async (request, reply) => {
      const model = assertModelName(request.params.name, 'model name');
      const header = request.headers[INFERENCE_HEADER_CONTENT_LENGTH];
      if (Array.isArray(header)) throw createError('PRV_ERR_KSERVE_BINARY_INVALID', `${INFERENCE_HEADER_CONTENT_LENGTH} given twice`);
      const body = request.body instanceof Uint8Array ? request.body : new Uint8Array(0);
      const parsed = parseKserveInferRequest(body, parseInferenceHeaderLength(header));
      const result = await pool.infer(
        {
          model,
          inputs: parsed.inputs,
          receipt: parsed.receiptMode,
          ...(parsed.outputs === undefined ? {} : { outputs: parsed.outputs.map((output) => output.name) }),
          ...(parsed.nonce === undefined ? {} : { nonce: parsed.nonce }),
          ...(parsed.plan === undefined ? {} : { plan: parsed.plan }),
          ...(parsed.wait === undefined ? {} : { wait: parsed.wait }),
        },
        clientGone(reply),
      );
      const encoded = encodeKserveInferResponse(
        {
          modelName: result.model.name,
          modelVersion: result.model.sha256,
          ...(parsed.id === undefined ? {} : { id: parsed.id }),
          outputs: result.outputs,
          receipt: result.receipt,
        },
        (name) => wantsBinaryOutput(parsed, name),
      );
      if (encoded.jsonBytes === undefined) void reply.type('application/json');
      else void reply.type('application/octet-stream').header(INFERENCE_HEADER_CONTENT_LENGTH, String(encoded.jsonBytes));
      return reply.send(Buffer.from(encoded.body.buffer, encoded.body.byteOffset, encoded.body.byteLength));
    });
  });
}

function metadata(spec: TensorSpec): { name: string; datatype: string; shape: number[] } {
  return { name: spec.name, datatype: spec.dtype, shape: [...spec.shape] };
}

/** Aborts when the HTTP client closes its connection before the response finished: the enclave gets a cancel. */
export function clientGone(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
