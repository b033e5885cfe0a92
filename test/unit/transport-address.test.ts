import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isProvenantError, type ErrorCode } from '@provenant/protocol';
import {
  connect,
  formatTransportAddress,
  listen,
  MAX_TRANSPORT_ADDRESS_CHARS,
  MAX_UNIX_PATH_BYTES,
  PARENT_CID,
  parseTransportAddress,
  VMADDR_CID_ANY,
  type TransportAddress,
} from '@provenant/transport';

function rejectsWith(code: ErrorCode) {
  return (error: unknown): boolean => {
    assert.ok(isProvenantError(error, code), `expected ${code}, got ${String(error)}`);
    return true;
  };
}

describe('parseTransportAddress accepts the three forms', () => {
  const good: Array<[string, TransportAddress]> = [
    ['vsock://16:5000', { kind: 'vsock', cid: 16, port: 5000 }],
    ['vsock://ANY:5000', { kind: 'vsock', cid: VMADDR_CID_ANY, port: 5000 }],
    ['vsock://PARENT:9000', { kind: 'vsock', cid: PARENT_CID, port: 9000 }],
    ['vsock://4294967295:0', { kind: 'vsock', cid: 0xffff_ffff, port: 0 }],
    ['vsock://3:4294967294', { kind: 'vsock', cid: 3, port: 0xffff_fffe }],
    ['unix:///run/provenant/enclave.sock', { kind: 'unix', path: '/run/provenant/enclave.sock' }],
    ['unix:///tmp/with%percent sign', { kind: 'unix', path: '/tmp/with%percent sign' }],
    ['tcp://127.0.0.1:8080', { kind: 'tcp', host: '127.0.0.1', port: 8080 }],
    ['tcp://localhost:0', { kind: 'tcp', host: 'localhost', port: 0 }],
    ['tcp://[::1]:65535', { kind: 'tcp', host: '::1', port: 65535 }],
    ['tcp://[FE80::1]:1', { kind: 'tcp', host: 'fe80::1', port: 1 }],
  ];
  for (const [input, expected] of good) {
    test(`parses ${input}`, () => {
      assert.deepEqual(parseTransportAddress(input), expected);
    });
  }

  test('PARENT is CID 3 and ANY is VMADDR_CID_ANY (vsock(7))', () => {
    assert.equal(PARENT_CID, 3);
    assert.equal(VMADDR_CID_ANY, 0xffff_ffff);
  });

  test('formatting then parsing gives back the same address', () => {
    for (const [, address] of good) assert.deepEqual(parseTransportAddress(formatTransportAddress(address)), address);
    assert.equal(formatTransportAddress({ kind: 'vsock', cid: VMADDR_CID_ANY, port: 7 }), 'vsock://ANY:7');
    assert.equal(formatTransportAddress({ kind: 'tcp', host: '::1', port: 7 }), 'tcp://[::1]:7');
  });

  test('accepts a unix path of exactly MAX_UNIX_PATH_BYTES bytes', () => {
    const path = `/${'a'.repeat(MAX_UNIX_PATH_BYTES - 1)}`;
    assert.deepEqual(parseTransportAddress(`unix://${path}`), { kind: 'unix', path });
  });
});

describe('parseTransportAddress rejects malformed addresses with PRV_ERR_TRANSPORT_BAD_ADDRESS', () => {
  const bad: Array<[string, string]> = [
    ['no scheme', '127.0.0.1:80'],
    ['unknown scheme', 'http://127.0.0.1:80'],
    ['upper-case scheme', 'TCP://127.0.0.1:80'],
    ['empty', ''],
    ['vsock without port', 'vsock://3'],
    ['vsock with empty CID', 'vsock://:5000'],
    ['vsock CID above u32', 'vsock://4294967296:1'],
    ['vsock port VMADDR_PORT_ANY spelled out', 'vsock://3:4294967295'],
    ['vsock negative port', 'vsock://3:-1'],
    ['vsock leading zero', 'vsock://03:5000'],
    ['vsock lower-case alias', 'vsock://any:5000'],
    ['vsock HOST alias (never dial the host)', 'vsock://HOST:5000'],
    ['vsock with a path', 'vsock://3:5000/x'],
    ['vsock with an extra colon', 'vsock://3:5000:1'],
    ['vsock hex CID', 'vsock://0x3:5000'],
    ['unix relative path', 'unix://relative/path.sock'],
    ['unix with host', 'unix://host/tmp/x.sock'],
    ['unix query', 'unix:///tmp/x.sock?mode=1'],
    ['unix fragment', 'unix:///tmp/x.sock#frag'],
    ['unix directory', 'unix:///tmp/'],
    ['unix NUL byte', 'unix:///tmp/x\u0000y'],
    ['unix newline', 'unix:///tmp/x\ny'],
    ['unix path over sun_path', `unix:///${'a'.repeat(MAX_UNIX_PATH_BYTES)}`],
    ['unix path over sun_path in UTF-8 bytes', `unix:///${'é'.repeat(54)}`],
    ['tcp port above 65535', 'tcp://127.0.0.1:65536'],
    ['tcp without port', 'tcp://127.0.0.1'],
    ['tcp empty port', 'tcp://127.0.0.1:'],
    ['tcp hostname (no DNS)', 'tcp://example.com:80'],
    ['tcp IPv6 without brackets', 'tcp://::1:80'],
    ['tcp IPv6 with zone id', 'tcp://[fe80::1%eth0]:80'],
    ['tcp bracketed IPv4', 'tcp://[127.0.0.1]:80'],
    ['tcp user info', 'tcp://user@127.0.0.1:80'],
    ['tcp path', 'tcp://127.0.0.1:80/'],
    ['tcp query', 'tcp://127.0.0.1:80?x'],
    ['tcp short IPv4', 'tcp://127.1:80'],
    ['tcp port with plus sign', 'tcp://127.0.0.1:+80'],
    ['over MAX_TRANSPORT_ADDRESS_CHARS', `unix:///${'a'.repeat(MAX_TRANSPORT_ADDRESS_CHARS)}`],
  ];
  for (const [what, input] of bad) {
    test(`rejects ${what}`, () => {
      assert.throws(() => parseTransportAddress(input), rejectsWith('PRV_ERR_TRANSPORT_BAD_ADDRESS'));
    });
  }

  test('rejects a non-string', () => {
    assert.throws(() => parseTransportAddress(42 as unknown as string), rejectsWith('PRV_ERR_TRANSPORT_BAD_ADDRESS'));
  });
});

describe('listen and connect check their arguments before touching a socket', () => {
  test('connect refuses port 0 and CID ANY, which only listen can use', async () => {
    await assert.rejects(connect('tcp://127.0.0.1:0', { timeoutMs: 1000 }), rejectsWith('PRV_ERR_TRANSPORT_BAD_ADDRESS'));
    await assert.rejects(connect('vsock://ANY:5000', { timeoutMs: 1000 }), rejectsWith('PRV_ERR_TRANSPORT_BAD_ADDRESS'));
  });

  test('connect requires an integer timeoutMs within range', async () => {
    const address = 'tcp://127.0.0.1:1';
    await assert.rejects(connect(address, {} as { timeoutMs: number }), rejectsWith('PRV_ERR_INVALID_ARGUMENT'));
    await assert.rejects(connect(address, { timeoutMs: 1.5 }), rejectsWith('PRV_ERR_INVALID_ARGUMENT'));
    await assert.rejects(connect(address, { timeoutMs: 0 }), rejectsWith('PRV_ERR_OUT_OF_RANGE'));
    await assert.rejects(connect(address, { timeoutMs: 24 * 3600_000 }), rejectsWith('PRV_ERR_OUT_OF_RANGE'));
  });

  test('unknown options are rejected by name', async () => {
    await assert.rejects(
      connect('tcp://127.0.0.1:1', { timeoutMs: 10, connectTimeout: 5 } as never),
      (error: unknown) => rejectsWith('PRV_ERR_INVALID_ARGUMENT')(error) && /connectTimeout/.test(String(error)),
    );
    await assert.rejects(listen('tcp://127.0.0.1:0', () => undefined, { maxConns: 1 } as never), rejectsWith('PRV_ERR_INVALID_ARGUMENT'));
  });

  test('backends are fixed for vsock (addon) and tcp (net)', async () => {
    await assert.rejects(connect('vsock://3:5000', { timeoutMs: 10, backend: 'net' }), rejectsWith('PRV_ERR_INVALID_ARGUMENT'));
    await assert.rejects(connect('tcp://127.0.0.1:1', { timeoutMs: 10, backend: 'addon' }), rejectsWith('PRV_ERR_INVALID_ARGUMENT'));
  });

  test('maxConnections and backlog must be positive integers within their limits', async () => {
    const noop = () => undefined;
    await assert.rejects(listen('tcp://127.0.0.1:0', noop, { maxConnections: 0 }), rejectsWith('PRV_ERR_OUT_OF_RANGE'));
    await assert.rejects(listen('tcp://127.0.0.1:0', noop, { backlog: -1 }), rejectsWith('PRV_ERR_OUT_OF_RANGE'));
    await assert.rejects(listen('tcp://127.0.0.1:0', noop, { maxConnections: '5' as never }), rejectsWith('PRV_ERR_INVALID_ARGUMENT'));
  });

  test('an address object with extra or non-canonical fields is rejected', async () => {
    const extra = { kind: 'tcp', host: '127.0.0.1', port: 1, tls: true } as unknown as TransportAddress;
    await assert.rejects(connect(extra, { timeoutMs: 10 }), rejectsWith('PRV_ERR_TRANSPORT_BAD_ADDRESS'));
    const upper = { kind: 'tcp', host: 'FE80::1', port: 1 } as TransportAddress;
    await assert.rejects(connect(upper, { timeoutMs: 10 }), rejectsWith('PRV_ERR_TRANSPORT_BAD_ADDRESS'));
  });
});
