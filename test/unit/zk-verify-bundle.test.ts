import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createProofBundle, proveGroth16, setupGroth16, type Groth16ProveResult, type Groth16Setup } from '@provenant/prover';
import { verifyProofBundle, type ProofBundle } from '@provenant/verifier';
import { BN254_R, tinyBundleCircuit } from '../support/tiny-r1cs.js';

/**
 * verifyProofBundle on a hand-built circuit with the compiler's public-signal layout
 * [inputCommitment, outputCommitment, clear output] (x, y and x * y stand in for them), so the
 * clear-output branch and the negative-value encoding (p + v) are exercised without a big setup.
 */
const circuit = tinyBundleCircuit();
const X = 3n;
const Y = BN254_R - 4n; // -4
let dir: string;
let setup: Groth16Setup;
let proved: Groth16ProveResult;
let bundle: ProofBundle;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'provenant-zk-bundle-'));
  setup = await setupGroth16(circuit, { ptau: { kind: 'dev' }, cacheDir: dir, beaconHex: 'ab' });
  proved = await proveGroth16(setup.zkey, circuit.witness(X, Y));
  bundle = createProofBundle({
    circuit: { digest: circuit.digest, outputShape: [1], outputScale: 0 },
    witness: { inputCommitment: X, outputCommitment: Y, quantizedOutput: [-12n] },
    vkDigest: setup.vkDigest,
    proved,
  });
});
after(() => rm(dir, { recursive: true, force: true }));

const clone = (): Record<string, unknown> => JSON.parse(JSON.stringify(bundle)) as Record<string, unknown>;
const failed = (b: unknown, options = {}) =>
  verifyProofBundle(b, setup.verificationKey, options)
    .checks.filter((c) => !c.ok)
    .map((c) => `${c.id}:${c.code ?? 'skipped'}`);

test('a bundle whose clear output is negative verifies, with every check and no output warning', () => {
  assert.deepEqual(proved.publicSignals, ['3', String(BN254_R - 4n), String(BN254_R - 12n)]);
  const report = verifyProofBundle(JSON.parse(JSON.stringify(bundle)), setup.verificationKey, {
    expectedCircuitDigest: circuit.digest,
    expectedVkDigest: setup.vkDigest,
  });
  assert.equal(report.ok, true, JSON.stringify(report.checks));
  assert.deepEqual(
    report.checks.map((c) => c.id),
    ['bundle.parse', 'vk.parse', 'proof.parse', 'signals.parse', 'signals.count', 'bundle.vk_digest', 'bundle.signals', 'expected.circuit', 'expected.vk', 'groth16.pairing'],
  );
  assert.deepEqual(report.warnings, []);
  assert.deepEqual(report.output?.quantized, ['-12']);
});

test('a clear output that differs from the public signals is refused even though the proof holds', () => {
  const b = clone();
  (b['output'] as { quantized: string[] }).quantized = ['12'];
  assert.deepEqual(failed(b), ['bundle.signals:PRV_ERR_ZK_SIGNALS_MISMATCH']);
});

test('commitments that are not the public signals are refused', () => {
  const b = clone();
  b['inputCommitment'] = '4';
  assert.deepEqual(failed(b), ['bundle.signals:PRV_ERR_ZK_SIGNALS_MISMATCH']);
});

test('pins that do not match fail their own checks', () => {
  assert.deepEqual(failed(clone(), { expectedCircuitDigest: '0'.repeat(64), expectedVkDigest: '1'.repeat(64) }), [
    'expected.circuit:PRV_ERR_ZK_CIRCUIT_MISMATCH',
    'expected.vk:PRV_ERR_ZK_VK_MISMATCH',
  ]);
});

test('malformed bundles are refused at bundle.parse and every later check is skipped', () => {
  const mutations: [string, (b: Record<string, unknown>) => void][] = [
    ['unknown field', (b) => (b['salt'] = '1')],
    ['missing proof', (b) => delete b['proof']],
    ['uppercase digest', (b) => (b['circuitDigest'] = (b['circuitDigest'] as string).toUpperCase())],
    ['commitment >= r', (b) => (b['inputCommitment'] = String(BN254_R))],
    ['output count differs from shape', (b) => ((b['output'] as { shape: number[] }).shape = [2])],
    ['output not an integer', (b) => ((b['output'] as { quantized: string[] }).quantized = ['1.5'])],
    ['negative zero', (b) => ((b['output'] as { quantized: string[] }).quantized = ['-0'])],
    ['scale out of range', (b) => ((b['output'] as { scaleBits: number }).scaleBits = 65)],
  ];
  for (const [name, mutate] of mutations) {
    const b = clone();
    mutate(b);
    const result = failed(b);
    assert.equal(result[0], 'bundle.parse:PRV_ERR_ZK_BUNDLE_MALFORMED', name);
    assert.ok(result.slice(1).every((id) => id.endsWith(':skipped')), name);
  }
  assert.equal(failed(null)[0], 'bundle.parse:PRV_ERR_ZK_BUNDLE_MALFORMED');
});
