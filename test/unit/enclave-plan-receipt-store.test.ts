import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createError, isProvenantError, type ErrorCode } from '@provenant/protocol';
import { ReceiptStore, SILENT_LOGGER, type PlanEvidenceJson, type ProofTask, type Prover } from '@provenant/enclave';

type ProveResult = Awaited<ReturnType<Prover['prove']>>;
const hasCode = (code: ErrorCode) => (e: unknown) => isProvenantError(e, code);

const evidence: PlanEvidenceJson = { format: 'provenant.receipt.v2', mode: 'session', claims: 'AAAA', session_key: 'BBBB', signature: 'CCCC' };
const openings = { input_salt: null, output_salt: null };
const task = (signals: readonly [string, string] = ['1', '2']): ProofTask => ({
  zkeyId: 'circuit',
  zkey: async () => Uint8Array.of(1),
  wtns: Uint8Array.of(2),
  verificationKey: { protocol: 'groth16' },
  expectedSignals: signals,
});
const proof = { pi_a: ['1'], pi_b: [['2']], pi_c: ['3'], protocol: 'groth16', curve: 'bn128' };

/** A prover whose every prove() waits until the test settles it by hand. */
class ManualProver implements Prover {
  readonly jobs: { resolve: (r: ProveResult) => void; reject: (e: unknown) => void }[] = [];
  closed = false;
  prove(): Promise<ProveResult> {
    return new Promise((resolve, reject) => this.jobs.push({ resolve, reject }));
  }
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.jobs.splice(0)) job.reject(createError('PRV_ERR_ZK_PROVER_CLOSED', 'closed'));
  }
  succeed(index: number, publicSignals: readonly string[]): void {
    this.jobs[index]?.resolve({ proof, publicSignals, maxRssKiB: 1, snarkjsProveMs: 1, phasesMs: {} });
  }
}

const store = (prover: Prover, maxReceipts = 8, maxPendingProofs = 8) => new ReceiptStore({ prover, maxReceipts, maxPendingProofs, logger: SILENT_LOGGER });
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('enclave plan receipt store', () => {
  it('issues 32-hex ids, returns zk entries pending, then proven with the proof, signals and verifying key', async () => {
    const prover = new ManualProver();
    const s = store(prover);
    const added = s.add(evidence, openings, [null, task(['11', '22'])]);
    assert.match(added.id, /^[0-9a-f]{32}$/);
    assert.deepEqual(added.proofs, [null, { status: 'pending' }]);
    assert.equal(s.pendingProofs, 1);
    const waiting = s.get(added.id, { wait: true });
    prover.succeed(0, ['11', '22']);
    const settled = await waiting;
    assert.deepEqual(settled.proofs[1], { status: 'proven', proof, public_signals: ['11', '22'], verification_key: { protocol: 'groth16' } });
    assert.equal(settled.claims, evidence.claims);
    assert.equal(s.pendingProofs, 0);
  });

  it('reports a proof that fails as failed with its code, never dropping it', async () => {
    const prover = new ManualProver();
    const s = store(prover);
    const { id } = s.add(evidence, openings, [task()]);
    prover.jobs[0]?.reject(createError('PRV_ERR_ZK_PROVE_FAILED', 'snarkjs refused the witness'));
    const settled = await s.get(id, { wait: true });
    const entry = settled.proofs[0] as { status: string; error: { code: string; message: string } };
    assert.equal(entry.status, 'failed');
    assert.equal(entry.error.code, 'PRV_ERR_ZK_PROVE_FAILED');
    assert.match(entry.error.message, /snarkjs refused/);
  });

  it('reports a proof whose public signals are not the claimed commitments as failed', async () => {
    const prover = new ManualProver();
    const s = store(prover);
    const { id } = s.add(evidence, openings, [task(['1', '2'])]);
    prover.succeed(0, ['1', '3']);
    const settled = await s.get(id, { wait: true });
    assert.equal((settled.proofs[0] as { status: string }).status, 'failed');
  });

  it('refuses work beyond maxPendingProofs with PRV_ERR_ZK_PROVER_BUSY', () => {
    const s = store(new ManualProver(), 8, 2);
    s.add(evidence, openings, [task(), task()]);
    assert.throws(() => s.assertCapacity(1), hasCode('PRV_ERR_ZK_PROVER_BUSY'));
    assert.throws(() => s.add(evidence, openings, [task()]), hasCode('PRV_ERR_ZK_PROVER_BUSY'));
    s.assertCapacity(0);
  });

  it('evicts the oldest settled receipt at maxReceipts, never a pending one', async () => {
    const prover = new ManualProver();
    const s = store(prover, 2, 8);
    const pending = s.add(evidence, openings, [task()]);
    const settled = s.add(evidence, openings, [null]);
    const third = s.add(evidence, openings, [null]);
    assert.equal(s.size, 2);
    await assert.rejects(s.get(settled.id), hasCode('PRV_ERR_RECEIPT_NOT_FOUND'));
    assert.equal((await s.get(pending.id)).id, pending.id);
    assert.equal((await s.get(third.id)).id, third.id);
    // Now both held receipts: one pending, one settled; a fourth evicts the settled one, and with both pending none fits.
    const fourth = s.add(evidence, openings, [task()]);
    await assert.rejects(s.get(third.id), hasCode('PRV_ERR_RECEIPT_NOT_FOUND'));
    assert.throws(() => s.add(evidence, openings, [null]), hasCode('PRV_ERR_ZK_PROVER_BUSY'));
    assert.equal((await s.get(fourth.id)).proofs[0]?.status, 'pending');
  });

  it('get with wait answers with the receipt as it stands when its signal fires', async () => {
    const s = store(new ManualProver());
    const { id } = s.add(evidence, openings, [task()]);
    const controller = new AbortController();
    const waiting = s.get(id, { wait: true, signal: controller.signal });
    await nextTurn();
    controller.abort();
    assert.deepEqual((await waiting).proofs, [{ status: 'pending' }]);
  });

  it('close ends running proofs as failed (PRV_ERR_ZK_PROVER_CLOSED) and wakes waiters', async () => {
    const prover = new ManualProver();
    const s = store(prover);
    const { id } = s.add(evidence, openings, [task()]);
    const waiting = s.get(id, { wait: true });
    await s.close();
    const entry = (await waiting).proofs[0] as { status: string; error: { code: string } };
    assert.equal(prover.closed, true);
    assert.equal(entry.status, 'failed');
    assert.equal(entry.error.code, 'PRV_ERR_ZK_PROVER_CLOSED');
    assert.throws(() => s.add(evidence, openings, [null]), hasCode('PRV_ERR_ENCLAVE_STOPPING'));
  });
});
