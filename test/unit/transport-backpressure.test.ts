/**
 * 64 MiB through each transport to a receiver that keeps pausing. Without backpressure the sender
 * would buffer the whole transfer in memory the moment the receiver stops (STYLE rule 13); with it,
 * the bytes in flight stay within the socket buffers plus the two streams' highWaterMarks.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { finished } from 'node:stream/promises';
import { connect, listen, type TransportBackend } from '@provenant/transport';
import { SOCKET_TEST_TIMEOUT_MS, socketTeardown } from '../support/socket-teardown.js';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'prv-backpressure-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

const TOTAL_BYTES = 64 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
/** The receiver pauses after every this many bytes, until the sender reports write() === false. */
const PAUSE_EVERY_BYTES = 4 * 1024 * 1024;

interface Case {
  readonly name: string;
  readonly address: string;
  readonly backend: TransportBackend | undefined;
  /**
   * Bound on bytes written but not yet received: kernel socket buffers plus both highWaterMarks.
   * unix: ~208 KiB each way (net.core.wmem_default). tcp on loopback autotunes its buffers up to
   * tcp_rmem/tcp_wmem maxima (32 MiB + 4 MiB here), so its bound is looser but still < the transfer.
   */
  readonly maxInFlightBytes: number;
}

const CASES: Case[] = [
  { name: 'unix over node:net', address: `unix://${TMP}/net.sock`, backend: 'net', maxInFlightBytes: 4 * 1024 * 1024 },
  { name: 'tcp over node:net', address: 'tcp://127.0.0.1:0', backend: undefined, maxInFlightBytes: 40 * 1024 * 1024 },
  { name: 'unix over the addon', address: `unix://${TMP}/addon.sock`, backend: 'addon', maxInFlightBytes: 4 * 1024 * 1024 },
];

interface Measurements {
  writesReturningFalse: number;
  /** Pauses lifted because the sender was seen blocked: each proves backpressure reached it. */
  pausesLiftedByBlock: number;
  /**
   * Pause points reached after the sender had queued its last byte (taken and lifted at once, or
   * skipped): nothing is left to block on. Only the tail the kernel buffers already held can end up
   * here; on tcp loopback those buffers autotune to several MiB, so this is 1 or 2 there.
   */
  pausesAfterSenderFinished: number;
  maxInFlightBytes: number;
  maxWritableLength: number;
  maxReadableLengthWhilePaused: number;
}

/** Resolves on 'drain'; rejects if the stream errors or closes first, so a dead peer cannot hang the test. */
function drainOf(stream: Duplex): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error): void => {
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.off('close', onClose);
      if (error === undefined) resolve();
      else reject(error);
    };
    const onDrain = (): void => settle();
    const onError = (error: Error): void => settle(error);
    const onClose = (): void => settle(new Error('stream closed while waiting for drain'));
    stream.once('drain', onDrain);
    stream.once('error', onError);
    stream.once('close', onClose);
  });
}

async function transfer(sender: Duplex, receiver: Duplex): Promise<Measurements> {
  const m: Measurements = {
    writesReturningFalse: 0,
    pausesLiftedByBlock: 0,
    pausesAfterSenderFinished: 0,
    maxInFlightBytes: 0,
    maxWritableLength: 0,
    maxReadableLengthWhilePaused: 0,
  };
  const chunk = randomBytes(CHUNK_BYTES);
  const sentHash = createHash('sha256');
  const receivedHash = createHash('sha256');
  let sent = 0;
  let received = 0;
  let nextPauseAt = PAUSE_EVERY_BYTES;
  let senderBlocked = false;
  let senderFinished = false;
  let waitingForBlock = false;

  const resumeReceiver = (): void => {
    waitingForBlock = false;
    m.maxReadableLengthWhilePaused = Math.max(m.maxReadableLengthWhilePaused, receiver.readableLength);
    setImmediate(() => receiver.resume());
  };

  const done = new Promise<void>((resolve, reject) => {
    receiver.on('error', reject);
    sender.on('error', reject);
    receiver.on('end', resolve);
    receiver.on('data', (data: Buffer) => {
      received += data.length;
      receivedHash.update(data);
      // No pause at the very end: the sender has nothing left to block on.
      if (received < nextPauseAt || received >= TOTAL_BYTES) return;
      nextPauseAt += PAUSE_EVERY_BYTES;
      if (senderFinished) {
        m.pausesAfterSenderFinished++;
        return;
      }
      receiver.pause();
      waitingForBlock = true;
      // Resume only once the sender is stuck, so the pause proves the sender was held back.
      if (senderBlocked) {
        m.pausesLiftedByBlock++;
        resumeReceiver();
      }
    });
  });
  // Whatever the loop below awaits, a failure on either side settles `done`; race every wait with it.
  done.catch(() => undefined);

  while (sent < TOTAL_BYTES) {
    const accepted = sender.write(chunk);
    sent += chunk.length;
    sentHash.update(chunk);
    m.maxInFlightBytes = Math.max(m.maxInFlightBytes, sent - received);
    m.maxWritableLength = Math.max(m.maxWritableLength, sender.writableLength);
    if (!accepted) {
      m.writesReturningFalse++;
      senderBlocked = true;
      if (waitingForBlock) {
        m.pausesLiftedByBlock++;
        resumeReceiver();
      }
      await Promise.race([drainOf(sender), done]);
      senderBlocked = false;
    }
  }
  // The kernel buffers may already hold the whole tail (tcp loopback autotunes them to MiBs), so the
  // sender may never block again: a receiver still waiting for that block would wait forever.
  senderFinished = true;
  if (waitingForBlock) {
    m.pausesAfterSenderFinished++;
    resumeReceiver();
  }
  sender.end();
  await done;
  console.log(
    `in flight max ${m.maxInFlightBytes} B, write()===false ${m.writesReturningFalse}x, ` +
      `pauses lifted by a block ${m.pausesLiftedByBlock}, after the sender finished ${m.pausesAfterSenderFinished}`,
  );
  assert.equal(received, TOTAL_BYTES);
  assert.equal(receivedHash.digest('hex'), sentHash.digest('hex'), 'bytes arrive unchanged and in order');
  return m;
}

describe('a 64 MiB transfer to a pausing receiver is held back by backpressure', () => {
  for (const c of CASES) {
    test(`${c.name}: the sender sees write() === false and in-flight bytes stay bounded`, { timeout: SOCKET_TEST_TIMEOUT_MS }, async (t) => {
      const teardown = socketTeardown(t);
      let onAccept!: (socket: Duplex) => void;
      const accepted = new Promise<Duplex>((resolve) => (onAccept = resolve));
      const options = c.backend === undefined ? {} : { backend: c.backend };
      const listener = teardown.listener(await listen(c.address, (socket) => onAccept(teardown.stream(socket)), options));
      const sender = teardown.stream(await connect(listener.address, { timeoutMs: 5_000, ...options }));
      const receiver = await accepted;

      const m = await transfer(sender, receiver);

      const pausePoints = TOTAL_BYTES / PAUSE_EVERY_BYTES - 1;
      assert.equal(m.pausesLiftedByBlock + m.pausesAfterSenderFinished, pausePoints, 'every pause point was reached');
      // Only the tail already in the kernel's buffers when the sender finished may go unproven.
      assert.ok(
        m.pausesAfterSenderFinished <= 1 + Math.floor(m.maxInFlightBytes / PAUSE_EVERY_BYTES),
        `${m.pausesAfterSenderFinished} pauses came after the sender finished, with at most ${m.maxInFlightBytes} bytes in flight`,
      );
      assert.ok(m.writesReturningFalse > 0, `write() returned false ${m.writesReturningFalse} times`);
      assert.ok(
        m.maxInFlightBytes <= c.maxInFlightBytes,
        `at most ${c.maxInFlightBytes} bytes in flight, saw ${m.maxInFlightBytes}`,
      );
      // Userland buffers: one chunk over the writable highWaterMark; the reader stops at its own.
      assert.ok(m.maxWritableLength <= sender.writableHighWaterMark + CHUNK_BYTES, `writableLength peaked at ${m.maxWritableLength}`);
      assert.ok(
        m.maxReadableLengthWhilePaused <= receiver.readableHighWaterMark + CHUNK_BYTES,
        `a paused receiver buffered ${m.maxReadableLengthWhilePaused} bytes`,
      );
      receiver.end();
      sender.resume();
      // finished() rejects on 'error' and on a close without 'end', so a lost peer fails here, not hangs.
      await finished(sender, { writable: false });
    });
  }
});
