import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { WitnessPool } from '@provenant/enclave';
import { isProvenantError } from '@provenant/protocol';
import { compileOnnx, type CompiledCircuit } from '@provenant/prover';
import { BUNDLED_MODEL_DIR } from '../support/enclave-test-client.js';

// The whole iris model as one zk segment, as the enclave's plan preparer compiles it.
let bytes: Uint8Array;
let circuit: CompiledCircuit;
let pool: WitnessPool;
before(async () => {
  bytes = new Uint8Array(await readFile(path.join(BUNDLED_MODEL_DIR, 'iris.onnx')));
  circuit = compileOnnx(bytes, { scaleBits: 8, bitWidth: 20 });
  pool = new WitnessPool();
});
after(() => pool.close());

const input = Float32Array.of(5.7, 2.9, 4.2, 1.3);

test('the witness thread gives exactly the main thread\'s witness for the same input and salts', async () => {
  for (const [salt, outputSalt] of [[1n, 2n], [123456789n, 987654321n]] as const) {
    const local = circuit.witness(input, { salt, outputSalt });
    const remote = await pool.witness({ circuit, bytes, input, salt, outputSalt });
    assert.deepEqual(remote.wtns, local.wtns);
    assert.equal(remote.inputCommitment, local.inputCommitment);
    assert.equal(remote.outputCommitment, local.outputCommitment);
    assert.deepEqual(remote.output, local.output);
  }
});

test('the event loop keeps turning while a witness is computed', async () => {
  let turned = false;
  const pending = pool.witness({ circuit, bytes, input, salt: 5n, outputSalt: 6n });
  setImmediate(() => {
    turned = true;
  });
  await pending;
  // On the main thread the witness would have been done before this turn's check phase.
  assert.equal(turned, true);
});

test('a coded witness error keeps its code across the thread; the thread goes on serving', async () => {
  const overflow = Float32Array.of(1e9, 0, 0, 0);
  const local = (() => {
    try {
      circuit.witness(overflow, { salt: 1n, outputSalt: 2n });
    } catch (error) {
      return error;
    }
    return undefined;
  })();
  assert.ok(isProvenantError(local), 'the input overflows the circuit on the main thread too');
  await assert.rejects(pool.witness({ circuit, bytes, input: overflow, salt: 1n, outputSalt: 2n }), (error) => isProvenantError(error, local.code));
  await assert.rejects(pool.witness({ circuit, bytes, input: Float32Array.of(1), salt: 1n, outputSalt: 2n }), (error) => isProvenantError(error, 'PRV_ERR_ZK_INPUT_INVALID'));
  assert.equal((await pool.witness({ circuit, bytes, input, salt: 1n, outputSalt: 2n })).inputCommitment, circuit.witness(input, { salt: 1n, outputSalt: 2n }).inputCommitment);
});

test('bytes that do not compile to the named circuit give no witness', async () => {
  const impostor = { ...circuit, digest: '00'.repeat(32), config: circuit.config } as CompiledCircuit;
  await assert.rejects(pool.witness({ circuit: impostor, bytes, input, salt: 1n, outputSalt: 2n }), (error) => isProvenantError(error, 'PRV_ERR_INTERNAL'));
});

test('close fails waiting witnesses and refuses new ones with PRV_ERR_ENCLAVE_STOPPING', async () => {
  const own = new WitnessPool();
  const waiting = assert.rejects(own.witness({ circuit, bytes, input, salt: 1n, outputSalt: 2n }), (error) => isProvenantError(error, 'PRV_ERR_ENCLAVE_STOPPING'));
  await own.close();
  await waiting;
  await assert.rejects(own.witness({ circuit, bytes, input, salt: 1n, outputSalt: 2n }), (error) => isProvenantError(error, 'PRV_ERR_ENCLAVE_STOPPING'));
});
