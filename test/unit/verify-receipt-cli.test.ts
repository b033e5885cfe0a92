import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeKserveInferRequest, encodeKserveInferResponse, toBase64, type ReceiptJson, type Tensor } from '@provenant/protocol';
import { REPO_ROOT } from '../support/paths.js';
import { INPUTS, MODEL_SHA256, OUTPUTS, ReceiptBench } from './receipt-verify-fixtures.js';

const CLI = path.join(REPO_ROOT, 'cli', 'bin', 'provenant.js');
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const NONCE = Uint8Array.of(0xde, 0xad, 0xbe, 0xef);

const bench = await ReceiptBench.boot();
const dir = mkdtempSync(path.join(tmpdir(), 'provenant-verify-receipt-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string | Uint8Array): string {
  const file = path.join(dir, name);
  writeFileSync(file, content);
  return file;
}

function responseBody(receipt: ReceiptJson, outputs: readonly Tensor[] = OUTPUTS): Uint8Array {
  return encodeKserveInferResponse({ modelName: 'iris', modelVersion: hex(MODEL_SHA256), outputs, receipt }).body;
}

const sessionReceipt = bench.sessionReceipt({ nonce: NONCE });
const files = {
  receipt: write('receipt.json', JSON.stringify(sessionReceipt)),
  response: write('response.json', responseBody(sessionReceipt)),
  request: write('request.json', encodeKserveInferRequest(INPUTS, { nonce: NONCE }).body),
  bootCbor: write('boot.cbor', bench.bootDocument),
  bootBase64: write('boot.b64', `${toBase64(bench.bootDocument)}\n`),
  attestationResponse: write('attestation.json', JSON.stringify({
    document: toBase64(bench.bootDocument),
    boot_document: toBase64(bench.bootDocument),
    session_key: toBase64(bench.session.publicKey),
    config: toBase64(new Uint8Array(8)),
  })),
  root: write('root.pem', bench.rootPem),
  measurements: write('measurements.json', JSON.stringify({
    format: 'provenant-measurements/1',
    hashAlgorithm: 'SHA384',
    pcrs: { PCR0: bench.pcrs[0], PCR1: bench.pcrs[1], PCR2: bench.pcrs[2], PCR8: bench.pcrs[8] },
  })),
  wrongMeasurements: write('wrong-measurements.json', JSON.stringify({
    format: 'provenant-measurements/1',
    hashAlgorithm: 'SHA384',
    pcrs: { PCR0: bench.pcrs[0], PCR1: 'ab'.repeat(48), PCR2: bench.pcrs[2] },
  })),
};

function provenant(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const pins = ['--root', files.root, '--measurements', files.measurements];

test('verify receipt passes a session receipt with its boot document, pinned measurements and model, printing every check', () => {
  const { status, stdout, stderr } = provenant(['verify', 'receipt', files.receipt, '--boot', files.bootCbor, ...pins, '--model-sha256', hex(MODEL_SHA256), '--nonce', hex(NONCE)]);
  assert.equal(status, 0, stdout + stderr);
  for (const id of ['receipt.parse', 'claims.decode', 'claims.mode', 'claims.key', 'boot.document', 'boot.public_key', 'session.signature', 'claims.ts', 'expected.model', 'expected.nonce']) {
    assert.match(stdout, new RegExp(`PASS +${id.replace('.', '\\.')} `), id);
  }
  assert.match(stdout, /\(session mode\)/);
  assert.match(stdout, new RegExp(`model +${hex(MODEL_SHA256)}`));
  assert.match(stdout, new RegExp(`PCR0 +${bench.pcrs[0]}`));
  assert.match(stdout, /result: VALID/);
});

test('verify receipt takes a whole inference response and recomputes inputs and outputs with --request', () => {
  const { status, stdout, stderr } = provenant(['verify', 'receipt', files.response, '--request', files.request, '--attestation-response', files.attestationResponse, ...pins, '--json']);
  assert.equal(status, 0, stdout + stderr);
  const report = JSON.parse(stdout);
  assert.equal(report.ok, true);
  const ids = report.checks.map((check: { id: string }) => check.id);
  for (const id of ['expected.input', 'expected.output', 'expected.nonce']) assert.ok(ids.includes(id), id);
  assert.equal(report.claims.nonce, hex(NONCE));
});

test('verify receipt pairs a bare receipt with --response and reads the boot document as base64', () => {
  const { status, stdout } = provenant(['verify', 'receipt', files.receipt, '--response', files.response, '--boot', files.bootBase64, ...pins, '--json']);
  assert.equal(status, 0, stdout);
  assert.ok(JSON.parse(stdout).checks.some((check: { id: string; ok: boolean }) => check.id === 'expected.output' && check.ok));
});

test('verify receipt exits 1 naming expected.output when an output in the response was altered', () => {
  const altered: Tensor[] = [OUTPUTS[0] as Tensor, { ...(OUTPUTS[1] as Tensor), data: new Uint8Array(new Float32Array([0.1, 0.8, 0.1]).buffer) }];
  const file = write('altered-response.json', responseBody(sessionReceipt, altered));
  const { status, stdout } = provenant(['verify', 'receipt', file, '--boot', files.bootCbor, ...pins]);
  assert.equal(status, 1);
  assert.match(stdout, /FAIL +expected\.output .*\[PRV_ERR_RECEIPT_OUTPUT_MISMATCH\]/);
  assert.match(stdout, /result: INVALID \(1 of 9/);
});

test('verify receipt of a session receipt without a boot document fails closed with exit 1', () => {
  const { status, stdout } = provenant(['verify', 'receipt', files.receipt, ...pins]);
  assert.equal(status, 1);
  assert.match(stdout, /FAIL +boot\.document .*\[PRV_ERR_RECEIPT_BOOT_DOCUMENT_MISSING\]/);
  assert.match(stdout, /SKIP +boot\.public_key/);
});

test('verify receipt rejects a mock receipt against the default AWS root and with measurements of another image', () => {
  const aws = provenant(['verify', 'receipt', files.receipt, '--boot', files.bootCbor, '--json']);
  assert.equal(aws.status, 1);
  const report = JSON.parse(aws.stdout);
  assert.equal(report.checks.find((check: { id: string }) => check.id === 'boot.document').code, 'PRV_ERR_ATT_ROOT_MISMATCH');
  assert.match(report.warnings.join(' '), /no PCRs pinned/);
  const other = provenant(['verify', 'receipt', files.receipt, '--boot', files.bootCbor, '--root', files.root, '--measurements', files.wrongMeasurements]);
  assert.equal(other.status, 1);
  assert.match(other.stdout, /FAIL +boot\.document .*PCR1.*\[PRV_ERR_ATT_PCR_MISMATCH\]/);
});

test('verify receipt reads an attested receipt from stdin and checks --nonce', async () => {
  const receipt = await bench.attestedReceipt({ nonce: NONCE });
  const ok = provenant(['verify', 'receipt', '-', ...pins, '--nonce', hex(NONCE)], JSON.stringify(receipt));
  assert.equal(ok.status, 0, ok.stdout);
  assert.match(ok.stdout, /PASS +attestation\.nonce /);
  const wrong = provenant(['verify', 'receipt', '-', ...pins, '--nonce', '00'], JSON.stringify(receipt));
  assert.equal(wrong.status, 1);
  assert.match(wrong.stdout, /FAIL +expected\.nonce .*\[PRV_ERR_RECEIPT_NONCE_MISMATCH\]/);
});

test('verify receipt exits 2 on usage errors', () => {
  const cases: string[][] = [
    ['verify', 'receipt'],
    ['verify', 'receipt', files.receipt, '--boot', files.bootCbor, '--attestation-response', files.attestationResponse],
    ['verify', 'receipt', files.receipt, '--model-sha256', 'xyz'],
    ['verify', 'receipt', files.receipt, '--nonce', 'abc'],
    ['verify', 'receipt', files.receipt, '--measurements', files.receipt],
    ['verify', 'receipt', files.receipt, '--pcr', `0=${bench.pcrs[0]}`, '--measurements', files.measurements],
    ['verify', 'receipt', files.receipt, '--unknown-flag'],
    ['verify', 'receipt', files.response, '--response', files.response],
    ['verify', 'receipt', files.bootCbor],
    ['verify', 'receipt', path.join(dir, 'missing.json')],
    ['verify', 'receipt', files.receipt, '--request', files.request, '--nonce', '01'],
  ];
  for (const args of cases) {
    const { status, stderr } = provenant(args);
    assert.equal(status, 2, args.join(' '));
    assert.match(stderr, /^provenant verify receipt: /, args.join(' '));
  }
});

test('verify attestation --measurements pins PCR0, 1, 2 and 8 from measurements.json', () => {
  const at = new Date(Date.parse(JSON.parse(provenant(['verify', 'attestation', files.bootCbor, '--root', files.root, '--json']).stdout).document.timestamp)).toISOString();
  const ok = provenant(['verify', 'attestation', files.bootCbor, '--root', files.root, '--measurements', files.measurements, '--at', at]);
  assert.equal(ok.status, 0, ok.stdout);
  assert.match(ok.stdout, /PASS +pcrs\.expected +PCR 0, 1, 2, 8 match/);
  const bad = provenant(['verify', 'attestation', files.bootCbor, '--root', files.root, '--measurements', files.wrongMeasurements, '--at', at]);
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, /FAIL +pcrs\.expected .*PCR1/);
});
