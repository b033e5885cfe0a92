import http from 'node:http';
import { readFile } from 'node:fs/promises';
import ort from 'onnxruntime-node';
import { dtypeFromOrt, encodeKserveInferResponse, parseKserveInferRequest, TENSOR_DTYPES, type Tensor } from '@provenant/protocol';

/**
 * Target (a) of `npm run bench`: a plain HTTP server that parses the same Open Inference Protocol JSON,
 * runs onnxruntime-node in process and answers, with no enclave hop and no receipt. It is the baseline
 * the attested paths are compared with. Started as its own process: `node baseline-server.js MODEL.onnx`.
 */
const [modelPath] = process.argv.slice(2);
if (modelPath === undefined) throw new Error('usage: baseline-server MODEL.onnx');
// The same session options as the enclave's default (limits.ortThreads = 1), so the comparison is fair.
const session = await ort.InferenceSession.create(await readFile(modelPath), { intraOpNumThreads: 1, interOpNumThreads: 1 });

const server = http.createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    void answer(Uint8Array.from(Buffer.concat(chunks))).then(
      // Content-Length, as the proxy sends: without it, writeHead would pick chunked encoding.
      (body) => response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.byteLength) }).end(body),
      (error: unknown) => response.writeHead(400).end(JSON.stringify({ error: String(error) })),
    );
  });
});

async function answer(body: Uint8Array): Promise<Uint8Array> {
  const parsed = parseKserveInferRequest(body);
  const feeds: Record<string, ort.Tensor> = {};
  for (const input of parsed.inputs) {
    const data = new Float32Array(input.data.buffer.slice(input.data.byteOffset, input.data.byteOffset + input.data.length));
    feeds[input.name] = new ort.Tensor(TENSOR_DTYPES[input.dtype].ort as 'float32', data, [...input.shape]);
  }
  const results = await session.run(feeds);
  const outputs: Tensor[] = Object.entries(results).map(([name, tensor]) => {
    const data = tensor.data as Float32Array;
    return { name, dtype: dtypeFromOrt(tensor.type) ?? 'FP32', shape: [...tensor.dims], data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  });
  return encodeKserveInferResponse({ modelName: 'baseline', modelVersion: '', outputs, receipt: null }).body;
}

server.listen(0, '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(`listening on http://127.0.0.1:${address.port}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
