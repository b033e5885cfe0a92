import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { isProvenantError, type ErrorCode } from '@provenant/protocol';
import {
  bytesSource,
  checkPcr0Signature,
  crc32,
  Crc32,
  decodeSignatureSection,
  encodeSignatureSection,
  measureEifInputs,
  readEif,
  writeEif,
  type EifBuildInput,
} from '@provenant/eif-build';
import { expectedPcr, makeTestSigner, sha384, tempDir } from './eif-fixtures.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const kernel = randomBytes(3 * 1024 * 1024 + 17); // spans several 1 MiB read chunks
const cmdline = 'reboot=k panic=30 pci=off nomodules console=ttyS0 random.trust_cpu=on';
const bootstrap = randomBytes(70_001);
const customer = randomBytes(1024 * 1024 + 5);
const metadata = { ImageName: 'test', ImageVersion: '1', BuildMetadata: { BuildTime: '1970-01-01T00:00:00+00:00' } };

function input(extra: Partial<EifBuildInput> = {}): EifBuildInput {
  return { kernel: bytesSource(kernel), cmdline, ramdisks: [bytesSource(bootstrap), bytesSource(customer)], arch: 'x86_64', metadata, ...extra };
}

/** Independent CRC: zlib's CRC-32 is the same ISO-HDLC polynomial; skip the 4 CRC bytes at 544. */
function independentCrc(file: Buffer): number {
  return zlib.crc32(file.subarray(548), zlib.crc32(file.subarray(0, 544)));
}

async function writeSample(name: string, extra: Partial<EifBuildInput> = {}): Promise<{ file: string; bytes: Buffer }> {
  const file = path.join(dir, name);
  await writeEif(file, input(extra));
  return { file, bytes: readFileSync(file) };
}

async function assertRejects(bytes: Buffer, code: ErrorCode, name: string): Promise<void> {
  const file = path.join(dir, `${name}.eif`);
  writeFileSync(file, bytes);
  await assert.rejects(readEif(file), (error: unknown) => {
    assert.ok(isProvenantError(error, code), `expected ${code}, got ${String(error)}`);
    return true;
  });
}

function withCrcFixed(bytes: Buffer): Buffer {
  bytes.writeUInt32BE(independentCrc(bytes), 544);
  return bytes;
}

test('CRC-32/ISO-HDLC gives the catalogue check value 0xCBF43926 for "123456789"', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array()), 0);
});

test('incremental CRC over split chunks equals zlib.crc32 over the whole buffer', () => {
  const data = randomBytes(100_003);
  const crc = new Crc32().update(data.subarray(0, 7)).update(data.subarray(7, 50_000)).update(data.subarray(50_000));
  assert.equal(crc.value, zlib.crc32(data));
});

test('writer and reader agree, and PCRs and CRC match an independent computation over the payloads', async () => {
  const { file, bytes } = await writeSample('plain.eif');
  const eif = await readEif(file);
  assert.equal(bytes.toString('latin1', 0, 4), '.eif');
  assert.equal(bytes.readUInt16BE(4), 4);
  assert.equal(bytes.readUInt32BE(544), independentCrc(bytes));
  assert.equal(eif.crc32, independentCrc(bytes));
  const cmd = Buffer.from(cmdline);
  assert.equal(eif.pcrs.PCR0, expectedPcr(kernel, cmd, bootstrap, customer));
  assert.equal(eif.pcrs.PCR1, expectedPcr(kernel, cmd, bootstrap));
  assert.equal(eif.pcrs.PCR2, expectedPcr(customer));
  assert.equal(eif.pcrs.PCR8, undefined);
  assert.equal(eif.cmdline, cmdline);
  assert.deepEqual(eif.metadata, metadata);
  assert.equal(eif.fileSha384, sha384(bytes).toString('hex'));
  assert.deepEqual(
    eif.sections.map((s) => s.kind),
    ['kernel', 'cmdline', 'metadata', 'ramdisk', 'ramdisk'],
  );
  // nitro-cli's layout: contiguous sections, kernel right after the 548-byte header.
  assert.equal(eif.sections[0]?.offset, 548);
  assert.equal(eif.sections[1]?.offset, 548 + 12 + kernel.length);
  const measured = await measureEifInputs({ kernel: bytesSource(kernel), cmdline, ramdisks: [bytesSource(bootstrap), bytesSource(customer)] });
  assert.deepEqual(measured.pcrs, eif.pcrs);
});

test('the arm64 flag, default memory and CPU count round-trip through the header', async () => {
  const { file } = await writeSample('arm.eif', { arch: 'aarch64', defaultMemBytes: 2048 * 1024 * 1024, defaultCpus: 4 });
  const eif = await readEif(file);
  assert.equal(eif.arch, 'aarch64');
  assert.equal(eif.header.flags, 1);
  assert.equal(eif.header.defaultMemBytes, 2048 * 1024 * 1024);
  assert.equal(eif.header.defaultCpus, 4);
});

test('a signed EIF has PCR8 = SHA384(0^48 || SHA384(certificate DER)) and a valid PCR0 signature', async () => {
  const signer = makeTestSigner();
  const { file } = await writeSample('signed.eif', { signing: { certificatePem: signer.certificatePem, privateKey: signer.privateKey } });
  const eif = await readEif(file);
  assert.equal(eif.pcrs.PCR8, expectedPcr(signer.certificateDer));
  assert.equal(eif.pcrs.PCR0, expectedPcr(kernel, Buffer.from(cmdline), bootstrap, customer), 'signing does not change PCR0');
  assert.equal(eif.signature?.pcr0SignatureValid, true);
  assert.equal(eif.sections.at(-1)?.kind, 'signature');
  const measured = await measureEifInputs({
    kernel: bytesSource(kernel),
    cmdline,
    ramdisks: [bytesSource(bootstrap), bytesSource(customer)],
    signingCertificatePem: signer.certificatePem,
  });
  assert.deepEqual(measured.pcrs, eif.pcrs);
});

test("a signature made with a key other than the certificate's, or over another PCR0, is reported invalid", () => {
  const signer = makeTestSigner();
  const other = makeTestSigner('other');
  const pcr0 = randomBytes(48);
  const [forged] = decodeSignatureSection(encodeSignatureSection(signer.certificatePem, other.privateKey, pcr0));
  assert.ok(forged);
  assert.equal(checkPcr0Signature(forged, pcr0), false);
  const [good] = decodeSignatureSection(encodeSignatureSection(signer.certificatePem, signer.privateKey, pcr0));
  assert.ok(good);
  assert.equal(checkPcr0Signature(good, pcr0), true);
  assert.equal(checkPcr0Signature(good, randomBytes(48)), false);
});

test('rejects a file whose magic is not .eif', async () => {
  const { bytes } = await writeSample('magic.eif');
  bytes.write('.elf', 0, 'latin1');
  await assertRejects(bytes, 'PRV_ERR_EIF_BAD_MAGIC', 'bad-magic');
});

test('rejects a file whose CRC does not match (one flipped payload bit)', async () => {
  const { bytes } = await writeSample('crc.eif');
  bytes[bytes.length - 10] = (bytes[bytes.length - 10] as number) ^ 0x01;
  await assertRejects(bytes, 'PRV_ERR_EIF_BAD_CRC', 'bad-crc');
});

test('rejects overlapping sections even when the CRC is recomputed', async () => {
  const { bytes } = await writeSample('overlap.eif');
  const offset1 = Number(bytes.readBigUInt64BE(28 + 8));
  bytes.writeBigUInt64BE(BigInt(offset1 - 100), 28 + 8);
  await assertRejects(withCrcFixed(bytes), 'PRV_ERR_EIF_SECTION_OVERLAP', 'overlap');
});

test('rejects a section whose size cannot fit in the file', async () => {
  const { bytes } = await writeSample('range.eif');
  bytes.writeBigUInt64BE(BigInt(bytes.length * 2), 284 + 8 * 4);
  await assertRejects(withCrcFixed(bytes), 'PRV_ERR_EIF_SECTION_OUT_OF_RANGE', 'out-of-range');
});

test('rejects an absurd (2^63) section size before using it', async () => {
  const { bytes } = await writeSample('absurd.eif');
  bytes.writeBigUInt64BE(1n << 63n, 284);
  await assertRejects(withCrcFixed(bytes), 'PRV_ERR_EIF_LIMIT_EXCEEDED', 'absurd');
});

test('rejects a truncated file and a file shorter than the header', async () => {
  const { bytes } = await writeSample('trunc.eif');
  await assertRejects(bytes.subarray(0, bytes.length - 1000), 'PRV_ERR_EIF_TRUNCATED', 'truncated');
  await assertRejects(bytes.subarray(0, 300), 'PRV_ERR_EIF_TRUNCATED', 'tiny');
});

test('rejects trailing bytes after the last section and a gap between sections', async () => {
  const { bytes } = await writeSample('trail.eif');
  await assertRejects(withCrcFixed(Buffer.concat([bytes, Buffer.alloc(16)])), 'PRV_ERR_EIF_SECTION_INVALID', 'trailing');
  const gap = Buffer.from(bytes);
  gap.writeBigUInt64BE(gap.readBigUInt64BE(28 + 8) + 4n, 28 + 8);
  await assertRejects(withCrcFixed(gap), 'PRV_ERR_EIF_SECTION_INVALID', 'gap');
});

test('rejects an unknown section type, a section header that disagrees with the table, and version 3', async () => {
  const { bytes, file } = await writeSample('types.eif');
  const eif = await readEif(file);
  const metadataAt = eif.sections[2]?.offset as number;
  const unknown = Buffer.from(bytes);
  unknown.writeUInt16BE(9, metadataAt);
  await assertRejects(withCrcFixed(unknown), 'PRV_ERR_EIF_SECTION_INVALID', 'unknown-type');
  const mismatch = Buffer.from(bytes);
  mismatch.writeBigUInt64BE(mismatch.readBigUInt64BE(metadataAt + 4) - 1n, metadataAt + 4);
  await assertRejects(withCrcFixed(mismatch), 'PRV_ERR_EIF_SECTION_INVALID', 'size-mismatch');
  const v3 = Buffer.from(bytes);
  v3.writeUInt16BE(3, 4);
  await assertRejects(withCrcFixed(v3), 'PRV_ERR_EIF_UNSUPPORTED', 'v3');
});

test('rejects a signature section that is not the CBOR nitro-cli writes', async () => {
  const signer = makeTestSigner();
  const { bytes, file } = await writeSample('badsig.eif', { signing: { certificatePem: signer.certificatePem, privateKey: signer.privateKey } });
  const eif = await readEif(file);
  const sig = eif.sections.at(-1);
  assert.ok(sig);
  bytes.fill(0xff, sig.offset + 12, sig.offset + 12 + sig.sizeBytes);
  await assertRejects(withCrcFixed(bytes), 'PRV_ERR_EIF_BAD_SIGNATURE_SECTION', 'bad-sig');
});

test('missing input files give PRV_ERR_EIF_IO', async () => {
  await assert.rejects(readEif(path.join(dir, 'does-not-exist.eif')), (e: unknown) => isProvenantError(e, 'PRV_ERR_EIF_IO'));
});
