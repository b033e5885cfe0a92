import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeClaims, fromBase64, toBase64, type ReceiptJson } from '@provenant/protocol';
import { verifyReceipt, type ReceiptReport, type VerifyReceiptOptions } from '@provenant/verifier';
import { flipBase64, generateSessionKey, ReceiptBench, sha256, signP1363, START_MS } from './receipt-verify-fixtures.js';

const bench = await ReceiptBench.boot();
const pinned = (extra: VerifyReceiptOptions = {}): VerifyReceiptOptions => ({
  root: bench.rootPem,
  expectedPcrs: bench.pcrs,
  bootDocument: bench.bootDocument,
  ...extra,
});
/** `id:CODE` of every check that did not pass; skipped checks are marked as such. */
const failed = (report: ReceiptReport) =>
  report.checks.filter((check) => !check.ok).map((check) => (check.skipped === true ? `${check.id}:skipped` : `${check.id}:${check.code ?? ''}`));
const check = (report: ReceiptReport, id: string) => report.checks.find((entry) => entry.id === id);
// P-256 group order (SEC 2 v2 §2.4.2), for building the other-half (high/low S) twin of a signature.
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

test('flipping any sampled claims byte of a session receipt fails the session signature', () => {
  const receipt = bench.sessionReceipt({ nonce: Uint8Array.of(7) });
  const length = fromBase64(receipt.claims).length;
  for (let i = 0; i < length; i += i < 8 ? 1 : 9) {
    const report = verifyReceipt({ ...receipt, claims: flipBase64(receipt.claims, i) }, pinned());
    assert.equal(report.ok, false, `byte ${i}`);
    assert.equal(check(report, 'session.signature')?.code, 'PRV_ERR_RECEIPT_SIGNATURE', `byte ${i}`);
    assert.equal(check(report, 'boot.document')?.ok, true, 'the boot document is untouched');
  }
});

test('flipping a byte of the signature fails only the signature check', () => {
  const receipt = bench.sessionReceipt();
  for (const i of [0, 31, 32, 63]) {
    assert.deepEqual(failed(verifyReceipt({ ...receipt, signature: flipBase64(receipt.signature as string, i) }, pinned())), [
      'session.signature:PRV_ERR_RECEIPT_SIGNATURE',
    ]);
  }
});

test('an all-zero signature (r = s = 0) is refused, not an exception', () => {
  const receipt = bench.sessionReceipt();
  assert.deepEqual(failed(verifyReceipt({ ...receipt, signature: toBase64(new Uint8Array(64)) }, pinned())), [
    'session.signature:PRV_ERR_RECEIPT_SIGNATURE',
  ]);
});

test('both the low-S and the high-S form of a node:crypto signature verify (FIPS 186-4 ECDSA, no low-S rule)', () => {
  const receipt = bench.sessionReceipt();
  const signature = fromBase64(receipt.signature as string);
  const s = BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`);
  const twin = Uint8Array.from(signature);
  twin.set(Buffer.from((P256_N - s).toString(16).padStart(64, '0'), 'hex'), 32);
  const highS = s > P256_N / 2n ? signature : twin;
  const lowS = s > P256_N / 2n ? twin : signature;
  for (const form of [lowS, highS]) {
    const report = verifyReceipt({ ...receipt, signature: toBase64(form) }, pinned());
    assert.deepEqual(failed(report), []);
  }
});

test('flipping a byte of session_key fails the key hash, the boot binding and the signature', () => {
  const receipt = bench.sessionReceipt();
  for (const i of [1, 32, 64]) {
    assert.deepEqual(failed(verifyReceipt({ ...receipt, session_key: flipBase64(receipt.session_key, i) }, pinned())), [
      'claims.key:PRV_ERR_RECEIPT_KEY_MISMATCH',
      'boot.public_key:PRV_ERR_RECEIPT_KEY_MISMATCH',
      'session.signature:PRV_ERR_RECEIPT_SIGNATURE',
    ]);
  }
  // Byte 0 is the SEC1 uncompressed-point tag, which parsing itself insists on.
  assert.deepEqual(failed(verifyReceipt({ ...receipt, session_key: flipBase64(receipt.session_key, 0) }, pinned())), ['receipt.parse:PRV_ERR_RECEIPT_MALFORMED']);
});

test('a receipt signed by another key with a matching claims.key still fails: that key is not the boot document key', () => {
  const other = bench.sessionReceipt();
  // An attacker with their own key: claims.key = H(their key), signature by their key, but the real boot document.
  const key = generateSessionKey();
  const claims = encodeClaims(bench.claims({ key: sha256(key.publicKey) }));
  const forged: ReceiptJson = { ...other, claims: toBase64(claims), session_key: toBase64(key.publicKey), signature: toBase64(signP1363(key.privateKey, claims)) };
  assert.deepEqual(failed(verifyReceipt(forged, pinned())), ['boot.public_key:PRV_ERR_RECEIPT_KEY_MISMATCH']);
});

test('claims whose mode differs from the receipt mode fail claims.mode even with a valid signature', () => {
  const claims = encodeClaims(bench.claims({ mode: 'attested' }));
  const receipt: ReceiptJson = { ...bench.sessionReceipt(), claims: toBase64(claims), signature: toBase64(signP1363(bench.session.privateKey, claims)) };
  assert.deepEqual(failed(verifyReceipt(receipt, pinned())), ['claims.mode:PRV_ERR_RECEIPT_MODE_MISMATCH']);
});

test('claims dated before the boot document fail claims.ts', () => {
  const receipt = bench.sessionReceipt({ ts: START_MS - 1 });
  assert.deepEqual(failed(verifyReceipt(receipt, pinned())), ['claims.ts:PRV_ERR_RECEIPT_TIME']);
});

test('a session receipt with the boot document of another boot fails the boot key binding', async () => {
  const second = await ReceiptBench.boot({ authority: bench.authority });
  const report = verifyReceipt(bench.sessionReceipt(), pinned({ bootDocument: second.bootDocument }));
  assert.deepEqual(failed(report), ['boot.public_key:PRV_ERR_RECEIPT_KEY_MISMATCH']);
});

test('a session receipt without a boot document fails closed', () => {
  const report = verifyReceipt(bench.sessionReceipt(), { root: bench.rootPem, expectedPcrs: bench.pcrs });
  assert.equal(report.ok, false);
  assert.deepEqual(failed(report), [
    'boot.document:PRV_ERR_RECEIPT_BOOT_DOCUMENT_MISSING',
    'boot.public_key:skipped',
    'claims.ts:skipped',
  ]);
  assert.equal(report.attestation, undefined);
});

test('a mock receipt fails against the default AWS Nitro root, in every mode', async () => {
  const noRoot = { expectedPcrs: bench.pcrs, bootDocument: bench.bootDocument };
  assert.deepEqual(failed(verifyReceipt(bench.sessionReceipt(), noRoot)), ['boot.document:PRV_ERR_ATT_ROOT_MISMATCH']);
  assert.deepEqual(failed(verifyReceipt(await bench.attestedReceipt(), noRoot)), ['attestation.document:PRV_ERR_ATT_ROOT_MISMATCH']);
  const [batched] = await bench.batchedReceipts(2);
  assert.deepEqual(failed(verifyReceipt(batched, noRoot)), ['attestation.document:PRV_ERR_ATT_ROOT_MISMATCH']);
});

test('flipping claims of an attested receipt breaks the user_data binding', async () => {
  const receipt = await bench.attestedReceipt();
  const length = fromBase64(receipt.claims).length;
  for (const i of [0, 20, length - 1]) {
    const report = verifyReceipt({ ...receipt, claims: flipBase64(receipt.claims, i) }, pinned());
    assert.equal(check(report, 'attestation.user_data')?.code, 'PRV_ERR_RECEIPT_BINDING', `byte ${i}`);
  }
});

test('flipping a byte of the attestation document fails the document check', async () => {
  const receipt = await bench.attestedReceipt();
  const length = fromBase64(receipt.attestation as string).length;
  for (const i of [0, 5, Math.floor(length / 2), length - 10]) {
    const report = verifyReceipt({ ...receipt, attestation: flipBase64(receipt.attestation as string, i) }, pinned());
    assert.equal(report.ok, false, `byte ${i}`);
    assert.equal(check(report, 'attestation.document')?.ok, false, `byte ${i}`);
    assert.match(check(report, 'attestation.document')?.code ?? '', /^PRV_ERR_ATT_/);
  }
});

test("an attested receipt carrying another request's document fails the binding", async () => {
  const nonce = Uint8Array.of(1, 1);
  const [mine, theirs] = [await bench.attestedReceipt({ nonce }), await bench.attestedReceipt({ nonce: Uint8Array.of(2, 2) })];
  const report = verifyReceipt({ ...mine, attestation: theirs.attestation }, pinned());
  assert.deepEqual(failed(report), ['attestation.user_data:PRV_ERR_RECEIPT_BINDING', 'attestation.nonce:PRV_ERR_RECEIPT_BINDING']);
});

test("an attested document whose nonce is not the claims' nonce fails attestation.nonce", async () => {
  // Built by hand: a document over the right claims hash but without the nonce the claims carry.
  const claims = encodeClaims(bench.claims({ mode: 'attested', nonce: Uint8Array.of(9) }));
  const attestation = await bench.nsm.attestation({ userData: sha256(claims), nonce: null, publicKey: bench.session.publicKey });
  const receipt: ReceiptJson = { ...(await bench.attestedReceipt()), claims: toBase64(claims), attestation: toBase64(attestation) };
  assert.deepEqual(failed(verifyReceipt(receipt, pinned())), ['attestation.nonce:PRV_ERR_RECEIPT_BINDING']);
});

test('an attested document naming another public key fails attestation.public_key', async () => {
  const claims = encodeClaims(bench.claims({ mode: 'attested' }));
  const attestation = await bench.nsm.attestation({ userData: sha256(claims), nonce: null, publicKey: generateSessionKey().publicKey });
  const receipt: ReceiptJson = { ...(await bench.attestedReceipt()), claims: toBase64(claims), attestation: toBase64(attestation) };
  assert.deepEqual(failed(verifyReceipt(receipt, pinned())), ['attestation.public_key:PRV_ERR_RECEIPT_KEY_MISMATCH']);
});

test('tampering with a batched receipt (claims, index, size, path, document of another batch) fails batch.inclusion', async () => {
  const receipts = await bench.batchedReceipts(5);
  const receipt = receipts[2] as ReceiptJson;
  const inclusion = receipt.inclusion as NonNullable<ReceiptJson['inclusion']>;
  const [otherBatch] = await bench.batchedReceipts(5);
  const variants: Record<string, ReceiptJson> = {
    claims: { ...receipt, claims: flipBase64(receipt.claims, 12) },
    index: { ...receipt, inclusion: { ...inclusion, index: 3 } },
    size: { ...receipt, inclusion: { ...inclusion, size: 4 } },
    'size (path too short)': { ...receipt, inclusion: { ...inclusion, size: 4096 } },
    'path byte': { ...receipt, inclusion: { ...inclusion, path: [flipBase64(inclusion.path[0] as string, 31), ...inclusion.path.slice(1)] } },
    'path dropped': { ...receipt, inclusion: { ...inclusion, path: inclusion.path.slice(0, -1) } },
    'path reordered': { ...receipt, inclusion: { ...inclusion, path: [...inclusion.path].reverse() } },
    'other batch document': { ...receipt, attestation: otherBatch?.attestation as string },
  };
  for (const [name, variant] of Object.entries(variants)) {
    assert.deepEqual(failed(verifyReceipt(variant, pinned())), ['batch.inclusion:PRV_ERR_RECEIPT_INCLUSION'], name);
  }
});

test('wrong model, input, output and nonce expectations each fail their own check', () => {
  const receipt = bench.sessionReceipt({ nonce: Uint8Array.of(5, 5) });
  const cases: [VerifyReceiptOptions, string][] = [
    [{ expectedModelSha256: new Uint8Array(32) }, 'expected.model:PRV_ERR_RECEIPT_MODEL_MISMATCH'],
    [{ inputDigest: 'ab'.repeat(32) }, 'expected.input:PRV_ERR_RECEIPT_INPUT_MISMATCH'],
    [{ inputs: [{ name: 'input', dtype: 'FP32', shape: [1, 4], data: new Uint8Array(16) }] }, 'expected.input:PRV_ERR_RECEIPT_INPUT_MISMATCH'],
    [{ outputs: [{ name: 'label', dtype: 'INT64', shape: [1], data: new Uint8Array(8) }] }, 'expected.output:PRV_ERR_RECEIPT_OUTPUT_MISMATCH'],
    [{ expectedNonce: '0506' }, 'expected.nonce:PRV_ERR_RECEIPT_NONCE_MISMATCH'],
  ];
  for (const [options, expected] of cases) assert.deepEqual(failed(verifyReceipt(receipt, pinned(options))), [expected]);
  const noNonce = bench.sessionReceipt();
  assert.deepEqual(failed(verifyReceipt(noNonce, pinned({ expectedNonce: '0505' }))), ['expected.nonce:PRV_ERR_RECEIPT_NONCE_MISMATCH']);
});

test('claims that do not decode block the checks that need them but the byte-level checks still run', () => {
  const receipt = bench.sessionReceipt();
  const claims = fromBase64(receipt.claims);
  const garbage = Uint8Array.from([0xa1, 0x61, 0x76, 0x01]); // {"v": 1}: valid CBOR, not a claims map
  const report = verifyReceipt({ ...receipt, claims: toBase64(garbage) }, pinned({ expectedModelSha256: new Uint8Array(32) }));
  assert.deepEqual(failed(report), [
    'claims.decode:PRV_ERR_RECEIPT_MALFORMED',
    'claims.mode:skipped',
    'claims.key:skipped',
    'session.signature:PRV_ERR_RECEIPT_SIGNATURE',
    'claims.ts:skipped',
    'expected.model:skipped',
  ]);
  assert.ok(claims.length > garbage.length);
});
