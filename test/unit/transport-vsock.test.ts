/**
 * What of vsock can run on this machine: these are Firecracker VMs with AF_VSOCK but no loopback
 * transport, so sockets can be created, bound, listened on and closed, and a connect to CID 1
 * (VMADDR_CID_LOCAL) never completes. That last fact exercises the real nonblocking vsock connect
 * path (EINPROGRESS, poll for writability) for the timeout and abort cases. CID 2 (the host) is
 * never dialled. End-to-end vsock data transfer cannot be tested here; the same addon I/O code is
 * tested over AF_UNIX in transport-conformance and transport-backpressure.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { isProvenantError, type ErrorCode } from '@provenant/protocol';
import { connect, getLocalVsockCid, listen, VMADDR_CID_ANY, VMADDR_CID_HOST } from '@provenant/transport';
import { SOCKET_TEST_TIMEOUT_MS, socketTeardown } from '../support/socket-teardown.js';

const HAS_VSOCK = existsSync('/dev/vsock');
const SKIP = HAS_VSOCK ? false : 'no /dev/vsock on this machine';
/** vsock(7): VMADDR_CID_LOCAL; without the loopback transport a connect there never completes. */
const CID_LOCAL = 1;
/** A stuck connect or close fails its test instead of hanging the run. */
const BOUNDED = { timeout: SOCKET_TEST_TIMEOUT_MS };

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

function rejectsWith(code: ErrorCode) {
  return (error: unknown): boolean => {
    assert.ok(isProvenantError(error, code), `expected ${code}, got ${String(error)}`);
    return true;
  };
}

describe('vsock on the addon', { skip: SKIP }, () => {
  test('reads this machine CID from /dev/vsock, and it is neither ANY nor the host', BOUNDED, () => {
    const cid = getLocalVsockCid();
    assert.ok(Number.isInteger(cid) && cid > VMADDR_CID_HOST && cid < VMADDR_CID_ANY, `local CID ${cid}`);
  });

  test('listens on CID ANY with a kernel-chosen port and reports that port', BOUNDED, async (t) => {
    const listener = socketTeardown(t).listener(await listen('vsock://ANY:0', () => undefined));
    assert.equal(listener.address.kind, 'vsock');
    if (listener.address.kind !== 'vsock') return;
    assert.equal(listener.address.cid, VMADDR_CID_ANY);
    assert.ok(listener.address.port > 0 && listener.address.port < 0xffff_ffff, `port ${listener.address.port}`);
    assert.equal(listener.connectionCount, 0);
    await listener.close();
  });

  test('a second listener on the same port is PRV_ERR_TRANSPORT_ADDRESS_IN_USE until the first closes', BOUNDED, async (t) => {
    const teardown = socketTeardown(t);
    const first = teardown.listener(await listen('vsock://ANY:0', () => undefined));
    await assert.rejects(listen(first.address, () => undefined), rejectsWith('PRV_ERR_TRANSPORT_ADDRESS_IN_USE'));
    await first.close();
    // The port is free again only if close() really closed the descriptor.
    const again = teardown.listener(await listen(first.address, () => undefined));
    assert.deepEqual(again.address, first.address);
    await again.close();
  });

  test('listens on an explicit port and the local CID, and closes without leaking a descriptor', BOUNDED, async (t) => {
    const teardown = socketTeardown(t);
    const fdsBefore = openFds();
    const probe = teardown.listener(await listen('vsock://ANY:0', () => undefined));
    const port = probe.address.kind === 'vsock' ? probe.address.port : 0;
    await probe.close();
    const listener = teardown.listener(await listen(`vsock://${getLocalVsockCid()}:${port}`, () => undefined));
    assert.deepEqual(listener.address, { kind: 'vsock', cid: getLocalVsockCid(), port });
    await listener.close();
    await listener.close(); // idempotent
    assert.equal(openFds(), fdsBefore);
  });

  test('connect to a CID that never answers times out with PRV_ERR_TRANSPORT_CONNECT_TIMEOUT', BOUNDED, async (t) => {
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const fdsBefore = openFds();
    const pending = connect(`vsock://${CID_LOCAL}:5000`, { timeoutMs: 30_000 });
    const assertion = assert.rejects(pending, (error: unknown) => {
      rejectsWith('PRV_ERR_TRANSPORT_CONNECT_TIMEOUT')(error);
      assert.match(String(error), /vsock:\/\/1:5000 after 30000 ms/);
      return true;
    });
    // The connect is in flight in the kernel (EINPROGRESS) until our timer fires.
    t.mock.timers.tick(30_000);
    await assertion;
    assert.equal(openFds(), fdsBefore, 'the timed-out socket is closed');
  });

  test('an AbortSignal cancels an in-flight vsock connect with PRV_ERR_TRANSPORT_ABORTED', BOUNDED, async () => {
    const fdsBefore = openFds();
    const controller = new AbortController();
    const pending = connect(`vsock://${CID_LOCAL}:5000`, { timeoutMs: 60_000, signal: controller.signal });
    controller.abort();
    await assert.rejects(pending, rejectsWith('PRV_ERR_TRANSPORT_ABORTED'));
    assert.equal(openFds(), fdsBefore, 'the aborted socket is closed');
  });
});

describe('vsock addresses that make no sense are refused before any socket exists', () => {
  test('connect to CID ANY or port 0 is PRV_ERR_TRANSPORT_BAD_ADDRESS', BOUNDED, async () => {
    await assert.rejects(connect('vsock://ANY:5000', { timeoutMs: 100 }), rejectsWith('PRV_ERR_TRANSPORT_BAD_ADDRESS'));
    await assert.rejects(connect('vsock://16:0', { timeoutMs: 100 }), rejectsWith('PRV_ERR_TRANSPORT_BAD_ADDRESS'));
  });
});
