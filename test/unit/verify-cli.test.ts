import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeAttestationDocument } from '@provenant/verifier';
import { REPO_ROOT, vectorPath } from '../support/paths.js';
import { nitroDocument, nitroVector } from '../support/nitro-vectors.js';

const CLI = path.join(REPO_ROOT, 'cli', 'bin', 'provenant.js');
const VALID = nitroVector('nitro-2022-10-evervault.cbor');
const AT = new Date(VALID.timestamp_ms + 60_000).toISOString();

function provenant(args: string[], input?: string | Uint8Array) {
  const result = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('verify attestation prints every check and the decoded document, exiting 0 for a valid document', () => {
  const { status, stdout } = provenant([
    'verify', 'attestation', vectorPath('nitro', VALID.file), '--at', AT, '--pcr', `0=${VALID.pcrs['0']}`, '--pcr', `8=${VALID.pcrs['8']}`,
  ]);
  assert.equal(status, 0, stdout);
  assert.match(stdout, new RegExp(`module id +${VALID.module_id}`));
  assert.match(stdout, new RegExp(` 4  ${VALID.pcrs['4']}`));
  for (const id of ['cose.structure', 'cose.alg', 'payload.fields', 'chain.root', 'chain.path', 'chain.validity', 'cose.signature', 'pcr0.debug', 'pcrs.expected']) {
    assert.match(stdout, new RegExp(`PASS +${id.replace('.', '\\.')} `), id);
  }
  assert.match(stdout, /result: VALID/);
});

test('verify attestation --json prints the report and exits 1 when the leaf has expired', () => {
  const { status, stdout } = provenant(['verify', 'attestation', vectorPath('nitro', VALID.file), '--json']);
  assert.equal(status, 1);
  const report = JSON.parse(stdout);
  assert.equal(report.ok, false);
  assert.equal(report.document.moduleId, VALID.module_id);
  const validity = report.checks.find((check: { id: string }) => check.id === 'chain.validity');
  assert.equal(validity.code, 'PRV_ERR_ATT_CERT_EXPIRED');
});

test('verify attestation reads base64 and hex from stdin', () => {
  const bytes = Buffer.from(nitroDocument(VALID.file));
  for (const text of [bytes.toString('base64'), `${bytes.toString('hex')}\n`, bytes.toString('base64').replace(/.{76}/g, '$&\n')]) {
    const { status, stdout } = provenant(['verify', 'attestation', '-', '--at', AT, '--json'], text);
    assert.equal(status, 0, stdout);
    assert.equal(JSON.parse(stdout).ok, true);
  }
});

test('verify attestation reports the invalid vector as a signature failure with exit 1', () => {
  const bad = nitroVector('nitro-2024-07-bad-signature.cbor');
  const { status, stdout } = provenant([
    'verify', 'attestation', vectorPath('nitro', bad.file), '--at', new Date(bad.timestamp_ms).toISOString(), '--allow-debug',
  ]);
  assert.equal(status, 1);
  assert.match(stdout, /FAIL +cose\.signature .*\[PRV_ERR_ATT_SIGNATURE\]/);
  assert.match(stdout, /result: INVALID \(1 of 9/);
});

test('verify attestation refuses a debug-mode document unless --allow-debug', () => {
  const debug = nitroVector('nitro-2022-10-evervault-debug.cbor');
  const args = ['verify', 'attestation', vectorPath('nitro', debug.file), '--at', new Date(debug.timestamp_ms).toISOString()];
  const refused = provenant(args);
  assert.equal(refused.status, 1);
  assert.match(refused.stdout, /FAIL +pcr0\.debug .*\[PRV_ERR_ATT_DEBUG_MODE\]/);
  assert.equal(provenant([...args, '--allow-debug']).status, 0);
});

test('verify attestation --root pins the given PEM or DER root', () => {
  const file = vectorPath('nitro', VALID.file);
  const pem = provenant(['verify', 'attestation', file, '--at', AT, '--root', vectorPath('nitro', 'aws-nitro-enclaves-root-g1.pem')]);
  assert.equal(pem.status, 0, pem.stdout);

  const dir = mkdtempSync(path.join(tmpdir(), 'provenant-root-'));
  try {
    const otherRoot = path.join(dir, 'regional.der');
    writeFileSync(otherRoot, decodeAttestationDocument(nitroDocument(VALID.file)).payload.cabundle[1] as Uint8Array);
    const other = provenant(['verify', 'attestation', file, '--at', AT, '--root', otherRoot]);
    assert.equal(other.status, 1);
    assert.match(other.stdout, /FAIL +chain\.root .*\[PRV_ERR_ATT_ROOT_MISMATCH\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('verify attestation exits 2 on usage errors', () => {
  const file = vectorPath('nitro', VALID.file);
  for (const args of [
    [],
    [file, file],
    [file, '--pcr', '0=zz'],
    [file, '--pcr', `0=${'ab'.repeat(47)}`],
    [file, '--at', 'yesterday'],
    [file, '--unknown'],
    [file, '--root', vectorPath('nitro', 'manifest.json')],
    [vectorPath('nitro', 'missing.cbor')],
  ]) {
    const { status, stderr } = provenant(['verify', 'attestation', ...args]);
    assert.equal(status, 2, args.join(' '));
    assert.match(stderr, /usage: provenant verify attestation/);
  }
  assert.equal(provenant(['verify', 'nothing']).status, 2);
});
