import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { measurementPcrPins, parseMeasurements } from '@provenant/protocol';
import { bootstrapRamdisk, readEif, runEifCommand } from '@provenant/eif-build';
import { expectedPcr, makeTar, makeTestSigner, tempDir, writeTemp } from './eif-fixtures.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const kernel = writeTemp(dir, 'bzImage', Buffer.alloc(200_000, 0x4b));
const init = writeTemp(dir, 'init', 'INIT-BINARY');
const nsm = writeTemp(dir, 'nsm.ko', 'NSM-MODULE');
const rootfs = writeTemp(dir, 'rootfs.tar', makeTar([{ name: 'app/main.js', content: 'console.log(1)\n' }]));
const inspect = writeTemp(dir, 'inspect.json', JSON.stringify([{ Id: 'sha256:x', Config: { Entrypoint: ['/bin/sh'], Cmd: ['node', '/app/main.js'], Env: ['A=1'] } }]));
const inputs = ['--kernel', kernel, '--cmdline', 'console=ttyS0', '--init', init, '--nsm-ko', nsm, '--rootfs', rootfs, '--image-inspect', inspect];

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const code = await runEifCommand(argv, { stdout, stderr });
  return { code, out: Buffer.concat(out).toString(), err: Buffer.concat(err).toString() };
}

test('build-from-rootfs writes an EIF whose PCRs equal `eif measure` on the same inputs and the reader\'s', async () => {
  const output = path.join(dir, 'app.eif');
  const measurementsOut = path.join(dir, 'measurements.json');
  const built = await run('build-from-rootfs', ...inputs, '--output', output, '--measurements-out', measurementsOut, '--image-digest', `sha256:${'ab'.repeat(32)}`);
  assert.equal(built.code, 0, built.err);
  const measured = await run('measure', ...inputs, '--json');
  assert.equal(measured.code, 0, measured.err);
  const fromBuild = parseMeasurements(readFileSync(measurementsOut, 'utf8'));
  const fromMeasure = parseMeasurements(measured.out);
  assert.deepEqual(fromMeasure.pcrs, fromBuild.pcrs);
  const eif = await readEif(output);
  assert.deepEqual(fromBuild.pcrs, eif.pcrs);
  assert.equal(fromBuild.eif?.sha384, eif.fileSha384);
  assert.equal(fromBuild.image?.digest, `sha256:${'ab'.repeat(32)}`);
  const bootstrap: Uint8Array[] = [];
  for await (const chunk of bootstrapRamdisk(readFileSync(init), readFileSync(nsm)).chunks()) bootstrap.push(chunk);
  assert.equal(eif.pcrs.PCR1, expectedPcr(readFileSync(kernel), Buffer.from('console=ttyS0'), ...bootstrap));
  assert.equal(measurementPcrPins(fromBuild).get(2)?.length, 48);
  // Rebuilding gives the same file bit for bit: BuildTime is pinned and the cpio is deterministic.
  const again = path.join(dir, 'app2.eif');
  assert.equal((await run('build-from-rootfs', ...inputs, '--output', again)).code, 0);
  assert.ok(readFileSync(output).equals(readFileSync(again)));
});

test('--bootstrap-from-eif reuses kernel, cmdline and bootstrap ramdisk, so PCR1 matches the source EIF', async () => {
  const source = path.join(dir, 'source.eif');
  assert.equal((await run('build-from-rootfs', ...inputs, '--output', source)).code, 0);
  const otherRootfs = writeTemp(dir, 'other.tar', makeTar([{ name: 'app/main.js', content: 'console.log(2)\n' }]));
  const measured = await run('measure', '--bootstrap-from-eif', source, '--rootfs', otherRootfs, '--cmd', '["node","/app/main.js"]', '--json');
  assert.equal(measured.code, 0, measured.err);
  const sourceEif = await readEif(source);
  const result = parseMeasurements(measured.out);
  assert.equal(result.pcrs.PCR1, sourceEif.pcrs.PCR1);
  assert.notEqual(result.pcrs.PCR2, sourceEif.pcrs.PCR2);
});

test('describe prints the PCRs as text and nitro-cli style JSON, and writes measurements.json', async () => {
  const signer = makeTestSigner();
  const cert = writeTemp(dir, 'cert.pem', signer.certificatePem);
  const key = writeTemp(dir, 'key.pem', signer.privateKeyPem);
  const output = path.join(dir, 'signed.eif');
  const built = await run('build-from-rootfs', ...inputs, '--output', output, '--signing-certificate', cert, '--private-key', key);
  assert.equal(built.code, 0, built.err);
  const eif = await readEif(output);
  const text = await run('describe', output);
  assert.equal(text.code, 0, text.err);
  assert.match(text.out, new RegExp(`PCR0  ${eif.pcrs.PCR0}`));
  assert.match(text.out, new RegExp(`PCR8  ${expectedPcr(signer.certificateDer)}`));
  const json = await run('describe', output, '--json', '--measurements-out', path.join(dir, 'm.json'), '--build-input', 'nitro-cli=1.4.2');
  const parsed = JSON.parse(json.out) as Record<string, unknown>;
  assert.equal(parsed.EifVersion, 4);
  assert.equal(parsed.IsSigned, true);
  assert.equal(parsed.SignatureCheck, true);
  assert.deepEqual(parsed.Measurements, { HashAlgorithm: 'Sha384 { ... }', ...eif.pcrs });
  const measurements = parseMeasurements(readFileSync(path.join(dir, 'm.json'), 'utf8'));
  assert.equal(measurements.pcrs.PCR8, eif.pcrs.PCR8);
  assert.equal(measurements.buildInputs?.['nitro-cli'], '1.4.2');
  const pcr8Only = await run('measure', ...inputs, '--signing-certificate', cert, '--json');
  assert.equal(parseMeasurements(pcr8Only.out).pcrs.PCR8, eif.pcrs.PCR8);
});

test('usage errors exit 2 and name the problem', async () => {
  for (const argv of [[], ['frobnicate'], ['describe'], ['describe', 'a.eif', '--bogus'], ['measure', '--kernel', kernel], ['build-from-rootfs', ...inputs]]) {
    const result = await run(...argv);
    assert.equal(result.code, 2, `${argv.join(' ')} -> ${result.err}`);
    assert.match(result.err, /usage:/);
  }
  const conflicting = await run('measure', ...inputs, '--cmd', '["x"]');
  assert.equal(conflicting.code, 2);
  assert.match(conflicting.err, /--image-inspect excludes --cmd/);
});

test('a corrupt EIF exits 1 with its stable error code', async () => {
  const bad = writeTemp(dir, 'bad.eif', Buffer.alloc(600));
  const result = await run('describe', bad);
  assert.equal(result.code, 1);
  assert.match(result.err, /PRV_ERR_EIF_BAD_MAGIC/);
});
