import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { FrameDecoder, MAX_FRAME_BYTES, WIRE_VERSION, decodeFrameBody, encodeFrame, isProvenantError, parseFrame, type Frame } from '@provenant/protocol';
import { FramedConnection, connect, listen, type ApplicationFrame } from '@provenant/transport';
import { HeldWriteDuplex, memoryDuplexPair } from '../support/memory-duplex.js';
import { ManualTimers } from '../support/manual-timers.js';
import { SOCKET_TEST_TIMEOUT_MS, socketTeardown } from '../support/socket-teardown.js';

/** The raw side of a pair: records every frame the connection under test wrote. */
function rawPeer(stream: Duplex): { frames: Frame[]; next: (kind?: Frame['k']) => Promise<Frame>; write: (message: unknown) => void } {
  const frames: Frame[] = [];
  const decoder = new FrameDecoder();
  const waiters: Array<() => void> = [];
  stream.on('data', (chunk: Uint8Array) => {
    for (const body of decoder.push(chunk)) frames.push(parseFrame(decodeFrameBody(body)));
    for (const wake of waiters.splice(0)) wake();
  });
  stream.on('error', () => undefined);
  let read = 0;
  const next = async (kind?: Frame['k']): Promise<Frame> => {
    for (;;) {
      while (read < frames.length) {
        const frame = frames[read++] as Frame;
        if (kind === undefined || frame.k === kind) return frame;
      }
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
  };
  return { frames, next, write: (message) => stream.write(encodeFrame(message)) };
}

function nextFrame(connection: FramedConnection): Promise<ApplicationFrame> {
  return once(connection, 'frame').then(([frame]) => frame as ApplicationFrame);
}

describe('FramedConnection', () => {
  it('exchanges hello both ways and then carries req and res frames', async () => {
    const [a, b] = memoryDuplexPair();
    const parent = new FramedConnection(a, { role: 'parent' });
    const enclave = new FramedConnection(b, { role: 'enclave' });
    await Promise.all([parent.ready, enclave.ready]);
    const received = nextFrame(enclave);
    await parent.send({ k: 'req', id: 7, op: 'status', body: {} });
    assert.deepEqual(await received, { k: 'req', id: 7, op: 'status', body: {} });
    const answer = nextFrame(parent);
    await enclave.send({ k: 'res', id: 7, body: { ok: true } });
    assert.deepEqual(await answer, { k: 'res', id: 7, body: { ok: true } });
    assert.equal(parent.stats.framesOut, 2); // hello + req
    assert.equal(enclave.stats.framesIn, 2);
    assert.ok(parent.stats.bytesOut > 0 && parent.stats.bytesOut === enclave.stats.bytesIn);
    await parent.close();
    assert.equal(await enclave.closed, undefined, 'a clean close on one side closes the other cleanly');
  });

  it('answers a peer hello with another version with err id 0 PRV_ERR_WIRE_VERSION and closes', async () => {
    const [a, b] = memoryDuplexPair();
    const enclave = new FramedConnection(a, { role: 'enclave' });
    const peer = rawPeer(b);
    peer.write({ k: 'hello', v: WIRE_VERSION + 1, role: 'parent' });
    const err = await peer.next('err');
    assert.equal(err.k === 'err' && err.id, 0);
    assert.equal(err.k === 'err' && err.code, 'PRV_ERR_WIRE_VERSION');
    const closedWith = await enclave.closed;
    assert.equal(closedWith?.code, 'PRV_ERR_WIRE_VERSION');
    await assert.rejects(enclave.ready, (e) => isProvenantError(e, 'PRV_ERR_WIRE_VERSION'));
  });

  it('refuses a peer announcing the same role', async () => {
    const [a, b] = memoryDuplexPair();
    const one = new FramedConnection(a, { role: 'parent' });
    const two = new FramedConnection(b, { role: 'parent' });
    assert.equal((await one.closed)?.code, 'PRV_ERR_WIRE_MALFORMED');
    assert.ok((await two.closed) !== undefined);
  });

  it('refuses a request before hello', async () => {
    const [a, b] = memoryDuplexPair();
    const enclave = new FramedConnection(a, { role: 'enclave' });
    const peer = rawPeer(b);
    peer.write({ k: 'req', id: 1, op: 'status', body: {} });
    const err = await peer.next('err');
    assert.equal(err.k === 'err' && err.code, 'PRV_ERR_WIRE_MALFORMED');
    assert.equal((await enclave.closed)?.code, 'PRV_ERR_WIRE_MALFORMED');
  });

  it('answers ping with pong carrying the same counter', async () => {
    const [a, b] = memoryDuplexPair();
    const enclave = new FramedConnection(a, { role: 'enclave' });
    const peer = rawPeer(b);
    peer.write({ k: 'hello', v: WIRE_VERSION, role: 'parent' });
    peer.write({ k: 'ping', n: 41 });
    assert.deepEqual(await peer.next('pong'), { k: 'pong', n: 41 });
    await enclave.close();
  });

  it('pings an idle peer and closes with PRV_ERR_WIRE_PEER_TIMEOUT when nothing arrives within heartbeatTimeoutMs', async () => {
    const timers = new ManualTimers();
    const [a, b] = memoryDuplexPair();
    const parent = new FramedConnection(a, { role: 'parent', heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 3000, timers });
    const peer = rawPeer(b);
    peer.write({ k: 'hello', v: WIRE_VERSION, role: 'enclave' });
    await parent.ready;
    timers.advance(1000); // the hello arrived during this interval: no ping yet
    timers.advance(1000);
    const ping = await peer.next('ping');
    assert.equal(ping.k, 'ping');
    assert.equal(parent.isOpen, true);
    timers.advance(1000);
    assert.equal(parent.isOpen, true, 'two silent intervals (2000 ms) are below the 3000 ms timeout');
    timers.advance(1000);
    const err = await peer.next('err');
    assert.equal(err.k === 'err' && err.code, 'PRV_ERR_WIRE_PEER_TIMEOUT');
    assert.equal(err.k === 'err' && err.id, 0);
    assert.equal((await parent.closed)?.code, 'PRV_ERR_WIRE_PEER_TIMEOUT');
  });

  it('keeps a connection whose peer answers pings open past the timeout', async () => {
    const timers = new ManualTimers();
    const [a, b] = memoryDuplexPair();
    const parent = new FramedConnection(a, { role: 'parent', heartbeatIntervalMs: 1000, heartbeatTimeoutMs: 2000, timers });
    const enclave = new FramedConnection(b, { role: 'enclave', heartbeatIntervalMs: 60_000, heartbeatTimeoutMs: 120_000 });
    await Promise.all([parent.ready, enclave.ready]);
    for (let i = 0; i < 10; i++) {
      timers.advance(1000);
      await new Promise((resolve) => setImmediate(resolve)); // let the pong travel
    }
    assert.equal(parent.isOpen, true);
    assert.ok(parent.stats.framesIn >= 5, 'pongs arrived');
    await parent.close();
    await enclave.closed;
  });

  it('waits for drain when write() returns false and refuses sends past maxQueuedBytes', async () => {
    const stream = new HeldWriteDuplex(64);
    const connection = new FramedConnection(stream, { role: 'parent', maxQueuedBytes: 600 });
    stream.push(encodeFrame({ k: 'hello', v: WIRE_VERSION, role: 'enclave' }));
    await connection.ready;
    const data = new Uint8Array(200);
    // hello (already written) plus this frame exceed the 64-byte high-water mark: write() returns false.
    await connection.send({ k: 'chunk', id: 1, seq: 0, data, end: false });
    const writesBefore = stream.written.length; // the hello
    let secondSent = false;
    const second = connection.send({ k: 'chunk', id: 1, seq: 1, data, end: false }).then(() => (secondSent = true));
    const third = connection.send({ k: 'chunk', id: 1, seq: 2, data, end: false });
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(secondSent, false, 'the second frame waits for drain');
    assert.equal(stream.written.length, writesBefore, 'nothing more reached the stream while waiting');
    assert.equal(stream.heldCount, 1, 'only the hello is in the stream; the first chunk sits in its buffer');
    assert.ok(connection.stats.queuedBytes > 400);
    await assert.rejects(connection.send({ k: 'chunk', id: 1, seq: 3, data, end: false }), (e) => isProvenantError(e, 'PRV_ERR_WIRE_SEND_QUEUE_FULL'));
    stream.release();
    await Promise.all([second, third]);
    // Frames handed over in the same turn are corked and reach _write together at the check phase.
    await new Promise((resolve) => setImmediate(resolve));
    const seqs = stream.written.slice(writesBefore).map((bytes) => {
      const [body] = new FrameDecoder().push(bytes);
      const frame = parseFrame(decodeFrameBody(body as Uint8Array));
      return frame.k === 'chunk' ? frame.seq : -1;
    });
    assert.deepEqual(seqs, [0, 1, 2], 'queued frames went out in order after drain');
    assert.equal(connection.stats.queuedBytes, 0);
    connection.close();
    stream.destroy();
    await connection.closed;
  });

  it('sends err id 0 PRV_ERR_WIRE_MALFORMED and closes on a malformed frame', async () => {
    const [a, b] = memoryDuplexPair();
    const enclave = new FramedConnection(a, { role: 'enclave' });
    const peer = rawPeer(b);
    peer.write({ k: 'hello', v: WIRE_VERSION, role: 'parent' });
    await enclave.ready;
    b.write(Uint8Array.of(0, 0, 0, 1, 0xc1)); // 0xc1 is never used in MessagePack
    const err = await peer.next('err');
    assert.deepEqual([err.k === 'err' && err.id, err.k === 'err' && err.code], [0, 'PRV_ERR_WIRE_MALFORMED']);
    assert.equal((await enclave.closed)?.code, 'PRV_ERR_WIRE_MALFORMED');
  });

  it('rejects a frame whose declared length exceeds maxFrameBytes before buffering it', async () => {
    const [a, b] = memoryDuplexPair();
    const enclave = new FramedConnection(a, { role: 'enclave', maxFrameBytes: 1024 });
    const peer = rawPeer(b);
    peer.write({ k: 'hello', v: WIRE_VERSION, role: 'parent' });
    await enclave.ready;
    b.write(Uint8Array.of(0, 0, 0x04, 0x01)); // declares 1025 bytes and sends none of them
    const err = await peer.next('err');
    assert.equal(err.k === 'err' && err.code, 'PRV_ERR_WIRE_FRAME_TOO_LARGE');
    assert.equal((await enclave.closed)?.code, 'PRV_ERR_WIRE_FRAME_TOO_LARGE');
  });

  it('refuses to send a frame above maxFrameBytes without closing', async () => {
    const [a, b] = memoryDuplexPair();
    const parent = new FramedConnection(a, { role: 'parent', maxFrameBytes: 1024 });
    const enclave = new FramedConnection(b, { role: 'enclave' });
    await parent.ready;
    await assert.rejects(parent.send({ k: 'chunk', id: 1, seq: 0, data: new Uint8Array(2048), end: true }), (e) => isProvenantError(e, 'PRV_ERR_WIRE_FRAME_TOO_LARGE'));
    assert.equal(parent.isOpen, true);
    await parent.close();
    await enclave.closed;
  });

  it('closes with the code of a connection-level err frame from the peer', async () => {
    const [a, b] = memoryDuplexPair();
    const parent = new FramedConnection(a, { role: 'parent' });
    const peer = rawPeer(b);
    peer.write({ k: 'hello', v: WIRE_VERSION, role: 'enclave' });
    peer.write({ k: 'err', id: 0, code: 'PRV_ERR_WIRE_MALFORMED', message: 'bad' });
    assert.equal((await parent.closed)?.code, 'PRV_ERR_WIRE_MALFORMED');
    // It does not answer an err frame with an err frame.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(peer.frames.filter((f) => f.k === 'err').length, 0);
  });

  it('delivers request-level err frames as frames', async () => {
    const [a, b] = memoryDuplexPair();
    const parent = new FramedConnection(a, { role: 'parent' });
    const enclave = new FramedConnection(b, { role: 'enclave' });
    await enclave.ready;
    const got = nextFrame(parent);
    await enclave.sendError(3, new Error('secret detail'));
    assert.deepEqual(await got, { k: 'err', id: 3, code: 'PRV_ERR_INTERNAL', message: 'internal error' });
    await enclave.close();
    await parent.closed;
  });

  it('closes idempotently and refuses sends afterwards', async () => {
    const [a, b] = memoryDuplexPair();
    const parent = new FramedConnection(a, { role: 'parent' });
    const enclave = new FramedConnection(b, { role: 'enclave' });
    await parent.ready;
    let closeEvents = 0;
    parent.on('close', () => closeEvents++);
    const [first, second] = await Promise.all([parent.close(), parent.close()]);
    assert.equal(first, undefined);
    assert.equal(second, undefined);
    assert.equal(await parent.close(), undefined);
    assert.equal(closeEvents, 1);
    await assert.rejects(parent.send({ k: 'cancel', id: 1 }), (e) => isProvenantError(e, 'PRV_ERR_WIRE_CLOSED'));
    await enclave.closed;
  });

  it('reports PRV_ERR_WIRE_CLOSED when the stream is destroyed under it', async () => {
    const [a, b] = memoryDuplexPair();
    const parent = new FramedConnection(a, { role: 'parent' });
    const enclave = new FramedConnection(b, { role: 'enclave' });
    await parent.ready;
    b.destroy();
    assert.equal((await parent.closed)?.code, 'PRV_ERR_WIRE_CLOSED');
    await enclave.closed;
  });

  it('works over a real TCP connection from @provenant/transport', { timeout: SOCKET_TEST_TIMEOUT_MS }, async (t) => {
    const teardown = socketTeardown(t);
    let server: FramedConnection | undefined;
    let onAccepted!: (connection: FramedConnection) => void;
    const accepted = new Promise<FramedConnection>((resolve) => (onAccepted = resolve));
    // FramedConnection listens for 'error' on the socket it is given; teardown destroys it if the test fails.
    const listener = teardown.listener(
      await listen('tcp://127.0.0.1:0', (socket) => {
        server = new FramedConnection(teardown.stream(socket), { role: 'enclave' });
        onAccepted(server);
      }),
    );
    const socket = teardown.stream(await connect(listener.address, { timeoutMs: 5000 }));
    const client = new FramedConnection(socket, { role: 'parent' });
    const enclave = await accepted;
    await client.ready;
    const got = nextFrame(enclave);
    const data = new Uint8Array(3 * 1024 * 1024).map((_, i) => i & 0xff);
    await client.send({ k: 'chunk', id: 9, seq: 0, data, end: true });
    const frame = await got;
    assert.equal(frame.k, 'chunk');
    assert.deepEqual(frame.k === 'chunk' ? frame.data : undefined, data);
    await client.close();
    assert.equal(await server?.closed, undefined);
    await listener.close();
    assert.ok(MAX_FRAME_BYTES > data.length);
  });
});
