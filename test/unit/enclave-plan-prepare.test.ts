import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { TensorDataType, attr, buildModel, encodeModel, float32Tensor, graph, node, tensorValueInfo } from '@provenant/onnx';
import { isProvenantError, parsePlanJson, type ErrorCode } from '@provenant/protocol';
import { PlanPreparer, SILENT_LOGGER, ZkKeyStore } from '@provenant/enclave';
import { BUNDLED_MODEL_DIR } from '../support/enclave-test-client.js';

const hasCode = (code: ErrorCode) => (e: unknown) => isProvenantError(e, code);
const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** x → Gemm → h1 → Relu → r; Add(r, h1) → res → Gemm → y: h1 skips across the cut at r. */
function residualModel(): Uint8Array {
  const F = TensorDataType.FLOAT;
  const w = (name: string, dims: number[]) => float32Tensor(name, dims, Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => ((i % 7) - 3) / 8));
  return encodeModel(
    buildModel({
      graph: graph({
        name: 'residual',
        inputs: [tensorValueInfo('x', F, ['N', 4])],
        outputs: [tensorValueInfo('y', F, ['N', 2])],
        initializers: [w('w1', [4, 4]), w('w2', [2, 4])],
        nodes: [
          node('Gemm', ['x', 'w1'], ['h1'], [attr.int('transB', 1)]),
          node('Relu', ['h1'], ['r']),
          node('Add', ['r', 'h1'], ['res']),
          node('Gemm', ['res', 'w2'], ['y'], [attr.int('transB', 1)]),
        ],
      }),
    }),
  );
}

describe('enclave plan preparation', () => {
  // ptau "dev" but no setup is ever reached here: every zk plan below is refused, or all-tee.
  const keys = new ZkKeyStore({ ptau: 'dev', cacheDir: path.join(BUNDLED_MODEL_DIR, 'no-such-cache'), logger: SILENT_LOGGER });
  const preparer = new PlanPreparer({ keys, scaleBits: 8, bitWidth: 20, ortThreads: 1, logger: SILENT_LOGGER, maxPlans: 1 });
  after(() => preparer.close());

  it('refuses a zk segment with two input tensors (a skip connection crosses its boundary)', async () => {
    const bytes = residualModel();
    await assert.rejects(
      preparer.prepare(bytes, sha256Hex(bytes), parsePlanJson('[{"until":"r","mode":"tee"},{"until":"@end","mode":"zk"}]')),
      (e) => hasCode('PRV_ERR_PLAN_ZK_UNSUPPORTED')(e) && /2 input/.test((e as Error).message),
    );
  });

  it('refuses a zk segment with two output tensors', async () => {
    const bytes = residualModel();
    await assert.rejects(
      preparer.prepare(bytes, sha256Hex(bytes), parsePlanJson('[{"until":"r","mode":"zk"},{"until":"@end","mode":"tee"}]')),
      hasCode('PRV_ERR_PLAN_ZK_UNSUPPORTED'),
    );
  });

  it('refuses any zk segment when the key store has no ptau, before partitioning', async () => {
    const none = new PlanPreparer({ keys: new ZkKeyStore({ ptau: 'none', cacheDir: '/nonexistent', logger: SILENT_LOGGER }), scaleBits: 8, bitWidth: 20, ortThreads: 1, logger: SILENT_LOGGER });
    await assert.rejects(none.prepare(Uint8Array.of(1), 'ab'.repeat(32), parsePlanJson('[{"until":"@end","mode":"zk"}]')), hasCode('PRV_ERR_PLAN_ZK_UNAVAILABLE'));
    await none.close();
  });

  it('caches a prepared plan per (model, canonical plan) and evicts the least recently used one', async () => {
    const iris = new Uint8Array(await readFile(path.join(BUNDLED_MODEL_DIR, 'iris.onnx')));
    const digest = sha256Hex(iris);
    const a = await preparer.prepare(iris, digest, parsePlanJson('[{"until":"relu1","mode":"tee"},{"until":"@end","mode":"tee"}]'));
    const again = await preparer.prepare(iris, digest, parsePlanJson('[ {"mode":"tee","until":"relu1"}, {"until":"@end","mode":"tee"} ]'));
    assert.equal(again, a, 'the same plan in another spelling is the same prepared plan');
    assert.equal(a.segments.length, 2);
    assert.equal(preparer.size, 1);
    const b = await preparer.prepare(iris, digest, parsePlanJson('[{"until":"@end","mode":"tee"}]'));
    assert.notEqual(b, a);
    assert.equal(preparer.size, 1, 'maxPlans 1: the older plan was evicted');
    preparer.forget(digest);
    assert.equal(preparer.size, 0);
  });
});
