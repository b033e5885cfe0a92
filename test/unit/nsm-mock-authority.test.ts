import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  BasicConstraints,
  Certificate,
  KeyUsage,
  KeyUsageFlags,
  id_ce_basicConstraints,
  id_ce_keyUsage,
} from '@peculiar/asn1-x509';
import { isProvenantError } from '@provenant/protocol';
import {
  MOCK_INTERMEDIATE_VALIDITY_MS,
  MOCK_LEAF_VALIDITY_MS,
  MOCK_ROOT_COMMON_NAME,
  MockNsmAuthority,
} from '@provenant/enclave';

const ECDSA_WITH_SHA384 = '1.2.840.10045.4.3.3';
const ID_EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const SECP384R1_PARAMS = '06052b81040022';
const START_MS = Date.UTC(2026, 2, 1, 8, 30, 0);

async function withTempDir(run: (dir: string) => Promise<void>): Promise<void> {
  const parent = await mkdtemp(path.join(tmpdir(), 'provenant-mock-nsm-'));
  try {
    await run(path.join(parent, 'mock-nsm'));
  } finally {
    await rm(parent, { recursive: true, force: true });
  }
}

function parse(der: Uint8Array) {
  const certificate = AsnConvert.parse(der, Certificate);
  const tbs = certificate.tbsCertificate;
  const extension = (id: string) => tbs.extensions?.find((e) => e.extnID === id);
  const basic = extension(id_ce_basicConstraints);
  const usage = extension(id_ce_keyUsage);
  assert.ok(basic && usage, 'basicConstraints and keyUsage present');
  const cn = tbs.subject.flatMap((rdn) => [...rdn]).find((a) => a.type === '2.5.4.3')?.value.toString() ?? '';
  return {
    certificate,
    cn,
    basic: AsnConvert.parse(basic.extnValue, BasicConstraints),
    basicCritical: basic.critical,
    usage: AsnConvert.parse(usage.extnValue, KeyUsage).toNumber(),
    usageCritical: usage.critical,
    validityMs: tbs.validity.notAfter.getTime().getTime() - tbs.validity.notBefore.getTime().getTime(),
  };
}

test('the chain is root -> regional -> zonal -> instance -> leaf, P-384 / ecdsa-with-SHA384, with AWS\'s extensions', () => {
  const authority = MockNsmAuthority.createEphemeral({ now: () => START_MS });
  const leafDer = authority.issueLeaf(`${authority.instanceId}-enc0123456789abcdef`).certificate;
  const [root, regional, zonal, instance, leaf] = [...authority.cabundle(), leafDer].map(parse);
  assert.ok(root && regional && zonal && instance && leaf);
  for (const cert of [root, regional, zonal, instance, leaf]) {
    assert.equal(cert.certificate.signatureAlgorithm.algorithm, ECDSA_WITH_SHA384);
    const spki = cert.certificate.tbsCertificate.subjectPublicKeyInfo.algorithm;
    assert.equal(spki.algorithm, ID_EC_PUBLIC_KEY);
    assert.equal(Buffer.from(spki.parameters as ArrayBuffer).toString('hex'), SECP384R1_PARAMS);
    assert.equal(cert.basicCritical, true);
    assert.match(cert.cn, /provenant-mock/, 'every name is marked mock');
  }
  assert.equal(root.cn, MOCK_ROOT_COMMON_NAME);
  assert.deepEqual([root, regional, zonal, instance].map((c) => c.basic.cA), [true, true, true, true]);
  assert.deepEqual([root, regional, zonal, instance].map((c) => c.basic.pathLenConstraint), [undefined, 2, 1, 0]);
  for (const ca of [root, regional, zonal, instance]) {
    assert.ok(ca.usage & KeyUsageFlags.keyCertSign, 'CAs may sign certificates');
    assert.equal(ca.usageCritical, true);
  }
  for (const ca of [root, regional, zonal]) assert.ok(ca.usage & KeyUsageFlags.cRLSign);
  assert.equal(leaf.basic.cA, false);
  assert.equal(leaf.usage, KeyUsageFlags.digitalSignature | KeyUsageFlags.nonRepudiation);
  assert.equal(leaf.usageCritical, false, 'as on hardware leaves');
  assert.equal(leaf.validityMs, MOCK_LEAF_VALIDITY_MS);
  assert.match(leaf.cn, new RegExp(`^${authority.instanceId}-enc0123456789abcdef\\.`));
  assert.match(instance.cn, new RegExp(`^${authority.instanceId}\\.`));
});

test('each certificate names its issuer\'s subject', () => {
  const authority = MockNsmAuthority.createEphemeral();
  const chain = [...authority.cabundle(), authority.issueLeaf(`${authority.instanceId}-enc0123456789abcdef`).certificate]
    .map((der) => AsnConvert.parse(der, Certificate).tbsCertificate);
  for (let i = 1; i < chain.length; i += 1) {
    assert.deepEqual(AsnConvert.serialize((chain[i] as (typeof chain)[number]).issuer),
      AsnConvert.serialize((chain[i - 1] as (typeof chain)[number]).subject));
  }
});

test('loadOrCreate persists the PKI as PEM (keys 0600) and reloads the same root and intermediates', async () => {
  await withTempDir(async (dir) => {
    const first = await MockNsmAuthority.loadOrCreate(dir, { now: () => START_MS });
    const files = (await readdir(dir)).sort();
    assert.deepEqual(files, ['instance', 'regional', 'root', 'zonal'].flatMap((r) => [`${r}.cert.pem`, `${r}.key.pem`]));
    assert.equal((await stat(path.join(dir, 'root.key.pem'))).mode & 0o777, 0o600);
    assert.equal(await readFile(path.join(dir, 'root.cert.pem'), 'utf8'), first.rootCertificatePem);
    const second = await MockNsmAuthority.loadOrCreate(dir, { now: () => START_MS + 86_400_000 });
    assert.deepEqual(second.rootCertificateDer, first.rootCertificateDer);
    assert.deepEqual(second.cabundle(), first.cabundle());
    assert.equal(second.instanceId, first.instanceId);
    assert.equal(second.directory, path.resolve(dir));
  });
});

test('loadOrCreate re-issues expiring intermediates under the same root', async () => {
  await withTempDir(async (dir) => {
    const first = await MockNsmAuthority.loadOrCreate(dir, { now: () => START_MS });
    const later = START_MS + MOCK_INTERMEDIATE_VALIDITY_MS - 86_400_000;
    const second = await MockNsmAuthority.loadOrCreate(dir, { now: () => later });
    assert.deepEqual(second.rootCertificateDer, first.rootCertificateDer);
    const [, ...oldIntermediates] = first.cabundle();
    const [, ...newIntermediates] = second.cabundle();
    for (let i = 0; i < 3; i += 1) assert.notDeepEqual(newIntermediates[i], oldIntermediates[i]);
    const third = await MockNsmAuthority.loadOrCreate(dir, { now: () => later });
    assert.deepEqual(third.cabundle(), second.cabundle(), 'the re-issued set was persisted');
  });
});

test('loadOrCreate replaces a damaged intermediate but refuses a damaged root', async () => {
  await withTempDir(async (dir) => {
    const first = await MockNsmAuthority.loadOrCreate(dir, { now: () => START_MS });
    await writeFile(path.join(dir, 'zonal.cert.pem'), 'not a certificate');
    const repaired = await MockNsmAuthority.loadOrCreate(dir, { now: () => START_MS });
    assert.deepEqual(repaired.rootCertificateDer, first.rootCertificateDer);
    assert.notDeepEqual(repaired.cabundle()[2], first.cabundle()[2]);
    await writeFile(path.join(dir, 'root.cert.pem'), (await readFile(path.join(dir, 'regional.cert.pem'))));
    await assert.rejects(MockNsmAuthority.loadOrCreate(dir), (e) => isProvenantError(e, 'PRV_ERR_NSM_MOCK_STATE_INVALID'));
    await rm(path.join(dir, 'root.cert.pem'));
    await assert.rejects(MockNsmAuthority.loadOrCreate(dir), (e) => isProvenantError(e, 'PRV_ERR_NSM_MOCK_STATE_INVALID'));
    await writeFile(path.join(dir, 'root.cert.pem'), new Uint8Array(64 * 1024));
    await assert.rejects(MockNsmAuthority.loadOrCreate(dir), (e) => isProvenantError(e, 'PRV_ERR_NSM_MOCK_STATE_INVALID'));
  });
});

test('refuses a persisted root that has expired', async () => {
  await withTempDir(async (dir) => {
    await MockNsmAuthority.loadOrCreate(dir, { now: () => START_MS });
    const farFuture = START_MS + 31 * 365 * 86_400_000;
    await assert.rejects(MockNsmAuthority.loadOrCreate(dir, { now: () => farFuture }), (e) => isProvenantError(e, 'PRV_ERR_NSM_MOCK_STATE_INVALID'));
  });
});

test('concurrent first use of one directory ends with a single shared root', async () => {
  await withTempDir(async (dir) => {
    const authorities = await Promise.all([1, 2, 3].map(() => MockNsmAuthority.loadOrCreate(dir)));
    const reloaded = await MockNsmAuthority.loadOrCreate(dir);
    for (const authority of authorities) assert.deepEqual(authority.rootCertificateDer, reloaded.rootCertificateDer);
    assert.equal((await readdir(path.dirname(dir))).length, 1, 'no staging directory left behind');
  });
});

test('rejects bad options with PRV_ERR_INVALID_ARGUMENT', async () => {
  await assert.rejects(MockNsmAuthority.loadOrCreate(''), (e) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT'));
  assert.throws(() => MockNsmAuthority.createEphemeral({ now: 5 as unknown as () => number }), (e) => isProvenantError(e, 'PRV_ERR_INVALID_ARGUMENT'));
});
