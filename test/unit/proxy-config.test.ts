import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { DEFAULT_PROXY_CONFIG, backoffDelayMs, parseProxyConfig, proxyConfigFromArgs, runProxyCommand } from '@provenant/proxy';
import { FakeEnclave } from '../support/fake-enclave.js';

function rejects(run: () => unknown, pattern: RegExp): void {
  assert.throws(run, (error: { code?: string; message: string }) => {
    assert.equal(error.code, 'PRV_ERR_PROXY_CONFIG_INVALID');
    assert.match(error.message, pattern);
    return true;
  });
}

test('config applies defaults and refuses unknown keys, bad addresses, duplicates and out-of-range numbers', () => {
  const config = parseProxyConfig({ enclaves: ['vsock://16:5000'] });
  assert.equal(config.port, DEFAULT_PROXY_CONFIG.port);
  assert.equal(config.requestTimeoutMs, DEFAULT_PROXY_CONFIG.requestTimeoutMs);
  rejects(() => parseProxyConfig({ enclaves: ['tcp://127.0.0.1:1'], requestTimeout: 5 }), /unknown key "requestTimeout"/);
  rejects(() => parseProxyConfig({ enclaves: [] }), /enclaves/);
  rejects(() => parseProxyConfig({ enclaves: ['http://x'] }), /enclave address/);
  rejects(() => parseProxyConfig({ enclaves: ['unix:///a', 'unix:///a'] }), /twice/);
  rejects(() => parseProxyConfig({ enclaves: ['unix:///a'], port: 70000 }), /port/);
  rejects(() => parseProxyConfig({ enclaves: ['unix:///a'], maxModelBytes: 1e12 }), /maxModelBytes/);
  rejects(() => parseProxyConfig({ enclaves: ['unix:///a'], heartbeatIntervalMs: 10, heartbeatTimeoutMs: 5 }), /heartbeatTimeoutMs/);
  rejects(() => parseProxyConfig({ enclaves: ['unix:///a'], modelDir: '/definitely/not/here' }), /not a directory/);
});

test('flags override the JSON config file; unknown flags and bad numbers are refused', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'prv-proxy-config-'));
  try {
    const file = path.join(dir, 'proxy.json');
    writeFileSync(file, JSON.stringify({ enclaves: ['unix:///tmp/a.sock'], port: 9000, requestTimeoutMs: 1000 }));
    const config = proxyConfigFromArgs(['--config', file, '--port', '9001', '--enclave', 'tcp://127.0.0.1:5000', '--enclave', 'vsock://16:5000']);
    assert.equal(config.port, 9001);
    assert.equal(config.requestTimeoutMs, 1000);
    assert.deepEqual(config.enclaves, ['tcp://127.0.0.1:5000', 'vsock://16:5000']);
    rejects(() => proxyConfigFromArgs(['--enclave', 'unix:///a', '--listen', 'x']), /listen/);
    rejects(() => proxyConfigFromArgs(['--enclave', 'unix:///a', '--port', '80x']), /--port/);
    writeFileSync(file, '{"enclaves": ["unix:///a"], "extra": true}');
    rejects(() => proxyConfigFromArgs(['--config', file]), /unknown key "extra"/);
    writeFileSync(file, '[1]');
    rejects(() => proxyConfigFromArgs(['--config', file]), /JSON object/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('reconnect delays grow exponentially to the cap with equal jitter', () => {
  const options = { initialMs: 100, maxMs: 1000 };
  assert.equal(backoffDelayMs(0, { ...options, random: () => 0 }), 50);
  assert.equal(backoffDelayMs(0, { ...options, random: () => 0.999999 }), 100);
  assert.equal(backoffDelayMs(3, { ...options, random: () => 0 }), 400);
  assert.equal(backoffDelayMs(10, { ...options, random: () => 0 }), 500);
  assert.equal(backoffDelayMs(1000, { ...options, random: () => 0.999999 }), 1000);
});

test('runProxyCommand exits 2 on bad flags and serves until its stop signal', async () => {
  const out = new PassThrough();
  const err = new PassThrough();
  const text = (stream: PassThrough): string => String(stream.read() ?? '');
  assert.equal(await runProxyCommand(['--port', '1'], { stdout: out, stderr: err }), 2);
  assert.match(text(err), /enclaves must list/);

  const dir = mkdtempSync(path.join(tmpdir(), 'prv-proxy-cmd-'));
  const fake = new FakeEnclave();
  const address = await fake.start(`unix://${path.join(dir, 'e.sock')}`);
  const controller = new AbortController();
  try {
    let url = '';
    const exit = runProxyCommand(['--enclave', address, '--port', '0'], { stdout: out, stderr: err }, {
      signal: controller.signal,
      onListening: (listening) => (url = listening),
    });
    while (url === '') await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal((await fetch(`${url}/v2/health/live`)).status, 200);
    assert.match(text(out), /listening on http:\/\/127\.0\.0\.1:\d+/);
    controller.abort();
    assert.equal(await exit, 0);
  } finally {
    await fake.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
