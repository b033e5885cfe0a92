import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { checkWitness, compileOnnx, readR1cs, writeWtns } from '@provenant/prover';
import { REPO_ROOT } from '../support/paths.js';

/** The slice of snarkjs 0.7.6 these tests call (it ships no type declarations). */
interface Snarkjs {
  r1cs: { info(file: { type: 'mem'; data: Uint8Array }, logger?: unknown): Promise<{ nVars: number; nConstraints: number; nOutputs: number; nPubInputs: number; nPrvInputs: number; nLabels: number }> };
  wtns: { check(r1cs: { type: 'mem'; data: Uint8Array }, wtns: { type: 'mem'; data: Uint8Array }, logger: unknown): Promise<boolean> };
  curves: { getCurveFromName(name: string): Promise<{ terminate(): Promise<void> }> };
}

const snarkjs = (await import('snarkjs' as string)) as Snarkjs;
// wtns.check calls logger.warn on failure, so it needs a logger even when silent.
const quiet = { info: () => {}, warn: () => {}, debug: () => {}, error: () => {} };

after(async () => {
  // ffjavascript keeps one bn128 curve with worker threads; without this the test process never exits.
  await (await snarkjs.curves.getCurveFromName('bn128')).terminate();
});

const iris = compileOnnx(new Uint8Array(readFileSync(path.join(REPO_ROOT, 'models', 'out', 'iris.onnx'))));

test('snarkjs reads the .r1cs header as written: wires, constraints, public outputs, private inputs', async () => {
  const info = await snarkjs.r1cs.info({ type: 'mem', data: iris.r1cs });
  assert.equal(info.nVars, iris.stats.wires);
  assert.equal(info.nConstraints, iris.stats.constraints);
  assert.equal(info.nOutputs, iris.nPublic);
  assert.equal(info.nPubInputs, 0);
  assert.equal(info.nPrvInputs, 4 + 2, 'the input tensor and two salts');
  assert.equal(info.nLabels, iris.stats.wires);
  const parsed = readR1cs(iris.r1cs);
  assert.equal(parsed.constraints.length, iris.stats.constraints);
});

test('snarkjs wtns check accepts our witness against our r1cs and rejects a tampered one', async () => {
  const w = iris.witness(Float32Array.of(5.1, 3.5, 1.4, 0.2), { salt: 3n });
  assert.equal(await snarkjs.wtns.check({ type: 'mem', data: iris.r1cs }, { type: 'mem', data: w.wtns }, quiet), true);
  const bad = [...w.values];
  bad[bad.length - 1] = bad[bad.length - 1]! ^ 1n;
  assert.equal(await snarkjs.wtns.check({ type: 'mem', data: iris.r1cs }, { type: 'mem', data: writeWtns(bad) }, quiet), false);
  assert.equal(checkWitness(iris.r1cs, bad).ok, false);
});

test('the circuit digest is the SHA-256 of the r1cs bytes and compilation is deterministic', () => {
  const again = compileOnnx(new Uint8Array(readFileSync(path.join(REPO_ROOT, 'models', 'out', 'iris.onnx'))));
  assert.equal(again.digest, iris.digest);
  assert.match(iris.digest, /^[0-9a-f]{64}$/);
  assert.deepEqual(again.r1cs, iris.r1cs);
});

test('a malformed .r1cs is PRV_ERR_ZK_R1CS_MALFORMED, never a crash', () => {
  const cases: Uint8Array[] = [new Uint8Array(0), iris.r1cs.subarray(0, 100), Uint8Array.from(iris.r1cs, (b, i) => (i === 0 ? 0x78 : b))];
  // a wrong prime: flip the first prime byte in the header (magic 4 + version 4 + count 4 + section 12 + n8 4)
  const badPrime = Uint8Array.from(iris.r1cs);
  badPrime[28] = badPrime[28]! ^ 1;
  cases.push(badPrime);
  for (const bytes of cases) {
    assert.throws(() => readR1cs(bytes), (e: Error & { code?: string }) => e.code === 'PRV_ERR_ZK_R1CS_MALFORMED');
  }
});
