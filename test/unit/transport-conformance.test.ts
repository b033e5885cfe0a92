/**
 * The same behaviour checked over every transport we can run here: unix on node:net, tcp on
 * node:net, and unix on the project's addon (the identical read/write/poll code that carries vsock
 * in production; only the sockaddr differs).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { isProvenantError, type ErrorCode } from '@provenant/protocol';
import { connect, listen, type ConnectOptions, type ListenOptions, type Listener, type TransportBackend } from '@provenant/transport';
import { SOCKET_TEST_TIMEOUT_MS, SocketTeardown, socketTeardown } from '../support/socket-teardown.js';

const TMP = mkdtempSync(path.join(os.tmpdir(), 'prv-transport-'));
after(() => rmSync(TMP, { recursive: true, force: true }));

interface Flavour {
  readonly name: string;
  readonly backend: TransportBackend | undefined;
  /** Address to listen on; `n` keeps unix paths distinct between tests. */
  address(n: number): string;
}

const FLAVOURS: Flavour[] = [
  { name: 'unix over node:net', backend: 'net', address: (n) => `unix://${TMP}/net-${n}.sock` },
  { name: 'tcp over node:net', backend: undefined, address: () => 'tcp://127.0.0.1:0' },
  { name: 'unix over the addon', backend: 'addon', address: (n) => `unix://${TMP}/addon-${n}.sock` },
];

let counter = 0;

/** Every test here moves bytes over real sockets: bounded, so a lost event fails the test, not the run. */
const BOUNDED = { timeout: SOCKET_TEST_TIMEOUT_MS };

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/** Resolves on 'close' whether or not an error came first (events.once would reject on 'error'). */
function closeOf(stream: Duplex): Promise<void> {
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

function rejectsWith(code: ErrorCode) {
  return (error: unknown): boolean => {
    assert.ok(isProvenantError(error, code), `expected ${code}, got ${String(error)}`);
    return true;
  };
}

/** Reads everything until 'end'; rejects on 'error'. */
async function readAll(stream: Duplex): Promise<Buffer> {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await once(stream, 'end');
  return Buffer.concat(chunks);
}

/**
 * Listener whose connections echo every byte back and end when the peer ends. A peer that resets
 * is a legitimate outcome for an echo server, so its sockets swallow errors (and are destroyed).
 * The listener and its connections are closed when the test ends, pass or fail.
 */
async function echoServer(
  teardown: SocketTeardown,
  flavour: Flavour,
  options: ListenOptions = {},
  onSocket?: (s: Duplex) => void,
): Promise<Listener> {
  const listener = await listen(
    flavour.address(counter++),
    (socket) => {
      teardown.stream(socket);
      socket.on('error', () => socket.destroy());
      onSocket?.(socket);
      socket.pipe(socket);
    },
    { ...options, ...(listenOptions(flavour)) },
  );
  return teardown.listener(listener);
}

function listenOptions(flavour: Flavour): ListenOptions {
  return flavour.backend === undefined ? {} : { backend: flavour.backend };
}

/** A client destroyed when the test ends. No 'error' listener: an error nobody expects fails the test. */
async function dial(teardown: SocketTeardown, flavour: Flavour, listener: Listener, extra: Partial<ConnectOptions> = {}): Promise<Duplex> {
  return teardown.stream(await connect(listener.address, { timeoutMs: 5_000, ...extra, ...(listenOptions(flavour)) }));
}

async function echoRoundTrip(teardown: SocketTeardown, flavour: Flavour, payload: Buffer): Promise<void> {
  const listener = await echoServer(teardown, flavour);
  const client = await dial(teardown, flavour, listener);
  const closed = once(client, 'close');
  const received = readAll(client);
  client.end(payload);
  assert.ok((await received).equals(payload), 'echoed bytes equal the sent bytes');
  await closed;
  await listener.close();
}

for (const flavour of FLAVOURS) {
  describe(`transport conformance: ${flavour.name}`, () => {
    before(async () => {
      // Warm-up: the first connection may open descriptors Node keeps for the process lifetime.
      // Suite hooks get no t.after, so the teardown runs here, pass or fail.
      const teardown = new SocketTeardown();
      try {
        await echoRoundTrip(teardown, flavour, Buffer.from('warm-up'));
      } finally {
        await teardown.closeAll();
      }
    }, BOUNDED);

    test('echoes 1 MiB back unchanged and ends when the peer ends', BOUNDED, async (t) => {
      await echoRoundTrip(socketTeardown(t), flavour, randomBytes(1024 * 1024));
    });

    test('a corked burst of 1000 small writes arrives whole and in order', BOUNDED, async (t) => {
      // Exercises _writev with more chunks than one sendmsg takes (64 iovecs) and partial writes.
      const teardown = socketTeardown(t);
      const listener = await echoServer(teardown, flavour);
      const client = await dial(teardown, flavour, listener);
      const received = readAll(client);
      const parts = Array.from({ length: 1000 }, (_, i) => Buffer.from(`${i};`));
      client.cork();
      for (const part of parts) client.write(part);
      client.uncork();
      client.end();
      assert.equal((await received).toString(), Buffer.concat(parts).toString());
      await listener.close();
    });

    test('reports the real port when port 0 was asked, and the path for unix', BOUNDED, async (t) => {
      const listener = await echoServer(socketTeardown(t), flavour);
      if (listener.address.kind === 'tcp') assert.ok(listener.address.port > 0 && listener.address.port <= 65535);
      if (listener.address.kind === 'unix') assert.ok(existsSync(listener.address.path), 'socket file exists while listening');
      await listener.close();
      if (listener.address.kind === 'unix') assert.ok(!existsSync(listener.address.path), 'close removes the socket file');
    });

    test('serves 256 concurrent connections, each getting its own bytes back', BOUNDED, async (t) => {
      const teardown = socketTeardown(t);
      const connectionCount = 256;
      let accepted = 0;
      let allAccepted!: () => void;
      const acceptedAll = new Promise<void>((resolve) => (allAccepted = resolve));
      const listener = await echoServer(teardown, flavour, {}, () => {
        if (++accepted === connectionCount) allAccepted();
      });
      const clients = await Promise.all(Array.from({ length: connectionCount }, () => dial(teardown, flavour, listener)));
      await acceptedAll;
      assert.equal(listener.connectionCount, connectionCount);
      const payloads = clients.map((_, i) => Buffer.concat([Buffer.from(`client ${i}:`), randomBytes(4096)]));
      const echoed = await Promise.all(
        clients.map((client, i) => {
          const received = readAll(client);
          client.end(payloads[i]);
          return received;
        }),
      );
      echoed.forEach((bytes, i) => assert.ok(bytes.equals(payloads[i] as Buffer), `client ${i} got its own bytes`));
      await listener.close();
    });

    test('closes cleanly: end() reaches the peer as end, both sides close, no descriptor leaks', BOUNDED, async (t) => {
      const teardown = socketTeardown(t);
      const fdsBefore = openFds();
      let onAccept!: (socket: Duplex) => void;
      const accepted = new Promise<Duplex>((resolve) => (onAccept = resolve));
      const listener = teardown.listener(
        await listen(flavour.address(counter++), (socket) => onAccept(teardown.stream(socket)), listenOptions(flavour)),
      );
      const client = await dial(teardown, flavour, listener);
      const serverSide = await accepted;
      const serverEnded = once(serverSide, 'end');
      const serverClosed = once(serverSide, 'close');
      const clientClosed = once(client, 'close');
      serverSide.resume();
      const clientReceived = readAll(client);
      client.end('bye');
      await serverEnded;
      // Half-open: the server may still write after the client's end, and the client still reads it.
      serverSide.end('late reply');
      assert.equal((await clientReceived).toString(), 'late reply');
      await Promise.all([serverClosed, clientClosed]);
      await listener.close();
      assert.equal(openFds(), fdsBefore, 'every descriptor opened by the test is closed');
    });

    test('a peer destroyed mid-transfer surfaces as an error or close on the writer, with no leak', BOUNDED, async (t) => {
      const teardown = socketTeardown(t);
      const fdsBefore = openFds();
      let onServerSocket!: (socket: Duplex) => void;
      const serverSocket = new Promise<Duplex>((resolve) => (onServerSocket = resolve));
      const listener = teardown.listener(
        await listen(
          flavour.address(counter++),
          (socket) => {
            teardown.stream(socket);
            // The server drops the connection on purpose; whatever it sees afterwards is expected.
            socket.on('error', () => undefined);
            socket.once('data', () => socket.destroy());
            onServerSocket(socket);
          },
          listenOptions(flavour),
        ),
      );
      const serverClosed = serverSocket.then(closeOf);
      const client = await dial(teardown, flavour, listener);
      let clientError: unknown;
      client.on('error', (error) => (clientError = error));
      const clientClosed = closeOf(client);
      const chunk = randomBytes(64 * 1024);
      // 64 MiB cannot fit in the socket buffers, so the writer must hit the destroyed peer.
      for (let sent = 0; sent < 64 * 1024 * 1024 && !client.destroyed; sent += chunk.length) {
        if (!client.write(chunk)) await Promise.race([new Promise((resolve) => client.once('drain', resolve)), clientClosed]);
      }
      await clientClosed;
      await serverClosed;
      assert.ok(clientError !== undefined, 'the writer saw an error');
      const code = (clientError as { code?: string }).code;
      if (flavour.backend === 'addon') assert.ok(isProvenantError(clientError, 'PRV_ERR_TRANSPORT_IO'), String(clientError));
      else assert.ok(code === 'EPIPE' || code === 'ECONNRESET', `node:net error code ${code}`);
      await listener.close();
      assert.equal(openFds(), fdsBefore);
    });

    test('destroy() with a write in flight settles every write and end() callback and emits no error', BOUNDED, async (t) => {
      const teardown = socketTeardown(t);
      const listener = teardown.listener(
        await listen(
          flavour.address(counter++),
          (socket) => {
            // Never reads past its highWaterMark, then sees the client vanish: both expected here.
            teardown.stream(socket).on('error', () => undefined);
          },
          listenOptions(flavour),
        ),
      );
      const client = await dial(teardown, flavour, listener);
      const clientErrors: unknown[] = [];
      client.on('error', (error) => clientErrors.push(error));
      const clientClosed = closeOf(client);
      const settled = (register: (callback: (error?: Error | null) => void) => void): Promise<Error | null> =>
        new Promise((resolve) => register((error) => resolve(error ?? null)));
      // More than the kernel buffers hold for a peer that does not read (tcp loopback autotunes to
      // tens of MiB), so this write is still in flight when destroy() comes.
      const inFlight = settled((callback) => client.write(Buffer.alloc(64 * 1024 * 1024), callback));
      const queuedBehind = settled((callback) => client.write(Buffer.from('queued behind'), callback));
      const ended = settled((callback) => client.end(callback));
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(client.writableLength > 0, 'the big write is still in flight');
      client.destroy();
      await inFlight; // node:net reports null here (its libuv write is cancelled silently); the addon ECANCELED.
      assert.ok((await queuedBehind) !== null, 'a write queued behind the destroyed one fails');
      assert.ok((await ended) !== null, 'end() on a destroyed stream fails');
      await clientClosed;
      assert.equal(client.writableLength, 0, 'no bytes are left accounted as buffered');
      assert.deepEqual(clientErrors, [], 'a plain destroy() emits no error');
    });

    test('closes connections beyond maxConnections at once and keeps serving the others', BOUNDED, async (t) => {
      const teardown = socketTeardown(t);
      const accepted: Duplex[] = [];
      let onSecond!: () => void;
      const secondAccepted = new Promise<void>((resolve) => (onSecond = resolve));
      const listener = await echoServer(teardown, flavour, { maxConnections: 2 }, (socket) => {
        if (accepted.push(socket) === 2) onSecond();
      });
      const first = await dial(teardown, flavour, listener);
      const second = await dial(teardown, flavour, listener);
      await secondAccepted;
      const third = await dial(teardown, flavour, listener);
      third.on('error', () => undefined);
      third.resume();
      // The refused connection sees EOF (or a reset) without ever being handed to onConnection.
      await Promise.race([new Promise((resolve) => third.once('end', resolve)), closeOf(third)]);
      assert.equal(accepted.length, 2);
      const echo = readAll(first);
      first.end('still served');
      assert.equal((await echo).toString(), 'still served');
      second.destroy();
      third.destroy();
      await listener.close();
    });
  });
}

/**
 * A server that closes its half at once. listen()'s own probe of a live path is also handed to it, and
 * that probe hangs up straight away, so a reset here is a legitimate outcome.
 */
function endAtOnce(teardown: SocketTeardown, socket: Duplex): void {
  teardown.stream(socket);
  socket.on('error', () => socket.destroy());
  socket.end();
}

describe('connect failures carry transport codes', () => {
  for (const backend of ['net', 'addon'] as const) {
    test(`unix (${backend}): a path with nothing at it is PRV_ERR_TRANSPORT_CONNECT_REFUSED`, BOUNDED, async () => {
      await assert.rejects(
        connect(`unix://${TMP}/nobody-${backend}.sock`, { timeoutMs: 1000, backend }),
        rejectsWith('PRV_ERR_TRANSPORT_CONNECT_REFUSED'),
      );
    });

    test(`unix (${backend}): a stale socket file is refused on connect and replaced on listen`, BOUNDED, async (t) => {
      const stale = path.join(TMP, `stale-${backend}.sock`);
      // A listener killed with SIGKILL leaves its socket file behind, as a crashed daemon would.
      const child = spawnSync(process.execPath, [
        '-e',
        `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`,
      ]);
      assert.equal(child.signal, 'SIGKILL');
      assert.ok(existsSync(stale), 'the killed listener left its socket file');
      await assert.rejects(connect(`unix://${stale}`, { timeoutMs: 1000, backend }), rejectsWith('PRV_ERR_TRANSPORT_CONNECT_REFUSED'));
      const teardown = socketTeardown(t);
      const listener = teardown.listener(await listen(`unix://${stale}`, (socket) => endAtOnce(teardown, socket), { backend }));
      const client = teardown.stream(await connect(`unix://${stale}`, { timeoutMs: 1000, backend }));
      await readAll(client);
      client.destroy();
      await listener.close();
    });

    test(`unix (${backend}): listen refuses a path that is not a socket and leaves it alone`, BOUNDED, async () => {
      const file = path.join(TMP, `precious-${backend}.txt`);
      writeFileSync(file, 'keep me');
      await assert.rejects(listen(`unix://${file}`, () => undefined, { backend }), rejectsWith('PRV_ERR_TRANSPORT_NOT_A_SOCKET'));
      assert.ok(existsSync(file));
    });

    test(`unix (${backend}): listen refuses a path with a live listener`, BOUNDED, async (t) => {
      const teardown = socketTeardown(t);
      const first = teardown.listener(await listen(`unix://${TMP}/live-${backend}.sock`, (socket) => endAtOnce(teardown, socket), { backend }));
      await assert.rejects(
        listen(`unix://${TMP}/live-${backend}.sock`, () => undefined, { backend }),
        rejectsWith('PRV_ERR_TRANSPORT_ADDRESS_IN_USE'),
      );
      const client = teardown.stream(await connect(first.address, { timeoutMs: 1000, backend }));
      await readAll(client);
      client.destroy();
      await first.close();
    });
  }

  test('tcp: a port with no listener is PRV_ERR_TRANSPORT_CONNECT_REFUSED', BOUNDED, async () => {
    const listener = await listen('tcp://127.0.0.1:0', () => undefined);
    const { address } = listener;
    await listener.close();
    await assert.rejects(connect(address, { timeoutMs: 1000 }), rejectsWith('PRV_ERR_TRANSPORT_CONNECT_REFUSED'));
  });

  test('tcp: a second listener on a bound port is PRV_ERR_TRANSPORT_ADDRESS_IN_USE', BOUNDED, async (t) => {
    const listener = socketTeardown(t).listener(await listen('tcp://127.0.0.1:0', () => undefined));
    await assert.rejects(listen(listener.address, () => undefined), rejectsWith('PRV_ERR_TRANSPORT_ADDRESS_IN_USE'));
    await listener.close();
  });

  test('an already aborted signal rejects without connecting', BOUNDED, async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(connect('tcp://127.0.0.1:9', { timeoutMs: 1000, signal: controller.signal }), rejectsWith('PRV_ERR_TRANSPORT_ABORTED'));
  });
});
