import { test, describe, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_NSM_REQUEST_BYTES, isProvenantError } from '@provenant/protocol';
import { assertCode, until } from '../support/coded-errors.js';
import { DeviceNsmTransport, loadNativeNsmBinding, type NativeNsmBinding } from '@provenant/enclave';

/**
 * The real node-gyp build of the /dev/nsm addon, on a machine without an NSM: every failure path,
 * and proof that the ioctl runs on the libuv threadpool. The success path is in
 * nsm-device-ioctl-abi.test.ts; queueing and errno mapping in nsm-device-queue.test.ts.
 */

const DESCRIBE_NSM = Uint8Array.from(Buffer.from('6b44657363726962654e534d', 'hex')); // REFERENCE.md golden request


const tempDirs: string[] = [];
after(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prv-nsm-'));
  tempDirs.push(dir);
  return dir;
}

describe('native addon (real node-gyp build, no NSM device needed)', () => {
  test('was compiled with NSM_IOCTL_RAW = 0xC0200A00, a 32-byte nsm_raw and the 4096/12288-byte limits', () => {
    const binding = loadNativeNsmBinding();
    assert.equal(binding.ioctlRaw, 0xc0200a00);
    assert.equal(binding.rawStructBytes, 32);
    assert.equal(binding.maxRequestBytes, 4096);
    assert.equal(binding.maxResponseBytes, 12288);
  });

  test('refuses an oversize request itself with EMSGSIZE, even when called directly', async () => {
    const binding = loadNativeNsmBinding();
    const fd = binding.open('/dev/null');
    try {
      await assert.rejects(binding.request(fd, new Uint8Array(MAX_NSM_REQUEST_BYTES + 1)), { code: 'EMSGSIZE' });
      assert.throws(() => binding.request(fd, new Uint16Array(4) as unknown as Uint8Array), {
        name: 'TypeError',
        code: 'ERR_INVALID_ARG_TYPE',
      });
    } finally {
      binding.close(fd);
    }
  });

  test('a path that does not exist is PRV_ERR_NSM_NO_DEVICE: not inside a Nitro Enclave', () => {
    const missing = path.join(tempDir(), 'nsm');
    assert.throws(
      () => DeviceNsmTransport.open({ devicePath: missing }),
      (error: unknown) => {
        assertCode('PRV_ERR_NSM_NO_DEVICE', /ENOENT/)(error);
        assert.match((error as Error).message, /not inside a Nitro Enclave/);
        return true;
      },
    );
  });

  test('a directory is PRV_ERR_NSM_NOT_A_DEVICE at open', () => {
    assert.throws(() => DeviceNsmTransport.open({ devicePath: tempDir() }), assertCode('PRV_ERR_NSM_NOT_A_DEVICE', /EISDIR/));
  });

  test('a regular file opens but refuses the ioctl (ENOTTY): PRV_ERR_NSM_NOT_A_DEVICE', async () => {
    const file = path.join(tempDir(), 'fake-nsm');
    fs.writeFileSync(file, 'not a device');
    const transport = DeviceNsmTransport.open({ devicePath: file });
    try {
      await assert.rejects(transport.request(DESCRIBE_NSM), assertCode('PRV_ERR_NSM_NOT_A_DEVICE', /ENOTTY/));
    } finally {
      await transport.close();
    }
  });

  test('/dev/null refuses the ioctl (ENOTTY): PRV_ERR_NSM_NOT_A_DEVICE', async () => {
    const transport = DeviceNsmTransport.open({ devicePath: '/dev/null' });
    try {
      await assert.rejects(transport.request(DESCRIBE_NSM), assertCode('PRV_ERR_NSM_NOT_A_DEVICE', /ioctl \/dev\/null: ENOTTY/));
    } finally {
      await transport.close();
    }
  });

  test('an oversize request is PRV_ERR_NSM_INPUT_TOO_LARGE and never reaches the addon', async () => {
    const real = loadNativeNsmBinding();
    let requests = 0;
    const counting: NativeNsmBinding = { ...real, request: (fd, bytes) => ((requests += 1), real.request(fd, bytes)) };
    const transport = DeviceNsmTransport.open({ devicePath: '/dev/null', binding: counting });
    try {
      await assert.rejects(transport.request(new Uint8Array(MAX_NSM_REQUEST_BYTES + 1)), assertCode('PRV_ERR_NSM_INPUT_TOO_LARGE'));
      assert.equal(requests, 0);
      // Exactly at the limit is allowed through to the device (which, being /dev/null, refuses it).
      await assert.rejects(transport.request(new Uint8Array(MAX_NSM_REQUEST_BYTES)), assertCode('PRV_ERR_NSM_NOT_A_DEVICE'));
      assert.equal(requests, 1);
    } finally {
      await transport.close();
    }
  });

  test('many concurrent requests on one descriptor each settle', async () => {
    const transport = DeviceNsmTransport.open({ devicePath: '/dev/null' });
    const outcomes = await Promise.allSettled(Array.from({ length: 32 }, () => transport.request(DESCRIBE_NSM)));
    await transport.close();
    assert.equal(outcomes.length, 32);
    for (const outcome of outcomes) {
      assert.equal(outcome.status, 'rejected');
      assert.ok(isProvenantError((outcome as PromiseRejectedResult).reason, 'PRV_ERR_NSM_NOT_A_DEVICE'));
    }
  });

  test('close() closes the descriptor once, and later requests reject cleanly with PRV_ERR_NSM_IO', async () => {
    const real = loadNativeNsmBinding();
    const closed: number[] = [];
    let opened = -1;
    const watching: NativeNsmBinding = {
      ...real,
      open: (p) => (opened = real.open(p)),
      close: (fd) => (closed.push(fd), real.close(fd)),
    };
    const transport = DeviceNsmTransport.open({ devicePath: '/dev/null', binding: watching });
    assert.ok(fs.fstatSync(opened).isCharacterDevice());
    await Promise.all([transport.close(), transport.close()]);
    assert.deepEqual(closed, [opened]);
    await assert.rejects(transport.request(DESCRIBE_NSM), assertCode('PRV_ERR_NSM_IO', /closed/));
  });
});

describe('the ioctl runs on the libuv threadpool, never on the event loop', () => {
  /** Every FIFO still holding threadpool threads; released after each test so no read outlives it. */
  const pools: { release: () => Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(pools.splice(0).map((pool) => pool.release()));
  });

  /**
   * Occupies every threadpool thread with a blocking read on a FIFO, so a queued ioctl provably
   * cannot run until the test releases them: the request stays pending for as long as the test
   * needs, with no sleeping and no device.
   */
  function occupyThreadpool(): { release: () => Promise<void> } {
    const fifo = path.join(tempDir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const fd = fs.openSync(fifo, fs.constants.O_RDWR); // O_RDWR on a FIFO does not wait for a peer (fifo(7))
    const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4); // libuv's default pool size
    const reads = Array.from(
      { length: threads },
      () => new Promise<void>((resolve, reject) => fs.read(fd, Buffer.alloc(1), 0, 1, null, (e) => (e ? reject(e) : resolve()))),
    );
    let released: Promise<void> | undefined;
    const pool = {
      release: () =>
        (released ??= (async () => {
          fs.writeSync(fd, Buffer.alloc(threads));
          await Promise.all(reads);
          fs.closeSync(fd);
        })()),
    };
    pools.push(pool);
    return pool;
  }

  /** Records how a promise settled without leaving a rejection unhandled while the test waits. */
  function track(promise: Promise<unknown>): { settled: boolean; outcome: Promise<unknown> } {
    const state = { settled: false, outcome: Promise.resolve() as Promise<unknown> };
    state.outcome = promise.then(
      (value) => ((state.settled = true), value),
      (error: unknown) => ((state.settled = true), error),
    );
    return state;
  }

  test('a timer fires while a request waits for its ioctl, and the request still settles afterwards', async () => {
    const transport = DeviceNsmTransport.open({ devicePath: '/dev/null' });
    const pool = occupyThreadpool();
    const request = track(transport.request(DESCRIBE_NSM));
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(request.settled, false, 'the ioctl cannot have run while every threadpool thread is busy');
    await pool.release();
    assertCode('PRV_ERR_NSM_NOT_A_DEVICE')(await request.outcome);
    await transport.close();
  });

  test('aborting an in-flight ioctl rejects at once; close() waits for that ioctl before closing the descriptor', async () => {
    const real = loadNativeNsmBinding();
    let closes = 0;
    let ioctls = 0;
    const watching: NativeNsmBinding = {
      ...real,
      close: (fd) => ((closes += 1), real.close(fd)),
      request: (fd, bytes) => ((ioctls += 1), real.request(fd, bytes)),
    };
    const transport = DeviceNsmTransport.open({ devicePath: '/dev/null', binding: watching });
    const pool = occupyThreadpool();
    const controller = new AbortController();
    const inFlight = track(transport.request(DESCRIBE_NSM, { signal: controller.signal }));
    const queued = track(transport.request(DESCRIBE_NSM));
    await until(() => ioctls === 1); // the first request is now queued on the (blocked) threadpool
    controller.abort(new Error('caller gave up'));
    assertCode('PRV_ERR_NSM_TIMEOUT', /aborted/)(await inFlight.outcome);
    const closing = track(transport.close());
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.equal(closing.settled, false, 'close must not release the fd under a running ioctl');
    assert.equal(closes, 0);
    await pool.release();
    assert.equal(await closing.outcome, undefined);
    assert.equal(closes, 1);
    assertCode('PRV_ERR_NSM_IO', /closed/)(await queued.outcome);
    assert.equal(ioctls, 1, 'the request queued behind the aborted one never reached the device');
  });
});
