import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isProvenantError } from '@provenant/protocol';
import { ProverPool, setupGroth16, type Groth16ProveResult, type Groth16Setup } from '@provenant/prover';
import { verifyGroth16 } from '@provenant/verifier';
import { tinyBundleCircuit, tinyMultiplyCircuit } from '../support/tiny-r1cs.js';

/**
 * ProverPool on the two hand-built circuits (dev ptau powers 2 and 3: setup takes well under a second).
 * Each pool process costs a Node start and a curve build, so tests share as few pools as they can.
 */
const mul = tinyMultiplyCircuit();
const pair = tinyBundleCircuit();
let dir: string;
let mulSetup: Groth16Setup;
let pairSetup: Groth16Setup;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'provenant-zk-pool-'));
  mulSetup = await setupGroth16(mul, { ptau: { kind: 'dev' }, cacheDir: dir, beaconHex: '01' });
  pairSetup = await setupGroth16(pair, { ptau: { kind: 'dev' }, cacheDir: dir, beaconHex: '02' });
});
after(() => rm(dir, { recursive: true, force: true }));

const hasCode = (code: Parameters<typeof isProvenantError>[1]) => (e: unknown) => isProvenantError(e, code);
const mulJob = (x: bigint, y: bigint) => ({ zkeyId: mul.digest, zkey: mulSetup.zkey, wtns: mul.witness(x, y) });
function assertVerifies(setup: Groth16Setup, proved: Groth16ProveResult, signals: readonly string[]): void {
  assert.deepEqual(proved.publicSignals, signals);
  const report = verifyGroth16(setup.verificationKey, proved.proof, proved.publicSignals);
  assert.equal(report.ok, true, JSON.stringify(report.checks));
}

test('one warm process proves several jobs that all verify, and receives each zkey once per id', async () => {
  const pool = new ProverPool();
  try {
    let loads = 0;
    const loader = async (): Promise<Uint8Array> => {
      loads += 1;
      return mulSetup.zkey;
    };
    // Three at once: one runs, two queue behind it on the single process.
    const first = [2n, 3n, 4n].map((x) => pool.prove({ zkeyId: mul.digest, zkey: loader, wtns: mul.witness(x, 7n) }));
    assert.equal(pool.running, 1);
    assert.equal(pool.queued, 2);
    const results = await Promise.all(first);
    results.forEach((r, i) => assertVerifies(mulSetup, r, [String((BigInt(i) + 2n) * 7n)]));
    assert.equal(loads, 1, 'the loader runs only for the process that lacks the key');
    assert.equal(pool.zkeyTransfers, 1);
    assert.ok(results.every((r) => r.snarkjsProveMs > 0 && r.maxRssKiB > 0));
    assert.ok('msmH' in results[0]!.phasesMs && 'fft' in results[0]!.phasesMs, JSON.stringify(results[0]!.phasesMs));
    // A second circuit is a second key; coming back to the first does not resend it.
    assertVerifies(pairSetup, await pool.prove({ zkeyId: pair.digest, zkey: pairSetup.zkey, wtns: pair.witness(5n, 6n) }), ['5', '6', '30']);
    assertVerifies(mulSetup, await pool.prove(mulJob(9n, 9n)), ['81']);
    assert.equal(pool.zkeyTransfers, 2);
    assert.equal(pool.running + pool.queued, 0);
  } finally {
    await pool.close();
  }
});

test('with room for one key per process, alternating keys evicts and resends them, and proofs stay valid', async () => {
  const pool = new ProverPool({ maxCachedKeys: 1 });
  try {
    assertVerifies(mulSetup, await pool.prove(mulJob(2n, 2n)), ['4']);
    assertVerifies(pairSetup, await pool.prove({ zkeyId: pair.digest, zkey: pairSetup.zkey, wtns: pair.witness(1n, 2n) }), ['1', '2', '2']);
    assertVerifies(mulSetup, await pool.prove(mulJob(3n, 2n)), ['6']);
    assert.equal(pool.zkeyTransfers, 3);
    // A key snarkjs cannot read fails its job only; the process and the other key carry on.
    await assert.rejects(pool.prove({ zkeyId: 'garbage', zkey: new Uint8Array([1, 2, 3]), wtns: mul.witness(1n, 1n) }), hasCode('PRV_ERR_ZK_PROVE_FAILED'));
    await assert.rejects(pool.prove({ zkeyId: 'failing-loader', zkey: () => Promise.reject(new Error('disk gone')), wtns: mul.witness(1n, 1n) }), (e) =>
      hasCode('PRV_ERR_ZK_PROVE_FAILED')(e) && /disk gone/.test((e as Error).message),
    );
    assertVerifies(mulSetup, await pool.prove(mulJob(5n, 2n)), ['10']);
  } finally {
    await pool.close();
  }
});

test('a job beyond maxQueued is refused with PRV_ERR_ZK_PROVER_BUSY while the queued ones still prove', async () => {
  const pool = new ProverPool({ maxQueued: 1 });
  try {
    const running = pool.prove(mulJob(2n, 3n));
    const queued = pool.prove(mulJob(3n, 3n));
    await assert.rejects(pool.prove(mulJob(4n, 3n)), hasCode('PRV_ERR_ZK_PROVER_BUSY'));
    assert.equal(pool.queued, 1);
    assertVerifies(mulSetup, await running, ['6']);
    assertVerifies(mulSetup, await queued, ['9']);
  } finally {
    await pool.close();
  }
});

test('aborting a running job kills its process; the next job proves on a fresh one; deadlines work in the queue too', async () => {
  const pool = new ProverPool();
  try {
    const controller = new AbortController();
    const doomed = pool.prove(mulJob(2n, 5n), { signal: controller.signal });
    const next = pool.prove(mulJob(3n, 5n));
    const expired = pool.prove(mulJob(4n, 5n), { timeoutMs: 1 });
    assert.equal(pool.running, 1);
    controller.abort();
    await assert.rejects(doomed, hasCode('PRV_ERR_ZK_PROVE_ABORTED'));
    await assert.rejects(expired, (e) => hasCode('PRV_ERR_ZK_PROVE_TIMEOUT')(e) && /queued/.test((e as Error).message));
    assertVerifies(mulSetup, await next, ['15']);
    // The replacement process had to be sent the key again: the aborted one is gone with its cache.
    assert.equal(pool.zkeyTransfers, 2);
    await assert.rejects(pool.prove(mulJob(1n, 1n), { signal: AbortSignal.abort() }), hasCode('PRV_ERR_ZK_PROVE_ABORTED'));
  } finally {
    await pool.close();
  }
});

test('close() rejects running and queued jobs with PRV_ERR_ZK_PROVER_CLOSED, and later proofs too', async () => {
  const pool = new ProverPool();
  const jobs = [pool.prove(mulJob(1n, 2n)), pool.prove(mulJob(2n, 2n)), pool.prove(mulJob(3n, 2n))];
  assert.equal(pool.running, 1);
  assert.equal(pool.queued, 2);
  const rejected = jobs.map((job) => assert.rejects(job, hasCode('PRV_ERR_ZK_PROVER_CLOSED')));
  await pool.close();
  await Promise.all(rejected);
  assert.equal(pool.queued + pool.running, 0);
  await assert.rejects(pool.prove(mulJob(1n, 2n)), hasCode('PRV_ERR_ZK_PROVER_CLOSED'));
});

test('two processes prove two jobs at once, each receiving the key', async () => {
  const pool = new ProverPool({ processes: 2 });
  try {
    const both = [pool.prove(mulJob(6n, 7n)), pool.prove(mulJob(7n, 7n))];
    assert.equal(pool.running, 2);
    assert.equal(pool.queued, 0);
    const [a, b] = await Promise.all(both);
    assertVerifies(mulSetup, a!, ['42']);
    assertVerifies(mulSetup, b!, ['49']);
    assert.equal(pool.zkeyTransfers, 2);
  } finally {
    await pool.close();
  }
});

test('bad pool options and jobs are PRV_ERR_INVALID_ARGUMENT', async () => {
  for (const options of [{ processes: 0 }, { maxQueued: -1 }, { maxCachedKeys: 1.5 }, { processes: 1000 }, { workers: 2 }]) {
    assert.throws(() => new ProverPool(options as never), hasCode('PRV_ERR_INVALID_ARGUMENT'), JSON.stringify(options));
  }
  const pool = new ProverPool();
  try {
    await assert.rejects(pool.prove({ zkeyId: '', zkey: mulSetup.zkey, wtns: mul.witness(1n, 1n) }), hasCode('PRV_ERR_INVALID_ARGUMENT'));
    await assert.rejects(pool.prove({ zkeyId: 'x', zkey: 'zkey' as never, wtns: mul.witness(1n, 1n) }), hasCode('PRV_ERR_INVALID_ARGUMENT'));
    await assert.rejects(pool.prove(mulJob(1n, 1n), { timeoutMs: 0 }), hasCode('PRV_ERR_INVALID_ARGUMENT'));
    assert.equal(pool.running, 0, 'nothing was started');
  } finally {
    await pool.close();
  }
});
