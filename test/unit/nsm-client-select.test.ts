import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProvenantError } from '@provenant/protocol';
import {
  DeviceNsmTransport,
  NSM_IOCTL_RAW,
  MockNsmAuthority,
  MockNsmTransport,
  NsmClient,
  selectNsmTransport,
  type NativeNsmBinding,
  type SelectNsmOptions,
} from '@provenant/enclave';

const mockOptions = { authority: MockNsmAuthority.createEphemeral(), imageMeasurement: Uint8Array.of(1) };

/** A native binding stand-in whose open fails the way open(2) does outside an enclave. */
const NO_DEVICE_BINDING: NativeNsmBinding = {
  open() {
    throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT', errno: -2, syscall: 'open' });
  },
  close() {},
  async request() {
    throw new Error('unreachable');
  },
  ioctlRaw: NSM_IOCTL_RAW,
  rawStructBytes: 32,
  maxRequestBytes: 4096,
  maxResponseBytes: 12288,
};

test('the mock backend without allowMock: true is PRV_ERR_NSM_MOCK_REFUSED', () => {
  for (const allowMock of [undefined, false, 'true' as unknown as boolean, 1 as unknown as boolean]) {
    assert.throws(
      () => selectNsmTransport({ backend: 'mock', mock: mockOptions, ...(allowMock === undefined ? {} : { allowMock }) }),
      (error) => isProvenantError(error, 'PRV_ERR_NSM_MOCK_REFUSED'),
      String(allowMock),
    );
  }
});

test('the mock backend with the explicit opt-in gives a working MockNsmTransport', async () => {
  const transport = selectNsmTransport({ backend: 'mock', allowMock: true, mock: mockOptions });
  assert.ok(transport instanceof MockNsmTransport);
  assert.equal((await new NsmClient(transport).getRandom()).length, 256);
});

test('a device that cannot be opened is an error, never a silent fallback to the mock', () => {
  const options: SelectNsmOptions = { backend: 'device', allowMock: true, device: { binding: NO_DEVICE_BINDING } };
  assert.throws(() => selectNsmTransport(options), (error) => isProvenantError(error, 'PRV_ERR_NSM_NO_DEVICE'));
});

test('the device backend opens the configured device through the native binding', async () => {
  let opened = '';
  const binding: NativeNsmBinding = { ...NO_DEVICE_BINDING, open: (devicePath) => ((opened = devicePath), 7) };
  const transport = selectNsmTransport({ backend: 'device', device: { binding, devicePath: '/dev/nsm-test' } });
  assert.ok(transport instanceof DeviceNsmTransport);
  assert.equal(opened, '/dev/nsm-test');
  await transport.close();
});

test('rejects an unknown backend, unknown options and mock options given to the device backend', () => {
  const invalid = (error: unknown) => isProvenantError(error, 'PRV_ERR_INVALID_ARGUMENT');
  assert.throws(() => selectNsmTransport({ backend: 'qemu' as 'device' }), invalid);
  assert.throws(() => selectNsmTransport({ backend: 'device', fallback: 'mock' } as unknown as SelectNsmOptions), invalid);
  assert.throws(() => selectNsmTransport({ backend: 'device', mock: mockOptions }), invalid);
  assert.throws(() => selectNsmTransport({ backend: 'mock', allowMock: true }), invalid);
  assert.throws(() => selectNsmTransport(null as unknown as SelectNsmOptions), invalid);
});
