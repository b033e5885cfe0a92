import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isProvenantError, tensorsDigest, type Tensor } from '@provenant/protocol';
import { verifyReceipt, verifyReceiptOrThrow, type ReceiptReport, type VerifyReceiptOptions } from '@provenant/verifier';
import { INPUTS, MODEL_SHA256, OUTPUTS, ReceiptBench, START_MS } from './receipt-verify-fixtures.js';

const bench = await ReceiptBench.boot();
const pinned = (extra: VerifyReceiptOptions = {}): VerifyReceiptOptions => ({
  root: bench.rootPem,
  expectedPcrs: bench.pcrs,
  bootDocument: bench.bootDocument,
  ...extra,
});
const ids = (report: ReceiptReport) => report.checks.map((check) => check.id);
const failed = (report: ReceiptReport) => report.checks.filter((check) => !check.ok).map((check) => `${check.id}:${check.code ?? ''}`);

test('a session receipt verifies against its boot document with every binding the client can ask for', () => {
  const nonce = Uint8Array.of(1, 2, 3, 4);
  const report = verifyReceipt(bench.sessionReceipt({ nonce }), pinned({ expectedModelSha256: MODEL_SHA256, inputs: INPUTS, outputs: OUTPUTS, expectedNonce: '01020304' }));
  assert.deepEqual(failed(report), []);
  assert.equal(report.ok, true);
  assert.deepEqual(ids(report), [
    'receipt.parse', 'claims.decode', 'claims.mode', 'claims.key',
    'boot.document', 'boot.public_key', 'session.signature', 'claims.ts',
    'expected.model', 'expected.input', 'expected.output', 'expected.nonce',
  ]);
  assert.equal(report.mode, 'session');
  assert.equal(report.claims?.model, Buffer.from(MODEL_SHA256).toString('hex'));
  assert.equal(report.claims?.nonce, '01020304');
  assert.equal(report.attestation?.ok, true, 'the nested report is the boot document');
  assert.equal(report.attestation?.document?.publicKey, Buffer.from(bench.session.publicKey).toString('hex'));
  assert.deepEqual(report.warnings, []);
});

test('an attested receipt verifies with the client nonce in its own document', async () => {
  const nonce = new Uint8Array(64).fill(0xab);
  const receipt = await bench.attestedReceipt({ nonce });
  const report = verifyReceipt(receipt, pinned({ expectedNonce: nonce, inputDigest: tensorsDigest(INPUTS), outputDigest: Buffer.from(tensorsDigest(OUTPUTS)).toString('hex') }));
  assert.deepEqual(failed(report), []);
  assert.deepEqual(ids(report), [
    'receipt.parse', 'claims.decode', 'claims.mode', 'claims.key',
    'attestation.document', 'attestation.user_data', 'attestation.nonce', 'attestation.public_key',
    'expected.input', 'expected.output', 'expected.nonce',
  ]);
  assert.equal(report.attestation?.document?.nonce, 'ab'.repeat(64));
});

test('an attested receipt without a nonce verifies: document and claims both carry none', async () => {
  const report = verifyReceipt(await bench.attestedReceipt(), pinned());
  assert.deepEqual(failed(report), []);
  assert.match(report.checks.find((check) => check.id === 'attestation.nonce')?.reason ?? '', /both have no nonce/);
});

test('every receipt of a batch verifies through its inclusion path, for batch sizes 1 to 7', async () => {
  for (const size of [1, 2, 3, 5, 7]) {
    const receipts = await bench.batchedReceipts(size);
    for (const receipt of receipts) {
      const report = verifyReceipt(receipt, pinned({ expectedModelSha256: Buffer.from(MODEL_SHA256).toString('hex') }));
      assert.deepEqual(failed(report), [], `size ${size} index ${receipt.inclusion?.index}`);
      assert.deepEqual(ids(report), [
        'receipt.parse', 'claims.decode', 'claims.mode', 'claims.key',
        'attestation.document', 'batch.inclusion', 'attestation.public_key', 'expected.model',
      ]);
    }
  }
});

test('documents are checked at their own timestamp by default, long after the leaf expired; `at` overrides', async () => {
  const receipt = await bench.attestedReceipt();
  // Real receipts are verified years later: the 3-hour leaf has expired by then.
  assert.equal(verifyReceipt(receipt, pinned()).ok, true);
  const late = verifyReceipt(receipt, pinned({ at: new Date(START_MS + 24 * 3600_000) }));
  assert.deepEqual(failed(late), ['attestation.document:PRV_ERR_ATT_CERT_EXPIRED']);
  assert.equal(late.attestation?.verifiedAt, new Date(START_MS + 24 * 3600_000).toISOString());
});

test('a verification without pinned PCRs passes but warns that any image is accepted', () => {
  const report = verifyReceipt(bench.sessionReceipt(), { root: bench.rootPem, bootDocument: bench.bootDocument });
  assert.equal(report.ok, true);
  assert.match(report.warnings.join('\n'), /no PCRs pinned/);
});

test('wrong PCR pins fail the boot document check with the attestation code', () => {
  const report = verifyReceipt(bench.sessionReceipt(), pinned({ expectedPcrs: { ...bench.pcrs, 2: 'ff'.repeat(48) } }));
  assert.deepEqual(failed(report), ['boot.document:PRV_ERR_ATT_PCR_MISMATCH']);
  assert.match(report.checks.find((check) => check.id === 'boot.document')?.reason ?? '', /pcrs\.expected: PCR2/);
});

test('hostile receipt values fail the parse check and never throw', () => {
  for (const value of [null, 42, 'receipt', [], {}, { format: 'provenant.receipt.v1', mode: 'session' }, { ...bench.sessionReceipt(), extra: 1 }]) {
    const report = verifyReceipt(value, pinned());
    assert.equal(report.ok, false);
    assert.deepEqual(failed(report), ['receipt.parse:PRV_ERR_RECEIPT_MALFORMED']);
    assert.equal(report.checks.length, 1);
  }
});

test('bad options throw PRV_ERR_INVALID_ARGUMENT before the receipt is read', () => {
  const receipt = bench.sessionReceipt();
  const bad: unknown[] = [
    { bootDocumnet: bench.bootDocument },
    { expectedModelSha256: 'abc' },
    { expectedModelSha256: new Uint8Array(31) },
    { inputs: INPUTS, inputDigest: tensorsDigest(INPUTS) },
    { outputs: [{ name: 'x', dtype: 'FP32', shape: [2], data: new Uint8Array(4) }] satisfies Tensor[] },
    { expectedNonce: '' },
    { expectedNonce: new Uint8Array(65) },
    { expectedPcrs: { 0: 'zz' } },
    { root: 'not a pem' },
    { at: new Date(Number.NaN) },
    { bootDocument: 'base64?' },
  ];
  for (const options of bad) {
    assert.throws(() => verifyReceipt(receipt, options as VerifyReceiptOptions), (error) => isProvenantError(error, 'PRV_ERR_INVALID_ARGUMENT'), JSON.stringify(options));
  }
});

test('verifyReceiptOrThrow throws the first failed check as a coded error', () => {
  assert.equal(verifyReceiptOrThrow(bench.sessionReceipt(), pinned()).ok, true);
  assert.throws(
    () => verifyReceiptOrThrow(bench.sessionReceipt(), pinned({ expectedModelSha256: new Uint8Array(32) })),
    (error) => isProvenantError(error, 'PRV_ERR_RECEIPT_MODEL_MISMATCH') && /expected\.model/.test(error.message),
  );
});
