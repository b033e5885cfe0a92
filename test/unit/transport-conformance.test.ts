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

/** Listener whose connections echo every byte back and end when the peer ends. */
function echoServer(flavour: Flavour, options: ListenOptions = {}, onSocket?: (s: Duplex) => void): Promise<Listener> {
  return listen(
    flavour.address(counter++),
    (socket) => {
      socket.on('error', () => socket.destroy());
      onSocket?.(socket);
      socket.pipe(socket);
    },
    { ...options, ...(listenOptions(flavour)) },
  );
}

function listenOptions(flavour: Flavour): ListenOptions {
  return flavour.backend === undefined ? {} : { backend: flavour.backend };
}

function dial(flavour: Flavour, listener: Listener, extra: Partial<ConnectOptions> = {}): Promise<Duplex> {
  return connect(listener.address, { timeoutMs: 5_000, ...extra, ...(listenOptions(flavour)) });
}

async function echoRoundTrip(flavour: Flavour, payload: Buffer): Promise<void> {
  const listener = await echoServer(flavour);
  const client = await dial(flavour, listener);
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
      await echoRoundTrip(flavour, Buffer.from('warm-up'));
    });

    test('echoes 1 MiB back unchanged and ends when the peer ends', async () => {
      await echoRoundTrip(flavour, randomBytes(1024 * 1024));
    });

    test('a corked burst of 1000 small writes arrives whole and in order', async () => {
      // Exercises _writev with more chunks than one sendmsg takes (64 iovecs) and partial writes.
      const listener = await echoServer(flavour);
      const client = await dial(flavour, listener);
      const received = readAll(client);
      const parts = Array.from({ length: 1000 }, (_, i) => Buffer.from(`${i};`));
      client.cork();
      for (const part of parts) client.write(part);
      client.uncork();
      client.end();
      assert.equal((await received).toString(), Buffer.concat(parts).toString());
      await listener.close();
    });

    test('reports the real port when port 0 was asked, and the path for unix', async () => {
      const listener = await echoServer(flavour);
      if (listener.address.kind === 'tcp') assert.ok(listener.address.port > 0 && listener.address.port <= 65535);
      if (listener.address.kind === 'unix') assert.ok(existsSync(listener.address.path), 'socket file exists while listening');
      await listener.close();
      if (listener.address.kind === 'unix') assert.ok(!existsSync(listener.address.path), 'close removes the socket file');
    });

    test('serves 256 concurrent connections, each getting its own bytes back', async () => {
      const connectionCount = 256;
      let accepted = 0;
      let allAccepted!: () => void;
      const acceptedAll = new Promise<void>((resolve) => (allAccepted = resolve));
      const listener = await echoServer(flavour, {}, () => {
        if (++accepted === connectionCount) allAccepted();
      });
      const clients = await Promise.all(Array.from({ length: connectionCount }, () => dial(flavour, listener)));
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

    test('closes cleanly: end() reaches the peer as end, both sides close, no descriptor leaks', async () => {
      const fdsBefore = openFds();
      let onAccept!: (socket: Duplex) => void;
      const accepted = new Promise<Duplex>((resolve) => (onAccept = resolve));
      const listener = await listen(flavour.address(counter++), (socket) => onAccept(socket), listenOptions(flavour));
      const client = await dial(flavour, listener);
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

    test('a peer destroyed mid-transfer surfaces as an error or close on the writer, with no leak', async () => {
      const fdsBefore = openFds();
      let serverClosed!: Promise<unknown>;
      const listener = await listen(
        flavour.address(counter++),
        (socket) => {
          serverClosed = closeOf(socket);
          socket.once('data', () => socket.destroy());
        },
        listenOptions(flavour),
      );
      const client = await dial(flavour, listener);
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

    test('closes connections beyond maxConnections at once and keeps serving the others', async () => {
      const accepted: Duplex[] = [];
      let onSecond!: () => void;
      const secondAccepted = new Promise<void>((resolve) => (onSecond = resolve));
      const listener = await echoServer(flavour, { maxConnections: 2 }, (socket) => {
        if (accepted.push(socket) === 2) onSecond();
      });
      const first = await dial(flavour, listener);
      const second = await dial(flavour, listener);
      await secondAccepted;
      const third = await dial(flavour, listener);
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

describe('connect failures carry transport codes', () => {
  for (const backend of ['net', 'addon'] as const) {
    test(`unix (${backend}): a path with nothing at it is PRV_ERR_TRANSPORT_CONNECT_REFUSED`, async () => {
      await assert.rejects(
        connect(`unix://${TMP}/nobody-${backend}.sock`, { timeoutMs: 1000, backend }),
        rejectsWith('PRV_ERR_TRANSPORT_CONNECT_REFUSED'),
      );
    });

    test(`unix (${backend}): a stale socket file is refused on connect and replaced on listen`, async () => {
      const stale = path.join(TMP, `stale-${backend}.sock`);
      // A listener killed with SIGKILL leaves its socket file behind, as a crashed daemon would.
      const child = spawnSync(process.execPath, [
        '-e',
        `require('net').createServer().listen(${JSON.stringify(stale)}, () => process.kill(process.pid, 'SIGKILL'))`,
      ]);
      assert.equal(child.signal, 'SIGKILL');
      assert.ok(existsSync(stale), 'the killed listener left its socket file');
      await assert.rejects(connect(`unix://${stale}`, { timeoutMs: 1000, backend }), rejectsWith('PRV_ERR_TRANSPORT_CONNECT_REFUSED'));
      const listener = await listen(`unix://${stale}`, (socket) => socket.end(), { backend });
      const client = await connect(`unix://${stale}`, { timeoutMs: 1000, backend });
      await readAll(client);
      client.destroy();
      await listener.close();
    });

    test(`unix (${backend}): listen refuses a path that is not a socket and leaves it alone`, async () => {
      const file = path.join(TMP, `precious-${backend}.txt`);
      writeFileSync(file, 'keep me');
      await assert.rejects(listen(`unix://${file}`, () => undefined, { backend }), rejectsWith('PRV_ERR_TRANSPORT_NOT_A_SOCKET'));
      assert.ok(existsSync(file));
    });

    test(`unix (${backend}): listen refuses a path with a live listener`, async () => {
      const first = await listen(`unix://${TMP}/live-${backend}.sock`, (socket) => socket.end(), { backend });
      await assert.rejects(
        listen(`unix://${TMP}/live-${backend}.sock`, () => undefined, { backend }),
        rejectsWith('PRV_ERR_TRANSPORT_ADDRESS_IN_USE'),
      );
      const client = await connect(first.address, { timeoutMs: 1000, backend });
      await readAll(client);
      client.destroy();
      await first.close();
    });
  }

  test('tcp: a port with no listener is PRV_ERR_TRANSPORT_CONNECT_REFUSED', async () => {
    const listener = await listen('tcp://127.0.0.1:0', () => undefined);
    const { address } = listener;
    await listener.close();
    await assert.rejects(connect(address, { timeoutMs: 1000 }), rejectsWith('PRV_ERR_TRANSPORT_CONNECT_REFUSED'));
  });

  test('tcp: a second listener on a bound port is PRV_ERR_TRANSPORT_ADDRESS_IN_USE', async () => {
    const listener = await listen('tcp://127.0.0.1:0', () => undefined);
    await assert.rejects(listen(listener.address, () => undefined), rejectsWith('PRV_ERR_TRANSPORT_ADDRESS_IN_USE'));
    await listener.close();
  });

  test('an already aborted signal rejects without connecting', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(connect('tcp://127.0.0.1:9', { timeoutMs: 1000, signal: controller.signal }), rejectsWith('PRV_ERR_TRANSPORT_ABORTED'));
  });
});
