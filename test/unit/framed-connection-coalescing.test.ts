/**
 * FramedConnection writes the first frame of an event-loop turn at once and corks the stream until the
 * check phase, so frames sent in the same turn leave in one writev (one syscall, one peer wakeup).
 * These tests pin that down on a stream that records how it was written to.
 */
import assert from 'node:assert/strict';
import { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { FrameDecoder, WIRE_VERSION, decodeFrameBody, encodeFrame, isProvenantError, parseFrame, type Frame } from '@provenant/protocol';
import { FramedConnection } from '@provenant/transport';

/** Records each _write and _writev call; writes complete at once unless hold() was called. */
class RecordingDuplex extends Duplex {
  /** One entry per call: the chunks that call carried. */
  readonly calls: Uint8Array[][] = [];
  #held: Array<() => void> | undefined;

  constructor(highWaterMark = 64 * 1024) {
    super({ allowHalfOpen: true, writableHighWaterMark: highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.#record([chunk], callback);
  }

  override _writev(entries: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.#record(
      entries.map((entry) => entry.chunk),
      callback,
    );
  }

  override _read(): void {}

  hold(): void {
    this.#held = [];
  }

  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const done of held) done();
  }

  /** Every frame written so far, in order. */
  frames(): Frame[] {
    const decoder = new FrameDecoder();
    return this.calls.flat().flatMap((chunk) => decoder.push(chunk).map((body) => parseFrame(decodeFrameBody(body))));
  }

  #record(chunks: Buffer[], callback: () => void): void {
    this.calls.push(chunks.map((chunk) => Uint8Array.from(chunk)));
    if (this.#held === undefined) callback();
    else this.#held.push(callback);
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function readyConnection(stream: RecordingDuplex, maxQueuedBytes?: number): Promise<FramedConnection> {
  const connection = new FramedConnection(stream, { role: 'parent', ...(maxQueuedBytes === undefined ? {} : { maxQueuedBytes }) });
  stream.push(encodeFrame({ k: 'hello', v: WIRE_VERSION, role: 'enclave' }));
  await connection.ready;
  await nextTurn(); // the hello's turn is over: the stream is uncorked
  return connection;
}

describe('FramedConnection write coalescing', () => {
  it('writes a lone frame at once, without waiting for the next turn', async () => {
    const stream = new RecordingDuplex();
    const connection = await readyConnection(stream);
    const callsBefore = stream.calls.length;
    void connection.send({ k: 'req', id: 1, op: 'status', body: {} });
    assert.equal(stream.calls.length, callsBefore + 1, 'the frame reached _write synchronously');
    assert.deepEqual(stream.frames().at(-1), { k: 'req', id: 1, op: 'status', body: {} });
    await connection.close();
  });

  it('sends frames from one turn in two writes (the first, then one writev), intact and in order', async () => {
    const stream = new RecordingDuplex();
    const connection = await readyConnection(stream);
    const callsBefore = stream.calls.length;
    const sent = Array.from({ length: 10 }, (_, i) => connection.send({ k: 'req', id: i + 1, op: 'infer', body: { n: i, pad: 'x'.repeat(i * 100) } }));
    await Promise.all(sent);
    assert.equal(stream.calls.length, callsBefore + 1, 'only the first frame went out during the turn');
    await nextTurn();
    const calls = stream.calls.slice(callsBefore);
    assert.deepEqual(
      calls.map((chunks) => chunks.length),
      [1, 9],
      'the other nine frames left in one writev',
    );
    const frames = stream.frames().filter((frame) => frame.k === 'req');
    assert.deepEqual(
      frames.map((frame) => (frame.k === 'req' ? [frame.id, (frame.body as { n: number; pad: string }).pad.length] : [])),
      Array.from({ length: 10 }, (_, i) => [i + 1, i * 100]),
    );
    assert.equal(connection.stats.framesOut, 11); // hello + 10
    await connection.close();
  });

  it('still waits for drain when frames corked in one turn pass the high-water mark, and refuses past maxQueuedBytes', async () => {
    const stream = new RecordingDuplex(1024);
    const connection = await readyConnection(stream, 10_000);
    stream.hold();
    const big = new Uint8Array(4096);
    await connection.send({ k: 'chunk', id: 1, seq: 0, data: Uint8Array.of(1), end: false }); // written at once, held
    await connection.send({ k: 'chunk', id: 1, seq: 1, data: big, end: false }); // corked: write() returns false
    let thirdSent = false;
    const third = connection.send({ k: 'chunk', id: 1, seq: 2, data: big, end: false }).then(() => (thirdSent = true));
    await nextTurn();
    assert.equal(thirdSent, false, 'the third frame waits for drain in the connection queue');
    assert.ok(connection.stats.queuedBytes > 4096);
    await assert.rejects(connection.send({ k: 'chunk', id: 1, seq: 3, data: new Uint8Array(8192), end: false }), (e) => isProvenantError(e, 'PRV_ERR_WIRE_SEND_QUEUE_FULL'));
    stream.release();
    await third;
    await nextTurn();
    const seqs = stream.frames().flatMap((frame) => (frame.k === 'chunk' ? [frame.seq] : []));
    assert.deepEqual(seqs, [0, 1, 2]);
    assert.equal(connection.stats.queuedBytes, 0);
    await connection.close();
  });

  it('flushes frames still corked when the connection closes', async () => {
    const stream = new RecordingDuplex();
    const connection = await readyConnection(stream);
    for (let id = 1; id <= 3; id++) void connection.send({ k: 'req', id, op: 'status', body: {} });
    const ended = new Promise<void>((resolve) => stream.once('finish', resolve));
    await connection.close();
    await ended;
    assert.deepEqual(
      stream.frames().flatMap((frame) => (frame.k === 'req' ? [frame.id] : [])),
      [1, 2, 3],
    );
  });
});
