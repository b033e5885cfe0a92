import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from '../support/paths.js';

/**
 * provenant zk setup / prove / export-solidity and provenant verify proof as subprocesses, on the bundled
 * iris model. The setup lives in a gitignored cache under the repository (.provenant/zk-test-cache) with a
 * fixed beacon, so only the first run on a checkout pays for the power-12 dev ptau and the keys.
 */
const CLI = path.join(REPO_ROOT, 'cli', 'bin', 'provenant.js');
const MODEL = path.join(REPO_ROOT, 'models', 'out', 'iris.onnx');
const SAMPLE = path.join(REPO_ROOT, 'models', 'out', 'samples', 'iris.json');
const CACHE = path.join(REPO_ROOT, '.provenant', 'zk-test-cache');
const BEACON = '70726f76656e616e742d74657374'; // "provenant-test"

function provenant(args: string[], timeoutMs = 120_000) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: timeoutMs, cwd: REPO_ROOT });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

let dir: string;
let setupOut: { status: number | null; stdout: string; stderr: string };
let circuitDigest: string;
let vkPath: string;
let proofPath: string;

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'provenant-zk-cli-'));
  vkPath = path.join(dir, 'vk.json');
  proofPath = path.join(dir, 'proof.json');
  setupOut = provenant(['zk', 'setup', MODEL, '--dev-ptau', '--cache', CACHE, '--beacon', BEACON, '--vk-out', vkPath], 15 * 60_000);
  circuitDigest = /^circuit ([0-9a-f]{64})$/m.exec(setupOut.stdout)?.[1] ?? '';
});
after(() => rmSync(dir, { recursive: true, force: true }));

const verify = (bundle: string, ...extra: string[]) => provenant(['verify', 'proof', bundle, '--vk', vkPath, '--json', ...extra]);
const withBundle = (mutate: (bundle: Record<string, unknown>) => void): string => {
  const bundle = JSON.parse(readFileSync(proofPath, 'utf8')) as Record<string, unknown>;
  mutate(bundle);
  const file = path.join(dir, `tampered-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(bundle));
  return file;
};
const failedIds = (stdout: string): string[] =>
  (JSON.parse(stdout) as { checks: { id: string; ok: boolean; code?: string }[] }).checks.filter((c) => !c.ok).map((c) => `${c.id}:${c.code ?? 'skipped'}`);

test('zk setup --dev-ptau warns loudly, prints the circuit and key digests and writes the verifying key', () => {
  assert.equal(setupOut.status, 0, setupOut.stderr);
  assert.match(setupOut.stderr, /WARNING: --dev-ptau .* INSECURE/);
  assert.match(circuitDigest, /^[0-9a-f]{64}$/);
  assert.match(setupOut.stdout, /^verifying key [0-9a-f]{64}$/m);
  assert.match(setupOut.stdout, /INSECURE DEV/);
  assert.equal(JSON.parse(readFileSync(vkPath, 'utf8')).protocol, 'groth16');
});

test('zk prove writes a bundle that verify proof accepts, pinned to the circuit and key', () => {
  const proved = provenant(['zk', 'prove', MODEL, '--input', SAMPLE, '--cache', CACHE, '--out', proofPath]);
  assert.equal(proved.status, 0, proved.stderr);
  const bundle = JSON.parse(readFileSync(proofPath, 'utf8')) as { circuitDigest: string; vkDigest: string; output: { shape: number[] } };
  assert.equal(bundle.circuitDigest, circuitDigest);
  assert.deepEqual(bundle.output.shape, [1, 3]);
  const vkDigest = /^verifying key ([0-9a-f]{64})$/m.exec(setupOut.stdout)?.[1] ?? '';
  const checked = verify(proofPath, '--circuit', circuitDigest, '--vk-digest', vkDigest);
  assert.equal(checked.status, 0, checked.stdout);
  const report = JSON.parse(checked.stdout) as { ok: boolean; checks: { id: string }[] };
  assert.equal(report.ok, true);
  assert.ok(report.checks.some((c) => c.id === 'expected.circuit') && report.checks.some((c) => c.id === 'groth16.pairing'));
  const text = provenant(['verify', 'proof', proofPath, '--vk', vkPath]);
  assert.equal(text.status, 0);
  assert.match(text.stdout, /proof bundle: VERIFIED/);
});

test('verify proof fails (exit 1) on a tampered signal, commitment, digest or key, naming the check', () => {
  const signal = withBundle((b) => {
    const signals = b['publicSignals'] as string[];
    signals[1] = String(BigInt(signals[1] as string) + 1n);
    b['outputCommitment'] = signals[1];
  });
  let result = verify(signal);
  assert.equal(result.status, 1);
  assert.deepEqual(failedIds(result.stdout), ['groth16.pairing:PRV_ERR_ZK_PROOF_INVALID']);

  result = verify(withBundle((b) => (b['outputCommitment'] = '12345')));
  assert.equal(result.status, 1);
  assert.deepEqual(failedIds(result.stdout), ['bundle.signals:PRV_ERR_ZK_SIGNALS_MISMATCH']);

  result = verify(withBundle((b) => (b['vkDigest'] = '0'.repeat(64))));
  assert.deepEqual(failedIds(result.stdout), ['bundle.vk_digest:PRV_ERR_ZK_VK_MISMATCH']);

  result = verify(proofPath, '--circuit', 'f'.repeat(64));
  assert.equal(result.status, 1);
  assert.deepEqual(failedIds(result.stdout), ['expected.circuit:PRV_ERR_ZK_CIRCUIT_MISMATCH']);

  const vk = JSON.parse(readFileSync(vkPath, 'utf8')) as Record<string, unknown>;
  vk['vk_delta_2'] = vk['vk_gamma_2'];
  const badVk = path.join(dir, 'bad-vk.json');
  writeFileSync(badVk, JSON.stringify(vk));
  result = provenant(['verify', 'proof', proofPath, '--vk', badVk, '--json']);
  assert.equal(result.status, 1);
  assert.deepEqual(failedIds(result.stdout), ['bundle.vk_digest:PRV_ERR_ZK_VK_MISMATCH', 'groth16.pairing:PRV_ERR_ZK_PROOF_INVALID']);

  result = verify(withBundle((b) => (b['format'] = 'other')));
  assert.equal(result.status, 1);
  assert.equal(failedIds(result.stdout)[0], 'bundle.parse:PRV_ERR_ZK_BUNDLE_MALFORMED');
});

test('zk export-solidity writes snarkjs Groth16 verifier contract for the cached setup', () => {
  const out = path.join(dir, 'Verifier.sol');
  const result = provenant(['zk', 'export-solidity', MODEL, '--cache', CACHE, '--out', out]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(readFileSync(out, 'utf8'), /contract Groth16Verifier/);
});

test('usage errors exit 2; proving without a setup exits 1 with PRV_ERR_ZK_SETUP_MISSING', () => {
  assert.equal(provenant(['zk', 'setup', MODEL]).status, 2);
  assert.equal(provenant(['zk', 'setup', MODEL, '--dev-ptau', '--ptau', 'x.ptau']).status, 2);
  assert.equal(provenant(['zk', 'prove', MODEL, '--cache', CACHE]).status, 2);
  assert.equal(provenant(['zk', 'prove', MODEL, '--input', SAMPLE, '--beacon', '00']).status, 2);
  assert.equal(provenant(['zk', 'frobnicate', MODEL]).status, 2);
  assert.equal(provenant(['verify', 'proof', proofPath]).status, 2);
  assert.equal(provenant(['verify', 'proof', proofPath, '--vk', vkPath, '--circuit', 'XYZ']).status, 2);
  const missing = provenant(['zk', 'prove', MODEL, '--input', SAMPLE, '--cache', path.join(dir, 'empty-cache')]);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /PRV_ERR_ZK_SETUP_MISSING/);
});
