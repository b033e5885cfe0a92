import { test, describe, mock } from 'node:test';
import assert from 'node:assert/strict';
import { type ErrorCode } from '@provenant/protocol';
import { assertCode, until } from '../support/coded-errors.js';
import { DeviceNsmTransport } from '@provenant/enclave';
import { ScriptedBinding, errnoError } from '../support/scripted-nsm-binding.js';

/**
 * Queueing, deadlines, close ordering and errno mapping of DeviceNsmTransport, against a scripted
 * stand-in for the addon so each device call is answered exactly when the test says.
 */
const DESCRIBE_NSM = Uint8Array.from(Buffer.from('6b44657363726962654e534d', 'hex')); // REFERENCE.md golden request


describe('DeviceNsmTransport queueing, deadlines and errno mapping (scripted addon)', () => {
  test('sends concurrent requests to the device one at a time, in call order', async () => {
    const binding = new ScriptedBinding();
    const transport = DeviceNsmTransport.open({ binding });
    const results = [1, 2, 3].map((n) => transport.request(Uint8Array.of(n)));
    await until(() => binding.pending.length === 1);
    for (const n of [1, 2, 3]) {
      await until(() => binding.pending.length === 1);
      assert.deepEqual(binding.answer(Uint8Array.of(n, n)), Uint8Array.of(n));
    }
    assert.deepEqual(await Promise.all(results), [Uint8Array.of(1, 1), Uint8Array.of(2, 2), Uint8Array.of(3, 3)]);
    assert.equal(binding.maxInFlight, 1);
    await transport.close();
  });

  test('copies the request, so a caller reusing its buffer does not change what is sent', async () => {
    const binding = new ScriptedBinding();
    const transport = DeviceNsmTransport.open({ binding });
    const first = transport.request(Uint8Array.of(0));
    const buffer = Uint8Array.of(7, 7);
    const second = transport.request(buffer);
    buffer.fill(9);
    await until(() => binding.pending.length === 1);
    binding.answer(Uint8Array.of(0));
    await until(() => binding.pending.length === 1);
    assert.deepEqual(binding.answer(Uint8Array.of(1)), Uint8Array.of(7, 7));
    await Promise.all([first, second]);
    await transport.close();
  });

  test('a request aborted while queued rejects with PRV_ERR_NSM_TIMEOUT and never reaches the device', async () => {
    const binding = new ScriptedBinding();
    const transport = DeviceNsmTransport.open({ binding });
    const first = transport.request(Uint8Array.of(1));
    const controller = new AbortController();
    const second = transport.request(Uint8Array.of(2), { signal: controller.signal });
    controller.abort();
    await assert.rejects(second, assertCode('PRV_ERR_NSM_TIMEOUT'));
    await until(() => binding.pending.length === 1);
    binding.answer(Uint8Array.of(1));
    await first;
    const third = transport.request(Uint8Array.of(3));
    await until(() => binding.pending.length === 1);
    assert.deepEqual(binding.answer(Uint8Array.of(3)), Uint8Array.of(3));
    await third;
    assert.equal(binding.calls, 2, 'the aborted request was skipped');
    await transport.close();
  });

  test('an already-aborted signal rejects without queuing', async () => {
    const binding = new ScriptedBinding();
    const transport = DeviceNsmTransport.open({ binding });
    await assert.rejects(transport.request(DESCRIBE_NSM, { signal: AbortSignal.abort() }), assertCode('PRV_ERR_NSM_TIMEOUT'));
    assert.equal(binding.calls, 0);
    await transport.close();
  });

  test('requestTimeoutMs rejects with PRV_ERR_NSM_TIMEOUT; the late answer is discarded and the next request proceeds', async () => {
    mock.timers.enable({ apis: ['setTimeout'] });
    try {
      const binding = new ScriptedBinding();
      const transport = DeviceNsmTransport.open({ binding, requestTimeoutMs: 5_000 });
      const slow = transport.request(Uint8Array.of(1));
      await until(() => binding.pending.length === 1);
      mock.timers.tick(4_999);
      let settled = false;
      void slow.then(() => (settled = true), () => (settled = true));
      await until(() => true);
      assert.equal(settled, false);
      mock.timers.tick(1);
      await assert.rejects(slow, assertCode('PRV_ERR_NSM_TIMEOUT', /5000 ms/));
      const next = transport.request(Uint8Array.of(2));
      binding.answer(Uint8Array.of(0xde, 0xad)); // the late answer to the timed-out request
      await until(() => binding.pending.length === 1);
      binding.answer(Uint8Array.of(2));
      assert.deepEqual(await next, Uint8Array.of(2));
      await transport.close();
    } finally {
      mock.timers.reset();
    }
  });

  const ioctlCases: [string, ErrorCode][] = [
    ['ENOTTY', 'PRV_ERR_NSM_NOT_A_DEVICE'],
    ['EINVAL', 'PRV_ERR_NSM_NOT_A_DEVICE'],
    ['EMSGSIZE', 'PRV_ERR_NSM_INPUT_TOO_LARGE'],
    ['ETIMEDOUT', 'PRV_ERR_NSM_TIMEOUT'],
    ['EIO', 'PRV_ERR_NSM_IO'],
    ['EOVERFLOW', 'PRV_ERR_NSM_IO'],
    ['EFAULT', 'PRV_ERR_NSM_IO'],
  ];
  for (const [errno, code] of ioctlCases) {
    test(`an ioctl failing with ${errno} rejects with ${code}, naming the errno`, async () => {
      const binding = new ScriptedBinding();
      const transport = DeviceNsmTransport.open({ binding });
      const request = transport.request(DESCRIBE_NSM);
      await until(() => binding.pending.length === 1);
      binding.answer(errnoError(errno));
      await assert.rejects(request, assertCode(code, new RegExp(errno)));
      await transport.close();
    });
  }

  const openCases: [string, ErrorCode][] = [
    ['ENOENT', 'PRV_ERR_NSM_NO_DEVICE'],
    ['ENXIO', 'PRV_ERR_NSM_NO_DEVICE'],
    ['EISDIR', 'PRV_ERR_NSM_NOT_A_DEVICE'],
    ['EACCES', 'PRV_ERR_NSM_IO'],
    ['EMFILE', 'PRV_ERR_NSM_IO'],
  ];
  for (const [errno, code] of openCases) {
    test(`open failing with ${errno} throws ${code}, naming the errno`, () => {
      const binding = new ScriptedBinding();
      binding.openError = errnoError(errno, 'open');
      assert.throws(() => DeviceNsmTransport.open({ binding }), assertCode(code, new RegExp(`open /dev/nsm: ${errno}`)));
    });
  }

  test('close() rejects requests still queued, waits for the one in flight, then closes the fd once', async () => {
    const binding = new ScriptedBinding();
    const transport = DeviceNsmTransport.open({ binding });
    const inFlight = transport.request(Uint8Array.of(1));
    const queued = transport.request(Uint8Array.of(2));
    await until(() => binding.pending.length === 1);
    const closing = transport.close();
    await until(() => true);
    assert.deepEqual(binding.closedFds, []);
    binding.answer(Uint8Array.of(1));
    assert.deepEqual(await inFlight, Uint8Array.of(1));
    await closing;
    assert.deepEqual(binding.closedFds, [42]);
    await assert.rejects(queued, assertCode('PRV_ERR_NSM_IO', /closed/));
    assert.equal(binding.calls, 1);
  });

  test('rejects bad requests and options with codes before touching the device', async () => {
    const binding = new ScriptedBinding();
    const transport = DeviceNsmTransport.open({ binding });
    await assert.rejects(transport.request(new Uint8Array(0)), assertCode('PRV_ERR_NSM_MALFORMED', /empty/));
    await assert.rejects(transport.request('DescribeNSM' as unknown as Uint8Array), assertCode('PRV_ERR_NSM_MALFORMED'));
    assert.equal(binding.calls, 0);
    await transport.close();
    for (const requestTimeoutMs of [0, -1, 1.5, Number.NaN, 2 ** 31]) {
      assert.throws(() => DeviceNsmTransport.open({ binding, requestTimeoutMs }), assertCode('PRV_ERR_OUT_OF_RANGE'));
    }
    assert.throws(() => DeviceNsmTransport.open({ binding, devicePath: '' }), assertCode('PRV_ERR_INVALID_ARGUMENT'));
    assert.throws(() => DeviceNsmTransport.open({ binding, devicePath: '/dev/nsm\0x' }), assertCode('PRV_ERR_INVALID_ARGUMENT'));
  });
});
