import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMeasurements, isProvenantError, measurementPcrPins, parseMeasurements } from '@provenant/protocol';

const pcr = (byte: string) => byte.repeat(48);
const valid = {
  format: 'provenant-measurements/1',
  hashAlgorithm: 'SHA384',
  pcrs: { PCR0: pcr('0a'), PCR1: pcr('1b'), PCR2: pcr('2c'), PCR8: pcr('8d') },
  arch: 'x86_64',
  eif: { sha384: pcr('ee'), sizeBytes: 1234 },
  image: { reference: 'provenant/enclave:1', digest: `sha256:${'f0'.repeat(32)}` },
  buildInputs: { 'nitro-cli': '1.4.2', 'kernel.sha384': pcr('99') },
};

function rejects(value: unknown, why: string): void {
  assert.throws(() => parseMeasurements(JSON.stringify(value)), (e: unknown) => isProvenantError(e, 'PRV_ERR_EIF_MEASUREMENTS_MALFORMED'), why);
}

test('parses a complete measurements.json and pins PCR 0, 1, 2 and 8 as 48-byte values', () => {
  const parsed = parseMeasurements(JSON.stringify(valid));
  assert.deepEqual(parsed, valid);
  const pins = measurementPcrPins(parsed);
  assert.deepEqual([...pins.keys()], [0, 1, 2, 8]);
  assert.deepEqual(pins.get(8), new Uint8Array(48).fill(0x8d));
});

test('formatMeasurements output parses back to the same value', () => {
  assert.deepEqual(parseMeasurements(formatMeasurements(parseMeasurements(JSON.stringify(valid)))), valid);
});

test('rejects unknown fields at every level, so a typo never silently unpins a PCR', () => {
  rejects({ ...valid, extra: 1 }, 'root');
  rejects({ ...valid, pcrs: { ...valid.pcrs, PCR3: pcr('33') } }, 'pcrs');
  rejects({ ...valid, pcrs: { ...valid.pcrs, pcr0: pcr('33') } }, 'lowercase key');
  rejects({ ...valid, eif: { ...valid.eif, crc: 1 } }, 'eif');
  rejects({ ...valid, image: { ...valid.image, tag: 'x' } }, 'image');
});

test('rejects missing PCRs, uppercase or short hex, a wrong format tag and bad JSON', () => {
  rejects({ ...valid, pcrs: { PCR0: pcr('00'), PCR1: pcr('11') } }, 'missing PCR2');
  rejects({ ...valid, pcrs: { ...valid.pcrs, PCR0: pcr('AA') } }, 'uppercase');
  rejects({ ...valid, pcrs: { ...valid.pcrs, PCR1: 'ab' } }, 'short');
  rejects({ ...valid, format: 'provenant-measurements/2' }, 'format');
  rejects({ ...valid, hashAlgorithm: 'SHA256' }, 'algorithm');
  rejects({ ...valid, image: { digest: 'sha256:xyz' } }, 'digest');
  rejects({ ...valid, eif: { sha384: pcr('ee'), sizeBytes: -1 } }, 'size');
  assert.throws(() => parseMeasurements('{'), (e: unknown) => isProvenantError(e, 'PRV_ERR_EIF_MEASUREMENTS_MALFORMED'));
  assert.throws(() => parseMeasurements(' '.repeat(70_000)), (e: unknown) => isProvenantError(e, 'PRV_ERR_EIF_MEASUREMENTS_MALFORMED'));
});
