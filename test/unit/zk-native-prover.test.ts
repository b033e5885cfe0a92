import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isProvenantError } from '@provenant/protocol';
import {
  checkNativeField,
  compileOnnx,
  nativeGroth16Available,
  proveGroth16Native,
  ProverPool,
  setupGroth16,
  verifyGroth16WithSnarkjs,
  type CompiledCircuit,
  type Groth16Setup,
  type NativeGroth16Proof,
} from '@provenant/prover';
import { verifyGroth16 } from '@provenant/verifier';
import { REPO_ROOT } from '../support/paths.js';
import { BN254_R, tinyBundleCircuit, tinyMultiplyCircuit } from '../support/tiny-r1cs.js';

/**
 * The native C prover (prover/native/) against the project's pure-JS verifier and snarkjs' verifier, on the
 * hand-built tiny circuits and on iris; malformed .zkey/.wtns bytes must give coded errors, never a crash.
 * iris' keys are cached under .provenant/zk-test-cache-native (fixed beacon) and its power-12 dev ptau where zk-cli's
 * test keeps it (writes are atomic renames): only a fresh checkout pays the setup.
 */
const mul = tinyMultiplyCircuit();
const pair = tinyBundleCircuit();
const IRIS_CACHE = path.join(REPO_ROOT, '.provenant', 'zk-test-cache-native');
const PTAU_CACHE = path.join(REPO_ROOT, '.provenant', 'zk-test-cache');
let dir: string;
let mulSetup: Groth16Setup;
let pairSetup: Groth16Setup;
let iris: CompiledCircuit;
let irisSetup: Groth16Setup;
let irisInput: Float32Array;

before(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'provenant-zk-native-'));
  mulSetup = await setupGroth16(mul, { ptau: { kind: 'dev' }, cacheDir: dir, beaconHex: '03' });
  pairSetup = await setupGroth16(pair, { ptau: { kind: 'dev' }, cacheDir: dir, beaconHex: '04' });
  iris = compileOnnx(new Uint8Array(await readFile(path.join(REPO_ROOT, 'models', 'out', 'iris.onnx'))), { scaleBits: 8, bitWidth: 20, inputRange: [0, 10] });
  irisSetup = await setupGroth16(iris, { ptau: { kind: 'dev' }, cacheDir: IRIS_CACHE, ptauCacheDir: PTAU_CACHE, beaconHex: '6e6174697665' });
  const sample = JSON.parse(await readFile(path.join(REPO_ROOT, 'models', 'out', 'samples', 'iris.json'), 'utf8')) as { inputs: { data: number[] }[] };
  irisInput = Float32Array.from(sample.inputs[0]?.data ?? []);
});
after(() => rm(dir, { recursive: true, force: true }));

const hasCode = (code: Parameters<typeof isProvenantError>[1]) => (e: unknown) => isProvenantError(e, code);

async function assertBothVerify(setup: Groth16Setup, proved: NativeGroth16Proof, expected: boolean): Promise<void> {
  const report = verifyGroth16(setup.verificationKey, proved.proof, proved.publicSignals);
  assert.equal(report.ok, expected, JSON.stringify(report.checks));
  assert.equal(await verifyGroth16WithSnarkjs(setup.verificationKey, proved.publicSignals, proved.proof), expected);
}

test('the addon is built (npm ci builds it with the C toolchain)', () => {
  assert.equal(nativeGroth16Available(), true);
});

test('every field multiplication the addon can run (BMI2/ADX assembly, add-with-carry, portable) agrees on 200,000 random pairs per modulus', () => {
  const { adx, mismatches } = checkNativeField(200_000);
  assert.equal(mismatches, 0);
  // Every x86-64 machine this project targets (Nitro hosts since Broadwell / Zen) has BMI2 and ADX.
  if (process.arch === 'x64') assert.equal(adx, true);
});

test('native proofs of the tiny circuits verify with the pure-JS verifier and with snarkjs, in proof.json form', async () => {
  const proved = await proveGroth16Native(mulSetup.zkey, mul.witness(3n, 11n));
  assert.deepEqual(proved.publicSignals, ['33']);
  assert.equal(proved.proof.protocol, 'groth16');
  assert.equal(proved.proof.curve, 'bn128');
  assert.equal(proved.proof.pi_a[2], '1');
  assert.deepEqual(proved.proof.pi_b[2], ['1', '0']);
  await assertBothVerify(mulSetup, proved, true);
  // Fresh blinding each time: a second proof of the same witness differs and verifies too.
  const again = await proveGroth16Native(mulSetup.zkey, mul.witness(3n, 11n));
  assert.notDeepEqual(again.proof.pi_a, proved.proof.pi_a);
  await assertBothVerify(mulSetup, again, true);
  // Negative values (p - 4) and three public signals.
  const negative = await proveGroth16Native(pairSetup.zkey, pair.witness(5n, BN254_R - 4n));
  assert.deepEqual(negative.publicSignals, ['5', String(BN254_R - 4n), String(BN254_R - 20n)]);
  await assertBothVerify(pairSetup, negative, true);
});

test('a native proof of the iris circuit verifies with both verifiers and carries the witness public signals', async () => {
  const witness = iris.witness(irisInput);
  const proved = await proveGroth16Native(irisSetup.zkey, witness.wtns);
  assert.deepEqual(proved.publicSignals, witness.publicSignals.map(String));
  await assertBothVerify(irisSetup, proved, true);
});

test('a witness that breaks a constraint gives a proof both verifiers reject', async () => {
  await assertBothVerify(mulSetup, await proveGroth16Native(mulSetup.zkey, mul.witness(3n, 11n, 34n)), false);
  // iris: one intermediate wire (the last one) moved by one, public signals untouched.
  const wtns = iris.witness(irisInput).wtns.slice();
  const last = wtns.length - 32;
  wtns[last] = (wtns[last]! + 1) & 0xff;
  if (wtns[last] === 0) wtns[last + 1] = (wtns[last + 1]! + 1) & 0xff;
  await assertBothVerify(irisSetup, await proveGroth16Native(irisSetup.zkey, wtns), false);
});

test('the event loop keeps running while a native proof runs on a pool thread', async () => {
  let ticks = 0;
  let settled = false;
  const proving = proveGroth16Native(irisSetup.zkey, iris.witness(irisInput).wtns).finally(() => {
    settled = true;
  });
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (!settled) ticks += 1;
  await proving;
  assert.equal(ticks, 1, 'a setImmediate queued after the call ran before the proof settled');
});

/** Offsets of a binary container's sections (iden3 binfileutils): { type, at (data start), size }. */
function sections(bytes: Uint8Array): { type: number; at: number; size: number }[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: { type: number; at: number; size: number }[] = [];
  let at = 12;
  for (let i = 0; i < view.getUint32(8, true); i += 1) {
    const size = Number(view.getBigUint64(at + 4, true));
    out.push({ type: view.getUint32(at, true), at: at + 12, size });
    at += 12 + size;
  }
  return out;
}

function mutate(bytes: Uint8Array, edit: (copy: Uint8Array, view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(copy, new DataView(copy.buffer));
  return copy;
}

test('malformed .zkey bytes are refused with PRV_ERR_ZK_ZKEY_MALFORMED', async () => {
  const zkey = mulSetup.zkey;
  const wtns = mul.witness(3n, 11n);
  const find = (type: number) => sections(zkey).find((s) => s.type === type)!;
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['bad magic', mutate(zkey, (c) => c.set([0x78], 0))],
    ['version 3', mutate(zkey, (c, v) => v.setUint32(4, 3, true))],
    ['a section longer than the file', mutate(zkey, (c, v) => v.setBigUint64(16, BigInt(zkey.length), true))],
    ['more sections than present', mutate(zkey, (c, v) => v.setUint32(8, 40, true))],
    ['plonk protocol id', mutate(zkey, (c, v) => v.setUint32(find(1).at, 2, true))],
    ['domain size not a power of two', mutate(zkey, (c, v) => v.setUint32(find(2).at + 80, 3, true))],
    ['nPublic >= nVars', mutate(zkey, (c, v) => v.setUint32(find(2).at + 76, 99, true))],
    ['coefficient matrix 2', mutate(zkey, (c, v) => v.setUint32(find(4).at + 4, 2, true))],
    ['coefficient row past the domain', mutate(zkey, (c, v) => v.setUint32(find(4).at + 8, 1 << 20, true))],
    ['coefficient wire past nVars', mutate(zkey, (c, v) => v.setUint32(find(4).at + 12, 1000, true))],
    ['coefficient count too large', mutate(zkey, (c, v) => v.setUint32(find(4).at, 0xffffffff, true))],
    ['an A point coordinate not below q', mutate(zkey, (c) => c.fill(0xff, find(5).at, find(5).at + 32))],
    ['an H point coordinate not below q', mutate(zkey, (c) => c.fill(0xff, find(9).at + 32, find(9).at + 64))],
    ['alpha not below q', mutate(zkey, (c) => c.fill(0xff, find(2).at + 84, find(2).at + 116))],
  ];
  for (let n = 0; n < zkey.length; n += Math.max(1, Math.floor(zkey.length / 97))) cases.push([`truncated to ${n} bytes`, zkey.subarray(0, n)]);
  // The same section twice: section 9 appended again (its header and bytes), with the count raised.
  const h = find(9);
  const dup = new Uint8Array(zkey.length + 12 + h.size);
  dup.set(zkey);
  dup.set(zkey.subarray(h.at - 12, h.at + h.size), zkey.length);
  new DataView(dup.buffer).setUint32(8, sections(zkey).length + 1, true);
  cases.push(['a duplicated section', dup]);
  for (const [name, bytes] of cases) {
    await assert.rejects(proveGroth16Native(bytes, wtns), hasCode('PRV_ERR_ZK_ZKEY_MALFORMED'), name);
  }
});

test('malformed or mismatched .wtns bytes are refused with PRV_ERR_ZK_WTNS_MALFORMED', async () => {
  const wtns = mul.witness(3n, 11n);
  const values = sections(wtns).find((s) => s.type === 2)!;
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array(0)],
    ['bad magic', mutate(wtns, (c) => c.set([0], 0))],
    ['a value not below r', mutate(wtns, (c) => c.fill(0xff, values.at + 64, values.at + 96))],
    ['another field', mutate(wtns, (c) => c.fill(0x11, 12 + 12 + 4, 12 + 12 + 8))],
    ['a witness of another circuit (6 wires, the key has 4)', pair.witness(1n, 2n)],
    ['a value section one byte short', mutate(wtns, (c, v) => v.setBigUint64(values.at - 8, BigInt(values.size - 1), true))],
  ];
  for (let n = 0; n < wtns.length; n += 5) cases.push([`truncated to ${n} bytes`, wtns.subarray(0, n)]);
  for (const [name, bytes] of cases) {
    await assert.rejects(proveGroth16Native(mulSetup.zkey, bytes), hasCode('PRV_ERR_ZK_WTNS_MALFORMED'), name);
  }
});

test('random byte corruption of a key or witness never crashes: a proof or a coded error', async () => {
  let seed = 0x2545f491;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  const zkey = pairSetup.zkey;
  const wtns = pair.witness(5n, 6n);
  let refused = 0;
  for (let i = 0; i < 300; i += 1) {
    const corruptKey = i % 2 === 0;
    const bytes = (corruptKey ? zkey : wtns).slice();
    for (let k = 0; k < 1 + (next() % 4); k += 1) bytes[next() % bytes.length] = next() & 0xff;
    try {
      await (corruptKey ? proveGroth16Native(bytes, wtns) : proveGroth16Native(zkey, bytes));
    } catch (error) {
      assert.ok(isProvenantError(error, 'PRV_ERR_ZK_ZKEY_MALFORMED') || isProvenantError(error, 'PRV_ERR_ZK_WTNS_MALFORMED'), String(error));
      refused += 1;
    }
  }
  assert.ok(refused > 0, 'some corruptions hit a checked field');
});

test('ProverPool runs the native backend by default when the addon is built, and snarkjs on request', async () => {
  assert.throws(() => new ProverPool({ backend: 'wasm' as 'native' }), hasCode('PRV_ERR_INVALID_ARGUMENT'));
  const native = new ProverPool();
  const snarkjs = new ProverPool({ backend: 'snarkjs' });
  try {
    assert.equal(native.backend, 'native');
    const job = { zkeyId: mul.digest, zkey: mulSetup.zkey, wtns: mul.witness(6n, 7n) };
    const [n, s] = await Promise.all([native.prove(job), snarkjs.prove(job)]);
    assert.equal(n.backend, 'native');
    assert.equal(s.backend, 'snarkjs');
    for (const proved of [n, s]) {
      assert.deepEqual(proved.publicSignals, ['42']);
      assert.equal(verifyGroth16(mulSetup.verificationKey, proved.proof, proved.publicSignals).ok, true);
    }
    assert.ok('msmH' in n.phasesMs && 'fft' in n.phasesMs, JSON.stringify(n.phasesMs));
    // A key the native prover refuses fails that job only; the process proves the next one.
    await assert.rejects(native.prove({ zkeyId: 'garbage', zkey: new Uint8Array([1, 2, 3]), wtns: job.wtns }), (e) =>
      hasCode('PRV_ERR_ZK_PROVE_FAILED')(e) && /zkey/.test((e as Error).message),
    );
    const iw = iris.witness(irisInput);
    const irisProof = await native.prove({ zkeyId: iris.digest, zkey: irisSetup.zkey, wtns: iw.wtns });
    assert.equal(verifyGroth16(irisSetup.verificationKey, irisProof.proof, irisProof.publicSignals).ok, true);
  } finally {
    await Promise.all([native.close(), snarkjs.close()]);
  }
});
