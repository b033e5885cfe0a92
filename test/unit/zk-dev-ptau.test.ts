import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createPreparedDevPtau, nativeGroth16Available, proveGroth16, readPtauHeader, setupGroth16 } from '@provenant/prover';
import { verifyGroth16 } from '@provenant/verifier';
import { tinyMultiplyCircuit } from '../support/tiny-r1cs.js';
import { ptauSections, withoutLagrangeSections } from '../support/ptau-sections.js';

interface MemFile {
  type: 'mem';
  data?: Uint8Array;
}
interface Snarkjs {
  curves: { getCurveFromName(name: string): Promise<{ terminate(): Promise<void> }> };
  powersOfTau: {
    newAccumulator(curve: unknown, power: number, out: MemFile): Promise<void>;
    preparePhase2(input: MemFile, out: MemFile): Promise<void>;
  };
}
const { curves, powersOfTau } = (await import('snarkjs' as string)) as Snarkjs;

const native = nativeGroth16Available();
// snarkjs keeps one curve (and its worker threads) per process: end it, or the test process never exits.
after(async () => (await curves.getCurveFromName('bn128')).terminate());

test('with τ = α = β = 1 the powers are snarkjs newAccumulator\'s blank accumulator, byte for byte', { skip: !native && 'native addon not built' }, async () => {
  const power = 4;
  const ours = ptauSections(await createPreparedDevPtau(power, undefined, { tau: 1n, alpha: 1n, beta: 1n }));
  const blank: MemFile = { type: 'mem' };
  await powersOfTau.newAccumulator(await curves.getCurveFromName('bn128'), power, blank);
  const theirs = ptauSections(blank.data as Uint8Array);
  for (const type of [2, 3, 4, 5, 6, 7]) assert.deepEqual(ours.get(type), theirs.get(type), `section ${type}`);
  assert.equal(readPtauHeader(await createPreparedDevPtau(power, undefined, { tau: 1n, alpha: 1n, beta: 1n })).power, power);
});

test('the Lagrange sections equal snarkjs preparePhase2 of the same powers, at every level', { skip: !native && 'native addon not built' }, async () => {
  // τ = 1 is a point of every domain (ω^0): the basis there is 1 at index 0, 0 elsewhere.
  const cases = [
    { power: 1, secrets: { tau: 123456789123456789n, alpha: 987654321n, beta: 55556n } },
    { power: 5, secrets: { tau: 3n ** 150n, alpha: 2n ** 200n, beta: 7n } },
    { power: 3, secrets: { tau: 1n, alpha: 1n, beta: 1n } },
  ];
  for (const { power, secrets } of cases) {
    const file = await createPreparedDevPtau(power, undefined, secrets);
    const prepared: MemFile = { type: 'mem' };
    await powersOfTau.preparePhase2({ type: 'mem', data: withoutLagrangeSections(file) }, prepared);
    const ours = ptauSections(file);
    const theirs = ptauSections(prepared.data as Uint8Array);
    for (const type of [1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]) assert.deepEqual(ours.get(type), theirs.get(type), `power ${power}, section ${type}`);
    const header = readPtauHeader(file);
    assert.deepEqual(header, { power, ceremonyPower: power, prepared: true });
  }
});

test('fresh secrets each time: two dev ptaus of one power share nothing but the generators', { skip: !native && 'native addon not built' }, async () => {
  const [a, b] = [ptauSections(await createPreparedDevPtau(3)), ptauSections(await createPreparedDevPtau(3))];
  assert.deepEqual(a.get(2)?.subarray(0, 64), b.get(2)?.subarray(0, 64), 'τ^0 · G1 is the generator in both');
  assert.notDeepEqual(a.get(2)?.subarray(64, 128), b.get(2)?.subarray(64, 128));
  assert.notDeepEqual(a.get(6), b.get(6));
});

test('powers outside [1, 24] are refused with the ptau code, before any work', async () => {
  for (const power of [0, 25, 28, 1.5]) {
    await assert.rejects(createPreparedDevPtau(power), (error: Error & { code?: string }) => error.code === 'PRV_ERR_ZK_PTAU_INVALID');
  }
});

test('an imported ptau without Lagrange sections is prepared by snarkjs, and its keys prove and verify', { skip: !native && 'native addon not built' }, async () => {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'provenant-ptau-'));
  try {
    const bytes = withoutLagrangeSections(await createPreparedDevPtau(3));
    const circuit = tinyMultiplyCircuit();
    const setup = await setupGroth16(circuit, { ptau: { kind: 'file', bytes }, cacheDir, beaconHex: '01' });
    assert.equal(setup.record.ptau.power, 3);
    const proved = await proveGroth16(setup.zkey, circuit.witness(3n, 11n));
    assert.ok(verifyGroth16(setup.verificationKey, proved.proof, proved.publicSignals).ok);
    const forged = [...proved.publicSignals];
    forged[0] = '34';
    assert.ok(!verifyGroth16(setup.verificationKey, proved.proof, forged).ok);
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});
