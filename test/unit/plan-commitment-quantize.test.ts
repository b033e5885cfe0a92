import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadIris } from '@provenant/models';
import * as prover from '@provenant/prover';
import { poseidonCommitment, quantizeForCommitment } from '@provenant/verifier';
import { assertCode } from '../support/coded-errors.js';
import { REPO_ROOT } from '../support/paths.js';

/**
 * quantizeForCommitment (docs/zk.md §1 input quantization) with the Poseidon commitment (§3), both now in
 * the verifier: what a plan receipt's opening recomputes must be what the circuit committed to.
 */
const IRIS = { scaleBits: 8, bitWidth: 20, inputRange: [0, 10] as [number, number] };
const iris = prover.compileOnnx(new Uint8Array(readFileSync(path.join(REPO_ROOT, 'models', 'out', 'iris.onnx'))), IRIS);
const samples = loadIris();

test('the opening of a real iris circuit witness gives its input and output commitments', () => {
  for (const index of [0, 57, 149]) {
    const input = samples.features.slice(index * 4, index * 4 + 4);
    const w = iris.witness(input, { salt: 123456789n + BigInt(index), outputSalt: 987654321n });
    const q = quantizeForCommitment(input, IRIS.scaleBits, IRIS.bitWidth);
    assert.deepEqual(q, w.quantizedInput, `sample ${index}: same integers as the circuit's input`);
    assert.equal(poseidonCommitment(q, w.inputSalt, IRIS.bitWidth), w.inputCommitment, `sample ${index}: input commitment`);
    // The dequantized output (q / 2^s, exact in float32 at 20 bits) quantizes back to the committed integers.
    const out = quantizeForCommitment(w.output, IRIS.scaleBits, IRIS.bitWidth);
    assert.deepEqual(out, w.quantizedOutput);
    assert.equal(poseidonCommitment(out, w.outputSalt, IRIS.bitWidth), w.outputCommitment, `sample ${index}: output commitment`);
  }
});

test('a different salt or a changed value gives a different commitment', () => {
  const input = samples.features.slice(0, 4);
  const w = iris.witness(input, { salt: 5n });
  const q = quantizeForCommitment(input, 8, 20);
  assert.notEqual(poseidonCommitment(q, 6n, 20), w.inputCommitment);
  const nudged = Float32Array.from(input);
  nudged[2] = nudged[2]! + 1 / 256;
  assert.notEqual(poseidonCommitment(quantizeForCommitment(nudged, 8, 20), 5n, 20), w.inputCommitment);
});

test('rounds half away from zero, after rounding to float32 as the FP32 tensor holds it', () => {
  assert.deepEqual(quantizeForCommitment([2.5, -2.5, 0.5, -0.5, 1.49, -1.51, 0, -0], 0, 8), [3n, -3n, 1n, -1n, 1n, -2n, 0n, 0n]);
  assert.deepEqual(quantizeForCommitment(Float32Array.of(0.3), 8, 20), [77n]); // 0.3 · 256 = 76.8
  // 0.5 - 2^-40 is below one half in float64 but exactly 0.5 in float32, which is what the circuit reads.
  assert.deepEqual(quantizeForCommitment([0.5 - 2 ** -40], 0, 8), [1n]);
  assert.deepEqual(quantizeForCommitment([1.5 / 256, -1.5 / 256], 8, 20), [2n, -2n]);
});

test('refuses values outside the signed bitWidth range with PRV_ERR_ZK_OVERFLOW instead of wrapping', () => {
  assert.deepEqual(quantizeForCommitment([7, -8], 0, 4), [7n, -8n]);
  assert.throws(() => quantizeForCommitment([8], 0, 4), assertCode('PRV_ERR_ZK_OVERFLOW', /value 0 .*signed 4-bit/));
  assert.throws(() => quantizeForCommitment([0, -8.5], 0, 4), assertCode('PRV_ERR_ZK_OVERFLOW', /value 1/));
  assert.throws(() => quantizeForCommitment([2048], 8, 20), assertCode('PRV_ERR_ZK_OVERFLOW')); // 2^19 at scale 2^8
  assert.throws(() => quantizeForCommitment([3e38], 24, 64), assertCode('PRV_ERR_ZK_OVERFLOW'));
});

test('refuses non-finite values and out-of-range parameters with PRV_ERR_ZK_INPUT_INVALID', () => {
  assert.throws(() => quantizeForCommitment([Number.NaN], 8, 20), assertCode('PRV_ERR_ZK_INPUT_INVALID', /value 0 is not a finite number/));
  assert.throws(() => quantizeForCommitment(Float32Array.of(Number.POSITIVE_INFINITY), 8, 20), assertCode('PRV_ERR_ZK_INPUT_INVALID'));
  assert.throws(() => quantizeForCommitment(['1'] as unknown as number[], 8, 20), assertCode('PRV_ERR_ZK_INPUT_INVALID'));
  assert.throws(() => quantizeForCommitment([1], 25, 20), assertCode('PRV_ERR_ZK_INPUT_INVALID', /scaleBits/));
  assert.throws(() => quantizeForCommitment([1], 8, 0), assertCode('PRV_ERR_ZK_INPUT_INVALID', /bitWidth/));
  assert.throws(() => quantizeForCommitment(new Set([1]) as unknown as number[], 8, 20), assertCode('PRV_ERR_ZK_INPUT_INVALID'));
});

test('the prover re-exports the verifier commitment, so circuits and verifiers share one implementation', () => {
  assert.equal(prover.poseidonCommitment, poseidonCommitment);
});
