import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { LogSink, MAX_LOG_SINK_LINE_BYTES } from '@provenant/enclave';
import { startLogReceiver, type LogReceiver } from '@provenant/proxy';
import { ManualTimers } from '../support/manual-timers.js';
import { memoryDuplexPair } from '../support/memory-duplex.js';

const line = (n: number): string => `${JSON.stringify({ level: 'info', event: 'test', n })}\n`;

/** A socket whose writes never complete until release(): a parent that accepted and stopped reading. */
class StalledSocket extends Duplex {
  readonly written: string[] = [];
  readonly #held: Array<() => void> = [];
  constructor() {
    super({ writableHighWaterMark: 1 });
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: () => void): void {
    this.written.push(chunk.toString('utf8'));
    this.#held.push(callback);
  }
  override _read(): void {}
  release(): void {
    for (const callback of this.#held.splice(0)) callback();
  }
}

/** Collects what arrives on the far end of a memory pair, line by line. */
function collectLines(end: Duplex): { lines: string[]; waitFor(count: number): Promise<void> } {
  const lines: string[] = [];
  let pending = '';
  let waiter: { count: number; resolve: () => void } | undefined;
  end.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() as string;
    lines.push(...parts);
    if (waiter !== undefined && lines.length >= waiter.count) waiter.resolve();
  });
  return {
    lines,
    waitFor: (count) =>
      lines.length >= count ? Promise.resolve() : new Promise<void>((resolve) => (waiter = { count, resolve })),
  };
}

describe('enclave log sink (issue 5)', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'prv-logsink-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('delivers lines over a unix socket to the parent receiver, labelled by the transport', async () => {
    const received: Array<[string, string]> = [];
    let done: () => void = () => undefined;
    const all = new Promise<void>((resolve) => (done = resolve));
    const receiver: LogReceiver = await startLogReceiver({
      listen: `unix://${path.join(dir, 'logs-a.sock')}`,
      onLine: (source, text) => {
        received.push([source, text]);
        if (received.length === 3) done();
      },
    });
    const sink = new LogSink({ address: `unix://${path.join(dir, 'logs-a.sock')}` });
    try {
      sink.start();
      for (let n = 1; n <= 3; n++) sink.write(line(n));
      await all;
      assert.deepEqual(received.map(([, text]) => JSON.parse(text).n), [1, 2, 3]);
      assert.equal(received[0]?.[0], 'enclave #1');
      assert.equal(sink.stats.sentLines, 3);
      assert.equal(sink.stats.droppedLines, 0);
    } finally {
      await sink.stop();
      await receiver.close();
    }
  });

  it('never blocks when the parent is absent: keeps the newest maxBufferedLines, counts drops, reports them on reconnect', async () => {
    const timers = new ManualTimers();
    let parentUp = false;
    const [ours, theirs] = memoryDuplexPair();
    const attempts: number[] = [];
    const sink = new LogSink({
      address: 'unix:///nonexistent/logs.sock',
      maxBufferedLines: 4,
      reconnectInitialMs: 100,
      reconnectMaxMs: 1_000,
      timers,
      random: () => 0,
      now: () => 0,
      connect: async () => {
        attempts.push(timers.now);
        if (!parentUp) throw new Error('ECONNREFUSED');
        return ours;
      },
    });
    sink.start();
    for (let n = 1; n <= 10; n++) sink.write(line(n));
    assert.deepEqual({ ...sink.stats }, { connected: false, bufferedLines: 4, droppedLines: 6, sentLines: 0, connectAttempts: 1 });
    await new Promise(setImmediate);
    assert.equal(timers.pendingCount, 1, 'a reconnect is scheduled, nothing waits on it');
    timers.advance(50); // backoff step 100 ms with zero jitter: half of it
    await new Promise(setImmediate);
    assert.deepEqual(attempts, [0, 50]);
    timers.advance(99); // the second step doubles to 200 ms, so the next attempt is due at 50 + 100
    assert.equal(attempts.length, 2);
    parentUp = true;
    const far = collectLines(theirs);
    const connected = once(sink, 'connected');
    timers.advance(1);
    assert.deepEqual(attempts, [0, 50, 150]);
    await connected;
    await far.waitFor(5);
    assert.deepEqual(JSON.parse(far.lines[0] as string), { ts: new Date(0).toISOString(), level: 'warn', event: 'log.dropped', lines: 6 });
    assert.deepEqual(far.lines.slice(1).map((text) => JSON.parse(text).n), [7, 8, 9, 10]);
    await sink.stop();
  });

  it('parks lines while the socket applies backpressure, drops the oldest, and resumes on drain', async () => {
    const socket = new StalledSocket();
    const sink = new LogSink({ address: 'unix:///x.sock', maxBufferedLines: 8, connect: async () => socket });
    const connected = once(sink, 'connected');
    sink.start();
    await connected;
    const before = process.hrtime.bigint();
    for (let n = 1; n <= 200; n++) sink.write(line(n));
    const elapsedMs = Number(process.hrtime.bigint() - before) / 1e6;
    // The first line fills the 1-byte highWaterMark, so write() returned false and the sink stopped writing.
    assert.equal(socket.written.length, 1);
    assert.equal(sink.stats.bufferedLines, 8);
    assert.equal(sink.stats.droppedLines, 200 - 1 - 8);
    assert.ok(elapsedMs < 1_000, `200 writes returned synchronously (${elapsedMs} ms)`);
    const drained = once(socket, 'drain');
    socket.release();
    await drained;
    // After 'drain' the sink writes one line (the drop report), stalls again, and so on.
    for (let i = 0; i < 20 && sink.stats.bufferedLines > 0; i++) {
      await new Promise(setImmediate);
      socket.release();
    }
    const texts = socket.written.join('').trim().split('\n').map((text) => JSON.parse(text));
    assert.deepEqual(texts[1], { ts: texts[1].ts, level: 'warn', event: 'log.dropped', lines: 191 });
    assert.deepEqual(texts.slice(2).map((record) => record.n), [193, 194, 195, 196, 197, 198, 199, 200]);
    socket.destroy();
    await sink.stop();
  });

  it('drops an over-long line whole (a cut JSON line is not JSON) and counts it', async () => {
    const [ours, theirs] = memoryDuplexPair();
    const far = collectLines(theirs);
    const sink = new LogSink({ address: 'unix:///x.sock', connect: async () => ours });
    const connected = once(sink, 'connected');
    sink.start();
    await connected;
    sink.write(`${'x'.repeat(MAX_LOG_SINK_LINE_BYTES + 1)}\n`);
    sink.write(line(1));
    await far.waitFor(2);
    assert.equal(JSON.parse(far.lines[0] as string).event, 'log.dropped');
    assert.equal(JSON.parse(far.lines[1] as string).n, 1);
    assert.equal(sink.stats.droppedLines, 1);
    await sink.stop();
  });

  it('stop() gives up on a parent that never reads after closeTimeoutMs', async () => {
    const timers = new ManualTimers();
    const socket = new StalledSocket();
    const sink = new LogSink({ address: 'unix:///x.sock', connect: async () => socket, timers, closeTimeoutMs: 500 });
    const connected = once(sink, 'connected');
    sink.start();
    await connected;
    sink.write(line(1));
    const stopped = sink.stop();
    await new Promise(setImmediate);
    assert.equal(socket.destroyed, false);
    timers.advance(500);
    await stopped;
    assert.equal(socket.destroyed, true);
    sink.write(line(2));
    assert.equal(sink.stats.bufferedLines, 0, 'a stopped sink ignores writes');
  });

  it('refuses bad options with a coded error', () => {
    assert.throws(() => new LogSink({ address: '' }), { code: 'PRV_ERR_INVALID_ARGUMENT' });
    assert.throws(() => new LogSink({ address: 'unix:///x', maxBufferedLines: 0 }), { code: 'PRV_ERR_INVALID_ARGUMENT' });
    assert.throws(() => new LogSink({ address: 'unix:///x', reconnectInitialMs: 500, reconnectMaxMs: 100 }), { code: 'PRV_ERR_INVALID_ARGUMENT' });
  });
});
