import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { isProvenantError, parseInferResponse, parseModelInfo, parseModelList, parseStatus, type ErrorCode, type Tensor } from '@provenant/protocol';
import { BUNDLED_MODEL_DIR, startDaemonFixture, type DaemonFixture } from '../support/enclave-test-client.js';

const sha256 = (bytes: Uint8Array): Uint8Array => Uint8Array.from(createHash('sha256').update(bytes).digest());
const fp32 = (name: string, shape: number[], values: number[]): Tensor => ({ name, dtype: 'FP32', shape, data: new Uint8Array(Float32Array.from(values).buffer) });
const irisInput = fp32('input', [2, 4], [5.7, 2.9, 4.2, 1.3, 6.3, 3.3, 6.0, 2.5]);
const fails = (code: ErrorCode) => (error: unknown) => isProvenantError(error, code);

describe('enclave models and inference (mock NSM)', () => {
  let fx: DaemonFixture;
  let irisBytes: Uint8Array;
  before(async () => {
    fx = await startDaemonFixture();
    irisBytes = new Uint8Array(await readFile(path.join(BUNDLED_MODEL_DIR, 'iris.onnx')));
  });
  after(() => fx.close());

  const infer = (body: Record<string, unknown>) => fx.client.request('infer', { model: 'iris', inputs: [irisInput], receipt: 'session', ...body });

  it('returns outputs byte-equal to a direct onnxruntime-node run of the same model', async () => {
    const response = parseInferResponse(await infer({}));
    const session = await ort.InferenceSession.create(irisBytes);
    const direct = await session.run({ input: new ort.Tensor('float32', new Float32Array(irisInput.data.buffer), [2, 4]) });
    const expected = direct.logits as ort.Tensor;
    const [logits] = response.outputs;
    assert.equal(logits?.name, 'logits');
    assert.deepEqual(logits?.shape, [2, 3]);
    assert.deepEqual(new Float32Array(Uint8Array.from(logits?.data ?? []).buffer), expected.data);
    await session.release();
  });

  it('refuses a wrong name, dtype, rank or fixed dimension with PRV_ERR_INFER_INPUT_MISMATCH', async () => {
    await assert.rejects(infer({ inputs: [{ ...irisInput, name: 'x' }] }), fails('PRV_ERR_INFER_INPUT_MISMATCH'));
    await assert.rejects(infer({ inputs: [{ name: 'input', dtype: 'FP64', shape: [1, 4], data: new Uint8Array(32) }] }), fails('PRV_ERR_INFER_INPUT_MISMATCH'));
    await assert.rejects(infer({ inputs: [fp32('input', [4], [1, 2, 3, 4])] }), fails('PRV_ERR_INFER_INPUT_MISMATCH'));
    await assert.rejects(infer({ inputs: [fp32('input', [1, 5], [1, 2, 3, 4, 5])] }), fails('PRV_ERR_INFER_INPUT_MISMATCH'));
    await assert.rejects(infer({ inputs: [] }), fails('PRV_ERR_INFER_INPUT_MISMATCH'));
    await assert.rejects(infer({ outputs: ['nope'] }), fails('PRV_ERR_INFER_OUTPUT_UNKNOWN'));
    await assert.rejects(infer({ model: 'missing' }), fails('PRV_ERR_MODEL_NOT_FOUND'));
    assert.equal(parseInferResponse(await infer({})).outputs.length, 1, 'still serving');
  });

  it('uploads a model in chunks, serves it, and lists it with source upload', async () => {
    const info = parseModelInfo(await fx.client.putModel('iris-up', irisBytes, { chunkBytes: 100, sha256: sha256(irisBytes) }));
    assert.equal(info.source, 'upload');
    assert.equal(info.size, irisBytes.length);
    assert.deepEqual(info.inputs, [{ name: 'input', dtype: 'FP32', shape: [-1, 4] }]);
    const response = parseInferResponse(await infer({ model: 'iris-up' }));
    assert.equal(response.model.sha256, info.sha256);
    const names = parseModelList(await fx.client.request('model.list', {})).map((m) => m.name);
    assert.ok(names.includes('iris-up'));
    await assert.rejects(fx.client.putModel('iris-up', irisBytes), fails('PRV_ERR_MODEL_EXISTS'));
    await fx.client.request('model.delete', { name: 'iris-up' });
    await assert.rejects(infer({ model: 'iris-up' }), fails('PRV_ERR_MODEL_NOT_FOUND'));
  });

  it('refuses size and hash mismatches and invalid ONNX bytes, and keeps serving', async () => {
    await assert.rejects(fx.client.putModel('bad1', irisBytes, { size: irisBytes.length + 10 }), fails('PRV_ERR_MODEL_SIZE_MISMATCH'));
    await assert.rejects(fx.client.putModel('bad2', irisBytes, { size: irisBytes.length - 10 }), fails('PRV_ERR_MODEL_SIZE_MISMATCH'));
    await assert.rejects(fx.client.putModel('bad3', irisBytes, { sha256: new Uint8Array(32) }), fails('PRV_ERR_MODEL_HASH_MISMATCH'));
    await assert.rejects(fx.client.putModel('bad4', Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8)), fails('PRV_ERR_MODEL_INVALID'));
    // 300 MiB: above the default maxModelBytes (256 MiB), below MAX_MODEL_BYTES, refused before allocating.
    await assert.rejects(fx.client.putModel('bad5', irisBytes, { size: 300 * 1024 * 1024 }), fails('PRV_ERR_MODEL_TOO_LARGE'));
    // The failed names are free again and the daemon still answers.
    const names = parseModelList(await fx.client.request('model.list', {})).map((m) => m.name);
    assert.deepEqual(names.filter((n) => n.startsWith('bad')), []);
    parseModelInfo(await fx.client.putModel('bad4', irisBytes));
    assert.equal(parseInferResponse(await infer({})).outputs.length, 1);
  });

  it('answers duplicate ids, unknown ops and malformed bodies per request without closing', async () => {
    await assert.rejects(fx.client.request('train', {}), fails('PRV_ERR_WIRE_UNKNOWN_OP'));
    await assert.rejects(fx.client.request('infer', { model: 'iris' }), fails('PRV_ERR_WIRE_MALFORMED'));
    await assert.rejects(fx.client.request('status', { extra: 1 }), fails('PRV_ERR_WIRE_MALFORMED'));
    const status = parseStatus(await fx.client.request('status', {}));
    assert.equal(status.ready, true);
    assert.ok(status.receipts >= 1);
    assert.equal(fx.client.connection.isOpen, true);
  });

  it('refuses requests past the queue with PRV_ERR_BUSY and the rest still succeed', async () => {
    const busy = await startDaemonFixture({ limits: { concurrency: 1, maxQueue: 0 } });
    try {
      const input = fp32('input', [64, 1, 28, 28], new Array(64 * 784).fill(0.5));
      const ids = Array.from({ length: 8 }, () => busy.client.nextId());
      const answers = ids.map((id) => busy.client.expect(id).then(() => 'ok', (e: unknown) => (isProvenantError(e) ? e.code : 'other')));
      // Sent back to back without waiting: the daemon reads them while the first inference runs.
      for (const id of ids) {
        void busy.client.connection.send({ k: 'req', id, op: 'infer', body: { model: 'mnist-cnn', inputs: [input], receipt: 'session' } });
      }
      const results = await Promise.all(answers);
      assert.ok(results.includes('ok'));
      assert.ok(results.includes('PRV_ERR_BUSY'), JSON.stringify(results));
      assert.deepEqual(results.filter((r) => r !== 'ok' && r !== 'PRV_ERR_BUSY'), []);
    } finally {
      await busy.close();
    }
  });
});
