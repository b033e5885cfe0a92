import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { isProvenantError, type ErrorCode } from '@provenant/protocol';
import { bootstrapRamdisk, rootfsRamdisk, scanTar, type ByteSource, type ImageRunConfig } from '@provenant/eif-build';
import { makeTar, parseCpio, tempDir, writeTemp, type TarSpec } from './eif-fixtures.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));
const run: ImageRunConfig = { cmd: ['node', '/opt/provenant/cli/bin/provenant.js', 'enclave'], env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'NODE_ENV=production'] };
const longName = `opt/${'deep/'.repeat(30)}model.onnx`;
const rootfsEntries: TarSpec[] = [
  { name: './', type: '5', mode: 0o755 },
  { name: 'bin/', type: '5', mode: 0o755 },
  { name: 'bin/sh', content: '#!fake shell\n', mode: 0o755 },
  { name: 'bin/ash', type: '1', link: 'bin/sh' },
  { name: 'usr/bin/env', type: '2', link: '../../bin/sh' },
  { name: 'tmp/', type: '5', mode: 0o1777 },
  { name: 'etc/passwd', content: 'root:x:0:0::/root:/bin/sh\n', mode: 0o644, uid: 0 },
  { name: 'dev/null', type: '3', mode: 0o666 },
  { name: 'run/fifo', type: '6', mode: 0o600 },
  { name: 'usr/local/bin/big', content: Buffer.alloc(1024 * 1024 + 3, 7), mode: 0o700 },
  { name: longName, content: 'weights', mode: 0o444 },
];

async function collect(source: ByteSource): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source.chunks()) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  assert.equal(bytes.length, source.sizeBytes, 'declared size equals streamed size');
  return bytes;
}

async function ramdiskOf(name: string, entries: readonly TarSpec[], config = run): Promise<Buffer> {
  return collect(await rootfsRamdisk(writeTemp(dir, name, makeTar(entries)), config));
}

async function assertTarRejects(name: string, tar: Buffer, code: ErrorCode): Promise<void> {
  await assert.rejects(rootfsRamdisk(writeTemp(dir, name, tar), run), (e: unknown) => {
    assert.ok(isProvenantError(e, code), `expected ${code}, got ${String(e)}`);
    return true;
  });
}

test('the customer ramdisk is byte-identical across runs and across tar entry orderings', async () => {
  const first = await ramdiskOf('a.tar', rootfsEntries);
  const again = await ramdiskOf('a2.tar', rootfsEntries);
  // Reversed order (the hard link must still follow its target, as in any real tar).
  const reordered = [...rootfsEntries].reverse().filter((e) => e.name !== 'bin/sh');
  reordered.splice(reordered.findIndex((e) => e.name === 'bin/ash'), 0, rootfsEntries[2] as TarSpec);
  const shuffled = await ramdiskOf('b.tar', reordered);
  assert.ok(first.equals(again));
  assert.ok(first.equals(shuffled));
  // Different owners and mtimes in the tar change nothing either.
  const restamped = await ramdiskOf('c.tar', rootfsEntries.map((e) => ({ ...e, uid: 4242, mtime: 12345 })));
  assert.ok(first.equals(restamped));
});

test('the ramdisk holds sorted rootfs/ entries owned by 0:0 at mtime 0, plus /cmd and /env, then the trailer padded to 512', async () => {
  const bytes = await ramdiskOf('layout.tar', rootfsEntries);
  const { entries, endOfTrailer } = parseCpio(bytes);
  const names = entries.map((e) => e.name);
  assert.deepEqual(names, [...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
  assert.equal(names[0], 'cmd');
  assert.equal(names[1], 'env');
  assert.equal(names[2], 'rootfs');
  for (const dirName of ['dev', 'run', 'sys', 'var', 'proc', 'tmp']) assert.ok(names.includes(`rootfs/${dirName}`), dirName);
  for (const e of entries) {
    assert.equal(e.uid, 0);
    assert.equal(e.gid, 0);
    assert.equal(e.mtime, 0);
  }
  assert.deepEqual(entries.map((e) => e.ino), entries.map((_, i) => 721 + i), 'inodes count up from 721 as gocpio does');
  assert.equal(bytes.length % 512, 0);
  assert.ok(bytes.subarray(endOfTrailer).every((b) => b === 0));
  const byName = new Map(entries.map((e) => [e.name, e]));
  const get = (name: string) => {
    const entry = byName.get(name);
    assert.ok(entry, name);
    return entry;
  };
  assert.equal(get('cmd').data.toString(), 'node\n/opt/provenant/cli/bin/provenant.js\nenclave\n');
  assert.equal(get('cmd').mode, 0o100644);
  assert.equal(get('env').data.toString(), 'PATH=/usr/local/bin:/usr/bin:/bin\nNODE_ENV=production\n');
  assert.equal(get('rootfs/tmp').mode, 0o040755, 'nitro-cli forces the init mount points to 0755');
  assert.equal(get('rootfs/tmp').nlink, 2);
  assert.equal(get('rootfs/bin/sh').mode, 0o100755);
  assert.equal(get('rootfs/bin/ash').data.toString(), '#!fake shell\n', 'hard links become copies');
  assert.equal(get('rootfs/usr/bin/env').mode, 0o120777);
  assert.equal(get('rootfs/usr/bin/env').data.toString(), '../../bin/sh');
  assert.equal(get('rootfs/usr').mode, 0o040755, 'missing parent directories are created');
  assert.equal(get('rootfs/dev/null').mode, 0o020666);
  assert.equal(get('rootfs/run/fifo').mode, 0o010600);
  assert.equal(get('rootfs/usr/local/bin/big').data.length, 1024 * 1024 + 3);
  assert.equal(get(`rootfs/${longName}`).data.toString(), 'weights', 'pax path records are honoured');
});

test('the bootstrap ramdisk has dev/, init and nsm.ko with nitro-cli modes', async () => {
  const bytes = await collect(bootstrapRamdisk(Buffer.from('INIT'), Buffer.from('NSM')));
  const { entries } = parseCpio(bytes);
  assert.deepEqual(
    entries.map((e) => [e.name, e.mode.toString(8), e.data.toString()]),
    [
      ['dev', '40755', ''],
      ['init', '100755', 'INIT'],
      ['nsm.ko', '100755', 'NSM'],
    ],
  );
});

test('scanTar indexes data offsets so contents can be read later', async () => {
  const tar = makeTar([{ name: 'a.txt', content: 'hello' }]);
  const entries = await scanTar(writeTemp(dir, 'scan.tar', tar));
  assert.equal(entries.length, 1);
  const [entry] = entries;
  assert.ok(entry);
  assert.equal(tar.toString('utf8', entry.dataOffset, entry.dataOffset + entry.sizeBytes), 'hello');
});

test('rejects a tar header with a bad checksum', async () => {
  const tar = makeTar([{ name: 'a', content: 'x' }]);
  tar[0] = 0x62; // 'b'
  await assertTarRejects('checksum.tar', tar, 'PRV_ERR_EIF_TAR_MALFORMED');
});

test('rejects paths with ".." components and duplicate entries', async () => {
  await assertTarRejects('dotdot.tar', makeTar([{ name: 'etc/../../escape', content: 'x' }]), 'PRV_ERR_EIF_TAR_MALFORMED');
  await assertTarRejects('dup.tar', makeTar([{ name: 'a', content: 'x' }, { name: './a', content: 'y' }]), 'PRV_ERR_EIF_TAR_MALFORMED');
});

test('rejects a truncated tar and one without an end-of-archive block', async () => {
  const tar = makeTar([{ name: 'a', content: Buffer.alloc(2000) }]);
  await assertTarRejects('short.tar', tar.subarray(0, 1024), 'PRV_ERR_EIF_TAR_MALFORMED');
  await assertTarRejects('noend.tar', tar.subarray(0, tar.length - 1024), 'PRV_ERR_EIF_TAR_MALFORMED');
});

test('rejects unsupported entry types and a non-directory where the init needs a directory', async () => {
  await assertTarRejects('sparse.tar', makeTar([{ name: 'a', type: 'S' }]), 'PRV_ERR_EIF_TAR_UNSUPPORTED');
  await assertTarRejects('procfile.tar', makeTar([{ name: 'proc', content: 'x' }]), 'PRV_ERR_EIF_TAR_UNSUPPORTED');
  await assertTarRejects('dangling.tar', makeTar([{ name: 'b', type: '1', link: 'missing' }]), 'PRV_ERR_EIF_TAR_MALFORMED');
});

test('rejects a cmd element with a newline, an empty cmd and an env line without "="', async () => {
  const tar = writeTemp(dir, 'ok.tar', makeTar([{ name: 'a', content: 'x' }]));
  for (const config of [
    { cmd: ['node', 'a\nb'], env: [] },
    { cmd: [], env: [] },
    { cmd: ['node'], env: ['NOVALUE'] },
  ]) {
    await assert.rejects(rootfsRamdisk(tar, config), (e: unknown) => isProvenantError(e, 'PRV_ERR_EIF_BAD_BUILD_INPUT'));
  }
});
