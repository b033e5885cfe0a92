import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isProvenantError } from '@provenant/protocol';
import { WorkQueue } from '@provenant/enclave';

/** A task the test finishes by hand. */
function gate(): { task: () => Promise<string>; open: () => void; started: () => boolean } {
  let open!: () => void;
  let started = false;
  const done = new Promise<string>((resolve) => (open = () => resolve('done')));
  return { task: () => ((started = true), done), open: () => open(), started: () => started };
}

describe('WorkQueue', () => {
  it('runs at most `concurrency` tasks and refuses past maxQueue with PRV_ERR_BUSY', async () => {
    const queue = new WorkQueue({ concurrency: 1, maxQueue: 1 });
    const a = gate();
    const b = gate();
    const first = queue.run(a.task, { timeoutMs: 60_000 });
    const second = queue.run(b.task, { timeoutMs: 60_000 });
    assert.equal(a.started(), true);
    assert.equal(b.started(), false);
    assert.deepEqual([queue.running, queue.queued], [1, 1]);
    await assert.rejects(queue.run(gate().task, { timeoutMs: 60_000 }), (e) => isProvenantError(e, 'PRV_ERR_BUSY'));
    a.open();
    assert.equal(await first, 'done');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(b.started(), true, 'the queued task starts when the slot frees');
    b.open();
    assert.equal(await second, 'done');
  });

  it('fails a task whose deadline passes while queued with PRV_ERR_DEADLINE, without running it', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const queue = new WorkQueue({ concurrency: 1, maxQueue: 4 });
    const a = gate();
    const b = gate();
    const first = queue.run(a.task, { timeoutMs: 60_000 });
    const second = queue.run(b.task, { timeoutMs: 100 });
    t.mock.timers.tick(100);
    await assert.rejects(second, (e) => isProvenantError(e, 'PRV_ERR_DEADLINE'));
    assert.equal(queue.queued, 0);
    a.open();
    await first;
    assert.equal(b.started(), false);
  });

  it('answers PRV_ERR_DEADLINE for a running task at its deadline but keeps the slot until it returns', async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const queue = new WorkQueue({ concurrency: 1, maxQueue: 4 });
    const a = gate();
    const running = queue.run(a.task, { timeoutMs: 50 });
    t.mock.timers.tick(50);
    await assert.rejects(running, (e) => isProvenantError(e, 'PRV_ERR_DEADLINE'));
    assert.equal(queue.running, 1);
    a.open();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(queue.running, 0);
  });

  it('drops a queued task when its signal aborts and fails waiting tasks on close', async () => {
    const queue = new WorkQueue({ concurrency: 1, maxQueue: 4 });
    const a = gate();
    const first = queue.run(a.task, { timeoutMs: 60_000 });
    const controller = new AbortController();
    const cancelled = queue.run(gate().task, { timeoutMs: 60_000, signal: controller.signal });
    const waiting = queue.run(gate().task, { timeoutMs: 60_000 });
    controller.abort(new Error('gone'));
    await assert.rejects(cancelled, /gone/);
    queue.close();
    await assert.rejects(waiting, (e) => isProvenantError(e, 'PRV_ERR_ENCLAVE_STOPPING'));
    await assert.rejects(queue.run(gate().task, { timeoutMs: 1 }), (e) => isProvenantError(e, 'PRV_ERR_ENCLAVE_STOPPING'));
    a.open();
    await first;
  });
});
