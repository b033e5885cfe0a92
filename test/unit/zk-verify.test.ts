import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bn254 } from '@noble/curves/bn254.js';
import { verifyGroth16WithSnarkjs } from '@provenant/prover';
import { verifyGroth16, type ZkReport } from '@provenant/verifier';
import { tinySetupAndProof, type TinyProof } from '../support/zk-tiny-setup.js';

/** The pure-JS verifier against snarkjs' own, on real proofs, valid and tampered (x * y = z circuit). */
let tiny: TinyProof;
before(async () => {
  tiny = await tinySetupAndProof();
});
after(async () => {
  await tiny.cleanup();
});

const R = bn254.fields.Fr.ORDER;
type Json = Record<string, unknown>;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
const g1Json = (p: InstanceType<typeof bn254.G1.Point>): string[] => {
  const { x, y } = p.toAffine();
  return [String(x), String(y), '1'];
};
const failed = (report: ZkReport): string[] => report.checks.filter((c) => !c.ok).map((c) => `${c.id}:${c.code ?? 'skipped'}`);

async function bothReject(vk: unknown, proof: unknown, signals: unknown): Promise<ZkReport> {
  assert.equal(await verifyGroth16WithSnarkjs(vk, signals, proof), false, 'snarkjs rejects');
  const report = verifyGroth16(vk, proof, signals);
  assert.equal(report.ok, false, 'the pure-JS verifier rejects');
  return report;
}

test('a valid proof passes every check, in order, in both verifiers', async () => {
  const { verificationKey: vk } = tiny.setup;
  assert.equal(await verifyGroth16WithSnarkjs(vk, tiny.proved.publicSignals, tiny.proved.proof), true);
  const report = verifyGroth16(vk, tiny.proved.proof, tiny.proved.publicSignals);
  assert.deepEqual(
    report.checks.map((c) => [c.id, c.ok]),
    [['vk.parse', true], ['proof.parse', true], ['signals.parse', true], ['signals.count', true], ['groth16.pairing', true]],
  );
  assert.deepEqual(report.publicSignals, ['33']);
});

test('a tampered public signal fails the pairing in both verifiers', async () => {
  const report = await bothReject(tiny.setup.verificationKey, tiny.proved.proof, ['34']);
  assert.deepEqual(failed(report), ['groth16.pairing:PRV_ERR_ZK_PROOF_INVALID']);
});

test('a proof whose A or C is replaced by another valid point fails the pairing in both verifiers', async () => {
  for (const key of ['pi_a', 'pi_c'] as const) {
    const proof = clone(tiny.proved.proof) as unknown as Json;
    const [x, y] = (proof[key] as string[]).map(BigInt);
    proof[key] = g1Json(bn254.G1.Point.fromAffine({ x: x as bigint, y: y as bigint }).double());
    const report = await bothReject(tiny.setup.verificationKey, proof, tiny.proved.publicSignals);
    assert.deepEqual(failed(report), ['groth16.pairing:PRV_ERR_ZK_PROOF_INVALID'], key);
  }
});

test('a tampered verifying key (IC[1] or delta changed to other valid points) fails in both verifiers', async () => {
  const vk = clone(tiny.setup.verificationKey);
  const ic = vk['IC'] as string[][];
  const [x, y] = (ic[1] as string[]).map(BigInt);
  ic[1] = g1Json(bn254.G1.Point.fromAffine({ x: x as bigint, y: y as bigint }).negate());
  assert.deepEqual(failed(await bothReject(vk, tiny.proved.proof, tiny.proved.publicSignals)), ['groth16.pairing:PRV_ERR_ZK_PROOF_INVALID']);
  const vk2 = clone(tiny.setup.verificationKey);
  vk2['vk_delta_2'] = vk2['vk_gamma_2'];
  assert.deepEqual(failed(await bothReject(vk2, tiny.proved.proof, tiny.proved.publicSignals)), ['groth16.pairing:PRV_ERR_ZK_PROOF_INVALID']);
});

test('a public signal equal to or above r is refused, not reduced (snarkjs refuses it too)', async () => {
  const aliased = String(33n + R);
  const report = await bothReject(tiny.setup.verificationKey, tiny.proved.proof, [aliased]);
  assert.deepEqual(failed(report), ['signals.parse:PRV_ERR_ZK_PUBLIC_SIGNALS_MALFORMED', 'signals.count:skipped', 'groth16.pairing:skipped']);
});

test('non-canonical decimals, wrong counts and wrong types are refused with the signal code', () => {
  for (const signals of [['033'], ['+33'], [' 33'], ['33', '1'], [], [33], '33', ['3'.repeat(78)]]) {
    const report = verifyGroth16(tiny.setup.verificationKey, tiny.proved.proof, signals);
    assert.equal(report.ok, false, JSON.stringify(signals));
    assert.ok(
      report.checks.some((c) => c.code === 'PRV_ERR_ZK_PUBLIC_SIGNALS_MALFORMED'),
      `${JSON.stringify(signals)}: ${JSON.stringify(report.checks)}`,
    );
  }
});

test('proof points off the curve, outside G2 subgroup, at infinity or not affine are refused before the pairing', () => {
  const g2NotInSubgroup = [
    ['2', '1'],
    ['7292567877523311580221095596750716176434782432868683424513645834767876293070', '19659275751359636165940301690575149581329631496732780143538578556285923319774'],
    ['1', '0'],
  ];
  const cases: [string, (p: Json) => void, string][] = [
    ['A off the curve', (p) => ((p['pi_a'] as string[])[1] = '5'), 'PRV_ERR_ZK_POINT_INVALID'],
    ['B outside the G2 subgroup', (p) => (p['pi_b'] = g2NotInSubgroup), 'PRV_ERR_ZK_POINT_INVALID'],
    ['C at infinity', (p) => (p['pi_c'] = ['0', '1', '0']), 'PRV_ERR_ZK_POINT_INVALID'],
    ['A not affine', (p) => ((p['pi_a'] as string[])[2] = '2'), 'PRV_ERR_ZK_PROOF_MALFORMED'],
    ['coordinate >= p', (p) => ((p['pi_a'] as string[])[0] = String(bn254.fields.Fp.ORDER)), 'PRV_ERR_ZK_PROOF_MALFORMED'],
    ['unknown field', (p) => (p['extra'] = 1), 'PRV_ERR_ZK_PROOF_MALFORMED'],
    ['other protocol', (p) => (p['protocol'] = 'plonk'), 'PRV_ERR_ZK_PROOF_MALFORMED'],
    ['missing C', (p) => delete p['pi_c'], 'PRV_ERR_ZK_PROOF_MALFORMED'],
  ];
  for (const [name, mutate, code] of cases) {
    const proof = clone(tiny.proved.proof) as unknown as Json;
    mutate(proof);
    const report = verifyGroth16(tiny.setup.verificationKey, proof, tiny.proved.publicSignals);
    assert.deepEqual(failed(report), [`proof.parse:${code}`, 'groth16.pairing:skipped'], name);
  }
});

test('a malformed verifying key is refused with the vk code and blocks the pairing', () => {
  const cases: [string, (vk: Json) => void][] = [
    ['IC length differs from nPublic + 1', (vk) => (vk['nPublic'] = 2)],
    ['other curve', (vk) => (vk['curve'] = 'bls12381')],
    ['unknown field', (vk) => (vk['note'] = 'x')],
    ['alphabeta of the wrong shape', (vk) => (vk['vk_alphabeta_12'] = [[]])],
  ];
  for (const [name, mutate] of cases) {
    const vk = clone(tiny.setup.verificationKey);
    mutate(vk);
    const report = verifyGroth16(vk, tiny.proved.proof, tiny.proved.publicSignals);
    assert.equal(report.checks[0]?.code, 'PRV_ERR_ZK_VK_MALFORMED', name);
    assert.equal(report.ok, false, name);
  }
  for (const notAKey of [[], null, 'vk', 7]) {
    assert.equal(verifyGroth16(notAKey, tiny.proved.proof, tiny.proved.publicSignals).checks[0]?.code, 'PRV_ERR_ZK_VK_MALFORMED');
  }
});
