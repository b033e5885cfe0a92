import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isProvenantError } from '@provenant/protocol';
import {
  exportSolidityVerifier,
  loadGroth16Setup,
  proveGroth16,
  readPtauHeader,
  requiredPtauPower,
  setupGroth16,
  verifyGroth16WithSnarkjs,
} from '@provenant/prover';
import { verifyGroth16 } from '@provenant/verifier';
import { tinySetupAndProof, type TinyProof } from '../support/zk-tiny-setup.js';
import { withoutLagrangeSections } from '../support/ptau-sections.js';

let tiny: TinyProof;
before(async () => {
  tiny = await tinySetupAndProof();
});
after(async () => {
  await tiny.cleanup();
});

const circuitDir = (): string => path.join(tiny.cacheDir, 'circuits', tiny.circuit.digest);

test('set up, prove and verify x * y = z: both verifiers accept, public signal is z', async () => {
  assert.deepEqual(tiny.proved.publicSignals, ['33']);
  assert.equal(await verifyGroth16WithSnarkjs(tiny.setup.verificationKey, tiny.proved.publicSignals, tiny.proved.proof), true);
  const report = verifyGroth16(tiny.setup.verificationKey, tiny.proved.proof, tiny.proved.publicSignals);
  assert.equal(report.ok, true, JSON.stringify(report.checks));
  assert.equal(report.vkDigest, tiny.setup.vkDigest);
  assert.ok(tiny.proved.maxRssKiB > 0);
});

test('a proof of a witness that breaks the constraint (3 * 11 = 34) is rejected by both verifiers', async () => {
  const bad = await proveGroth16(tiny.setup.zkey, tiny.circuit.witness(3n, 11n, 34n));
  assert.deepEqual(bad.publicSignals, ['34']);
  assert.equal(await verifyGroth16WithSnarkjs(tiny.setup.verificationKey, bad.publicSignals, bad.proof), false);
  const report = verifyGroth16(tiny.setup.verificationKey, bad.proof, bad.publicSignals);
  assert.equal(report.ok, false);
  assert.equal(report.checks.find((c) => c.id === 'groth16.pairing')?.code, 'PRV_ERR_ZK_PROOF_INVALID');
});

test('the setup record names the insecure dev ptau, the contributions and the beacon', async () => {
  const record = JSON.parse(await readFile(path.join(circuitDir(), 'setup.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(record['ptau'], { id: 'dev-p2', power: 2, insecureDev: true });
  assert.equal(record['contributions'], 1);
  assert.equal(record['beaconHex'], '00'.repeat(32));
  assert.equal(record['vkDigest'], tiny.setup.vkDigest);
  const loaded = await loadGroth16Setup(tiny.circuit.digest, tiny.cacheDir);
  assert.equal(loaded.vkDigest, tiny.setup.vkDigest);
  assert.deepEqual(loaded.zkey, tiny.setup.zkey);
});

test('an interrupted setup resumes: a rerun reuses the finished stages and redoes only the missing ones', async () => {
  await rm(path.join(circuitDir(), 'final.zkey.sha256'));
  await rm(path.join(circuitDir(), 'verification_key.json.sha256'));
  const resumed = await setupGroth16(tiny.circuit, { ptau: { kind: 'dev' }, cacheDir: tiny.cacheDir });
  assert.ok(resumed.reusedStages.includes('zkey-0000.zkey'));
  assert.ok(resumed.reusedStages.includes('zkey-0001.zkey'));
  assert.ok(resumed.reusedStages.includes('ptau/dev-p2.prepared.ptau'));
  assert.ok(!resumed.reusedStages.includes('final.zkey'));
  assert.ok(!resumed.reusedStages.includes('verification_key.json'));
  // The beacon is public and fixed, and the contribution is reused, so the redone beacon gives the same key.
  assert.equal(resumed.vkDigest, tiny.setup.vkDigest);
  const again = await setupGroth16(tiny.circuit, { ptau: { kind: 'dev' }, cacheDir: tiny.cacheDir });
  assert.ok(again.reusedStages.includes('final.zkey') && again.reusedStages.includes('verification_key.json'));
});

test('a cache file that no longer matches its sidecar is refused as corrupt', async () => {
  const file = path.join(circuitDir(), 'zkey-0001.zkey');
  const original = await readFile(file);
  const damaged = Buffer.from(original);
  damaged[damaged.length - 1] = (damaged[damaged.length - 1] ?? 0) ^ 1;
  await writeFile(file, damaged);
  try {
    await rm(path.join(circuitDir(), 'final.zkey.sha256'));
    await assert.rejects(setupGroth16(tiny.circuit, { ptau: { kind: 'dev' }, cacheDir: tiny.cacheDir }), (e) =>
      isProvenantError(e, 'PRV_ERR_ZK_CACHE_CORRUPT'),
    );
  } finally {
    await writeFile(file, original);
  }
});

test('a rerun with other parameters than the cached plan is refused rather than mixing ceremonies', async () => {
  await assert.rejects(
    setupGroth16(tiny.circuit, { ptau: { kind: 'dev' }, cacheDir: tiny.cacheDir, contributions: 2 }),
    (e) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT') && /other parameters/.test(e.message),
  );
  await assert.rejects(
    setupGroth16({ ...tiny.circuit, digest: 'ab'.repeat(32) }, { ptau: { kind: 'dev' }, cacheDir: tiny.cacheDir }),
    (e) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT') && /SHA-256/.test(e.message),
  );
});

test('proving without a finished setup names the missing setup', async () => {
  await assert.rejects(loadGroth16Setup('cd'.repeat(32), tiny.cacheDir), (e) => isProvenantError(e, 'PRV_ERR_ZK_SETUP_MISSING'));
});

test('an AbortSignal kills the proving process; a deadline does too', async () => {
  const controller = new AbortController();
  const pending = proveGroth16(tiny.setup.zkey, tiny.circuit.witness(2n, 5n), { signal: controller.signal });
  controller.abort();
  await assert.rejects(pending, (e) => isProvenantError(e, 'PRV_ERR_ZK_PROVE_ABORTED'));
  await assert.rejects(proveGroth16(tiny.setup.zkey, tiny.circuit.witness(2n, 5n), { timeoutMs: 1 }), (e) =>
    isProvenantError(e, 'PRV_ERR_ZK_PROVE_TIMEOUT'),
  );
  await assert.rejects(proveGroth16(tiny.setup.zkey, tiny.circuit.witness(2n, 5n), { signal: AbortSignal.abort() }), (e) =>
    isProvenantError(e, 'PRV_ERR_ZK_PROVE_ABORTED'),
  );
});

test('a zkey snarkjs cannot read fails the proof with PRV_ERR_ZK_PROVE_FAILED', async () => {
  await assert.rejects(proveGroth16(new Uint8Array([1, 2, 3]), tiny.circuit.witness(2n, 5n)), (e) => isProvenantError(e, 'PRV_ERR_ZK_PROVE_FAILED'));
});

test('the Solidity verifier comes from snarkjs groth16 template and embeds this key', async () => {
  const source = await exportSolidityVerifier(tiny.setup.zkey);
  assert.match(source, /contract Groth16Verifier/);
  const alpha = tiny.setup.verificationKey['vk_alpha_1'] as string[];
  assert.ok(source.includes(alpha[0] as string), 'alpha.x appears in the contract');
});

test('ptau headers are read strictly and the required power follows snarkjs newZKey', async () => {
  const ptau = await readFile(path.join(tiny.cacheDir, 'ptau', 'dev-p2.prepared.ptau'));
  assert.deepEqual(readPtauHeader(ptau), { power: 2, ceremonyPower: 2, prepared: true });
  assert.equal(readPtauHeader(withoutLagrangeSections(ptau)).prepared, false);
  assert.throws(() => readPtauHeader(new TextEncoder().encode('r1cs\x01\x00\x00\x00\x00\x00\x00\x00')), (e) => isProvenantError(e, 'PRV_ERR_ZK_PTAU_INVALID'));
  assert.throws(() => readPtauHeader(ptau.subarray(0, 40)), (e) => isProvenantError(e, 'PRV_ERR_ZK_PTAU_INVALID'));
  assert.equal(requiredPtauPower(1, 1), 2);
  assert.equal(requiredPtauPower(1000, 2), 10);
  assert.equal(requiredPtauPower(1022, 2), 11);
  // An imported ptau too small for the circuit is refused before any setup work.
  const big = { ...tiny.circuit, stats: { constraints: 100 } };
  await assert.rejects(setupGroth16(big, { ptau: { kind: 'file', bytes: ptau }, cacheDir: tiny.cacheDir }), (e) =>
    isProvenantError(e, 'PRV_ERR_ZK_PTAU_INVALID') && /too small/.test(e.message),
  );
});
