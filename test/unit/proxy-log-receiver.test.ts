import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runEnclaveCommand } from '@provenant/enclave';
import { LogLineSplitter, logSourceLabel, runLogsCommand, sanitizeLogText, startLogReceiver } from '@provenant/proxy';
import { connect, listen } from '@provenant/transport';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
/** Long enough for a loaded 2-core CI machine; a lost line then fails the test instead of hanging the suite. */
const WAIT_MS = 30_000;

function within<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no ${what} within ${WAIT_MS} ms`)), WAIT_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A writable that records text and resolves waiters when a pattern shows up. */
function capture(): { stream: PassThrough; text: () => string; waitFor: (pattern: RegExp) => Promise<void> } {
  const stream = new PassThrough();
  let text = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void }> = [];
  stream.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
    for (const waiter of waiters.splice(0)) {
      if (waiter.pattern.test(text)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  return {
    stream,
    text: () => text,
    waitFor: (pattern) =>
      pattern.test(text) ? Promise.resolve() : within(new Promise((resolve) => waiters.push({ pattern, resolve })), `output matching ${pattern}`),
  };
}

describe('parent log receiver: enclave lines are untrusted text', () => {
  it('replaces control characters, ANSI escapes, C1 controls and bidi overrides', () => {
    assert.equal(sanitizeLogText('ok\u001b[2J\rfake\u0008\u009b31m\u202eevil\u2028x\ty'), 'ok?[2J?fake??31m?evil?x?y');
    assert.equal(sanitizeLogText('{"event":"boot.ready","models":3}'), '{"event":"boot.ready","models":3}');
  });

  it('rejoins lines split across chunks and turns invalid UTF-8 into U+FFFD', () => {
    const splitter = new LogLineSplitter(64);
    assert.deepEqual(splitter.push(bytes('{"a":')), []);
    assert.deepEqual(splitter.push(Uint8Array.of(0x31, 0x7d, 0x0a, 0xff, 0x0a)), ['{"a":1}', '\ufffd']);
    assert.deepEqual(splitter.push(bytes('tail')), []);
    assert.deepEqual(splitter.end(), ['tail']);
  });

  it('cuts a line at maxLineBytes, marks it and discards the rest up to the newline', () => {
    const splitter = new LogLineSplitter(8);
    const out = [...splitter.push(bytes('0123456789abcdef')), ...splitter.push(bytes('ghij\nnext\n'))];
    assert.deepEqual(out, ['01234567 [truncated]', 'next']);
    assert.deepEqual(splitter.stats, { lines: 2, truncatedLines: 1 });
    // Memory stays bounded however long the line: a megabyte without a newline yields nothing yet.
    assert.deepEqual(splitter.push(new Uint8Array(1 << 20).fill(0x41)), []);
    assert.deepEqual(splitter.push(bytes('\n')), ['AAAAAAAA [truncated]']);
  });
});

describe('provenant logs and the daemon --log-sink over unix sockets', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'prv-logs-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('provenant logs prints each line on stderr prefixed with its source, sanitized', async () => {
    const socketPath = path.join(dir, 'cmd.sock');
    const stdout = capture();
    const stderr = capture();
    const abort = new AbortController();
    let listening: (address: string) => void = () => undefined;
    const ready = new Promise<string>((resolve) => (listening = resolve));
    const exit = runLogsCommand(['--listen', `unix://${socketPath}`], { stdout: stdout.stream, stderr: stderr.stream }, { signal: abort.signal, onListening: listening });
    try {
      assert.equal(await within(ready, 'listening address'), `unix://${socketPath}`);
      const client = net.connect(socketPath);
      client.end('{"event":"a"}\n\u001b]0;pwned\u0007{"event":"b"}\n');
      await stderr.waitFor(/disconnected/);
      assert.match(stderr.text(), /^provenant logs: enclave #1 connected\n\[enclave #1\] \{"event":"a"\}\n\[enclave #1\] \?\]0;pwned\?\{"event":"b"\}\n/);
    } finally {
      abort.abort();
      assert.equal(await within(exit, 'exit'), 0);
    }
  });

  it('labels a source from the transport: vsock peer CID, tcp host:port, else the connection number', async () => {
    const vsockLike = Object.assign(new PassThrough(), { peerAddress: () => ({ cid: 16, port: 1234 }) });
    assert.equal(logSourceLabel(vsockLike, 1), 'enclave cid 16');
    const tcpLike = Object.assign(new PassThrough(), { remoteAddress: '127.0.0.1', remotePort: 40000 });
    assert.equal(logSourceLabel(tcpLike, 2), 'enclave 127.0.0.1:40000');
    assert.equal(logSourceLabel(new PassThrough(), 3), 'enclave #3');
    // The addon socket (vsock's only backend) reports its peer; unix stands in, as vsock has no loopback here.
    const socketPath = path.join(dir, 'addon.sock');
    let accepted: (socket: Duplex) => void = () => undefined;
    const serverSide = new Promise<Duplex>((resolve) => (accepted = resolve));
    const listener = await listen(`unix://${socketPath}`, (socket) => accepted(socket), { backend: 'addon' });
    const client = await connect(`unix://${socketPath}`, { timeoutMs: 2000, backend: 'addon' });
    const server = await serverSide;
    const peer = (server as unknown as { peerAddress(): unknown }).peerAddress();
    assert.equal(typeof peer, 'object');
    assert.equal(logSourceLabel(server, 4), 'enclave #4', 'a unix peer has no CID');
    server.destroy();
    assert.equal((server as unknown as { peerAddress(): unknown }).peerAddress(), undefined);
    client.destroy();
    await listener.close();
  });

  it('provenant logs exits 2 on a missing or bad --listen', async () => {
    const io = { stdout: new PassThrough(), stderr: new PassThrough() };
    assert.equal(await runLogsCommand([], io), 2);
    assert.equal(await runLogsCommand(['--listen', 'http://x'], io), 2);
    assert.equal(await runLogsCommand(['--listen', 'unix:///x', '--max-line-bytes', '0'], io), 2);
  });

  it('the daemon streams its boot lines to the parent receiver', async () => {
    const sinkPath = path.join(dir, 'sink.sock');
    const lines: string[] = [];
    let sawReady: () => void = () => undefined;
    const readyLine = new Promise<void>((resolve) => (sawReady = resolve));
    const receiver = await startLogReceiver({
      listen: `unix://${sinkPath}`,
      onLine: (_source, line) => {
        lines.push(line);
        if (JSON.parse(line).event === 'boot.ready') sawReady();
      },
    });
    const stdout = capture();
    const stderr = capture();
    const abort = new AbortController();
    const exit = runEnclaveCommand(
      ['--listen', `unix://${path.join(dir, 'enclave-a.sock')}`, '--nsm', 'mock', '--allow-mock-nsm', '--mock-state-dir', path.join(dir, 'mock-a'), '--log-sink', `unix://${sinkPath}`],
      { stdout: stdout.stream, stderr: stderr.stream, signal: abort.signal },
    );
    try {
      await within(readyLine, 'boot.ready line');
      const events = lines.map((line) => JSON.parse(line).event);
      assert.deepEqual(events.slice(0, 2), ['boot.listening', 'boot.mock_nsm']);
      // The parent gets the same lines as the console.
      const consoleLines = stderr.text().trim().split('\n');
      assert.deepEqual(lines, consoleLines.slice(0, lines.length));
    } finally {
      abort.abort();
      assert.equal(await within(exit, 'exit'), 0);
      await receiver.close();
    }
  });

  it('the daemon boots and serves with its log sink absent, counting what it could not send', async () => {
    const stdout = capture();
    const stderr = capture();
    const abort = new AbortController();
    const exit = runEnclaveCommand(
      ['--listen', `unix://${path.join(dir, 'enclave-b.sock')}`, '--nsm', 'mock', '--allow-mock-nsm', '--mock-state-dir', path.join(dir, 'mock-b'), '--log-sink', `unix://${path.join(dir, 'nobody.sock')}`],
      { stdout: stdout.stream, stderr: stderr.stream, signal: abort.signal },
    );
    try {
      await stdout.waitFor(/^ready unix:/);
    } finally {
      abort.abort();
      assert.equal(await within(exit, 'exit'), 0);
    }
    const stats = stderr.text().trim().split('\n').map((line) => JSON.parse(line)).find((record) => record.event === 'log.sink_stats');
    assert.equal(stats?.sentLines, 0);
  });
});
