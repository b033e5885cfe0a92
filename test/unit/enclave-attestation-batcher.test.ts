import { test } from 'node:test';
import assert from 'node:assert/strict';
import { leafHash, rootFromInclusionPath } from '@provenant/protocol';
import { AttestationBatcher } from '@provenant/enclave';

interface Call {
  readonly root: Uint8Array;
  resolve(document: Uint8Array): void;
  reject(error: unknown): void;
}

function scriptedNsm(): { calls: Call[]; attest: (root: Uint8Array) => Promise<Uint8Array> } {
  const calls: Call[] = [];
  return {
    calls,
    attest: (root) => new Promise((resolve, reject) => calls.push({ root, resolve, reject })),
  };
}

const claims = (i: number): Uint8Array => Uint8Array.of(0xa0, i);
/** Two event-loop turns: the batcher defers its flushes by one (setImmediate). */
const settle = async (): Promise<void> => {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
};

test('an idle batcher asks the NSM after one event-loop turn, so a lone receipt waits for nothing but its document', async () => {
  const nsm = scriptedNsm();
  const batcher = new AttestationBatcher({ windowMs: 0, maxLeaves: 8, attest: nsm.attest });
  const pending = batcher.add(claims(1));
  await settle();
  assert.equal(nsm.calls.length, 1);
  nsm.calls[0]!.resolve(Uint8Array.of(7));
  const inclusion = await pending;
  assert.deepEqual(inclusion, { document: Uint8Array.of(7), index: 0, size: 1, path: [] });
  assert.deepEqual(nsm.calls[0]!.root, leafHash(claims(1)));
});

test('receipts that arrive while a document is being made share the next one (group commit)', async () => {
  const nsm = scriptedNsm();
  const batcher = new AttestationBatcher({ windowMs: 0, maxLeaves: 8, attest: nsm.attest });
  const first = batcher.add(claims(0));
  await settle();
  const queued = [1, 2, 3, 4, 5].map((i) => batcher.add(claims(i)));
  await settle();
  assert.equal(nsm.calls.length, 1, 'no second document while the first is in flight');
  nsm.calls[0]!.resolve(Uint8Array.of(1));
  await first;
  await settle();
  assert.equal(nsm.calls.length, 2);
  nsm.calls[1]!.resolve(Uint8Array.of(2));
  const inclusions = await Promise.all(queued);
  inclusions.forEach((inclusion, index) => {
    assert.equal(inclusion.size, 5);
    assert.equal(inclusion.index, index);
    assert.deepEqual(rootFromInclusionPath(leafHash(claims(index + 1)), index, 5, inclusion.path), nsm.calls[1]!.root);
  });
  assert.equal(batcher.batches, 2);
});

test('a batch never exceeds maxLeaves; the rest go in the following document', async () => {
  const nsm = scriptedNsm();
  const batcher = new AttestationBatcher({ windowMs: 0, maxLeaves: 3, attest: nsm.attest });
  void batcher.add(claims(0));
  await settle();
  const rest = [1, 2, 3, 4, 5].map((i) => batcher.add(claims(i)));
  nsm.calls[0]!.resolve(Uint8Array.of(0));
  await settle();
  nsm.calls[1]!.resolve(Uint8Array.of(1));
  await settle();
  nsm.calls[2]!.resolve(Uint8Array.of(2));
  const sizes = (await Promise.all(rest)).map((inclusion) => inclusion.size);
  assert.deepEqual(sizes, [3, 3, 3, 2, 2]);
});

test('an NSM failure rejects exactly the receipts of that batch and the batcher keeps working', async () => {
  const nsm = scriptedNsm();
  const batcher = new AttestationBatcher({ windowMs: 0, maxLeaves: 8, attest: nsm.attest });
  const failing = batcher.add(claims(0));
  await settle();
  const next = batcher.add(claims(1));
  nsm.calls[0]!.reject(new Error('nsm down'));
  await assert.rejects(failing, /nsm down/);
  await settle();
  nsm.calls[1]!.resolve(Uint8Array.of(9));
  assert.equal((await next).document[0], 9);
});

test('receipts received in the same event-loop turn share one document even when the batcher is idle', async () => {
  const nsm = scriptedNsm();
  const batcher = new AttestationBatcher({ windowMs: 0, maxLeaves: 8, attest: nsm.attest });
  const together = [0, 1, 2].map((i) => batcher.add(claims(i)));
  await settle();
  assert.equal(nsm.calls.length, 1);
  nsm.calls[0]!.resolve(Uint8Array.of(4));
  assert.deepEqual((await Promise.all(together)).map((inclusion) => inclusion.size), [3, 3, 3]);
});

test('with a linger window an idle batcher waits for company before asking', async () => {
  const nsm = scriptedNsm();
  const timers: (() => void)[] = [];
  const batcher = new AttestationBatcher({
    windowMs: 5,
    maxLeaves: 8,
    attest: nsm.attest,
    setTimeout: (callback) => timers.push(callback),
    clearTimeout: () => undefined,
  });
  const a = batcher.add(claims(0));
  const b = batcher.add(claims(1));
  assert.equal(nsm.calls.length, 0);
  assert.equal(timers.length, 1, 'one timer for the batch');
  timers[0]!();
  assert.equal(nsm.calls.length, 1);
  nsm.calls[0]!.resolve(Uint8Array.of(3));
  assert.deepEqual([(await a).size, (await b).size], [2, 2]);
});
