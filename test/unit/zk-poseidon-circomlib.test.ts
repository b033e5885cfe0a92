import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildModel, encodeModel, graph, node, tensorValueInfo, TensorDataType } from '@provenant/onnx';
import { COMMITMENT_DOMAIN_TAG, checkWitness, compileOnnx, poseidonCommitment, poseidonParams, BN254_PRIME } from '@provenant/prover';
import { ConstraintSystem, lcConst, poseidonGadget, writeR1cs } from '@provenant/prover/circuit';

// circomlibjs test/poseidon.js ("Should check constrain reference implementation poseidonperm_x5_254_3"
// and "Should check poseidon with 16 inputs"), the same values iden3's go-iden3-crypto pins.
const VECTORS: [bigint[], bigint][] = [
  [[1n, 2n], 0x115cc0f5e7d690413df64c6b9662e9cf2a3617f2743245519e19607a4417189an],
  [[1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 10n, 11n, 12n, 13n, 14n, 15n, 16n], 9989051620750914585850546081941653841776809718687451684622678807385399211877n],
  [[1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n, 9n, 0n, 0n, 0n, 0n, 0n, 0n, 0n], 11882816200654282475720830292386643970958445617880627439994635298904836126497n],
];

test('Poseidon with noble Grain-generated constants reproduces circomlibjs vectors for 2 and 16 inputs', () => {
  for (const [inputs, expected] of VECTORS) assert.equal(poseidonParams(inputs.length).hash(inputs), expected, `${inputs.length} inputs`);
});

test('the Poseidon gadget computes the same hash as the reference and its constraints hold', () => {
  for (const [inputs, expected] of VECTORS) {
    const cs = new ConstraintSystem({ keepConstraints: true, checkRanges: true });
    const out = poseidonGadget(cs, inputs.map(lcConst));
    assert.equal(cs.value(out), expected);
    // 3 multiplications per S-box: (R_F·t + R_P) S-boxes, circomlib's 240 / 609 are within a few of it.
    const t = inputs.length + 1;
    assert.equal(cs.constraintCount, 3 * (8 * t + poseidonParams(inputs.length).roundsPartial));
    const order = cs.wireOrder();
    const r1cs = writeR1cs({ nWires: cs.signalCount, nPubOut: 0, nPubIn: 0, nPrvIn: 0, constraints: cs.constraints, wireOf: order.wireOf });
    const values = cs.witnessValues();
    assert.deepEqual(checkWitness(r1cs, values), { ok: true });
    const bad = [...values];
    bad[bad.length - 1] = (bad[bad.length - 1]! + 1n) % BN254_PRIME;
    assert.equal(checkWitness(r1cs, bad).ok, false, 'a wrong final S-box output is caught');
  }
});

test('poseidonCommitment follows the documented scheme: W-bit packing, a head block, then Poseidon16 blocks', () => {
  // W = 126 packs two values per field element: 40 values -> 20 elements -> two Poseidon16 blocks.
  const W = 126;
  const values = Array.from({ length: 40 }, (_, i) => (BigInt(i) - 20n) * 12345678901234567890n);
  const salt = 12345n;
  const offset = 1n << 125n;
  const packed: bigint[] = [];
  for (let i = 0; i < values.length; i += 2) packed.push(values[i]! + offset + ((values[i + 1]! + offset) << 126n));
  let h = poseidonParams(4).hash([COMMITMENT_DOMAIN_TAG, 40n, 126n, salt]);
  for (let i = 0; i < packed.length; i += 15) h = poseidonParams(16).hash([h, ...Array.from({ length: 15 }, (_, j) => packed[i + j] ?? 0n)]);
  assert.equal(poseidonCommitment(values, salt, W), h);
  assert.equal(COMMITMENT_DOMAIN_TAG, BigInt('0x' + Buffer.from('provenant.zk.commit.v1').toString('hex')));
  // At W = 8, 31 values share one element (252 / 8): the last element holds only what is left.
  const small = [-128n, 127n, 0n, 5n];
  const e = small.reduce((acc, v, j) => acc + ((v + 128n) << BigInt(8 * j)), 0n);
  assert.equal(poseidonCommitment(small, salt, 8), poseidonParams(16).hash([poseidonParams(4).hash([COMMITMENT_DOMAIN_TAG, 4n, 8n, salt]), e, ...new Array<bigint>(14).fill(0n)]));
});

test('commitments bind the length, the width, every element and the salt, and refuse values outside the width', () => {
  const base = poseidonCommitment([1n, 2n], 7n, 16);
  assert.notEqual(base, poseidonCommitment([1n, 2n, -32768n], 7n, 16), 'padding is not ambiguous');
  assert.notEqual(base, poseidonCommitment([1n, 3n], 7n, 16));
  assert.notEqual(base, poseidonCommitment([1n, 2n], 8n, 16));
  assert.notEqual(base, poseidonCommitment([1n, 2n], 7n, 17));
  assert.notEqual(poseidonCommitment([], 7n, 16), poseidonCommitment([-32768n], 7n, 16));
  const invalid = (e: Error & { code?: string }) => e.code === 'PRV_ERR_ZK_INPUT_INVALID';
  assert.throws(() => poseidonCommitment([1n], BN254_PRIME, 16), invalid);
  assert.throws(() => poseidonCommitment([32768n], 1n, 16), invalid);
  assert.throws(() => poseidonCommitment([-32769n], 1n, 16), invalid);
  assert.throws(() => poseidonCommitment([1n], 1n, 0), invalid);
});

test('the circuit public signals are the off-circuit commitments of the quantized input and output', () => {
  const bytes = encodeModel(buildModel({ graph: graph({ nodes: [node('Relu', ['x'], ['y'])], inputs: [tensorValueInfo('x', TensorDataType.FLOAT, [1, 20])], outputs: [tensorValueInfo('y', TensorDataType.FLOAT, [1, 20])] }) }));
  const c = compileOnnx(bytes, { scaleBits: 8, bitWidth: 16, publicOutput: true });
  const input = Float32Array.from({ length: 20 }, (_, i) => i / 3 - 3);
  const w = c.witness(input, { salt: 99n, outputSalt: 100n });
  assert.equal(c.nPublic, 2 + 20);
  assert.equal(w.publicSignals[0], poseidonCommitment(w.quantizedInput, 99n, 16));
  assert.equal(w.publicSignals[1], poseidonCommitment(w.quantizedOutput, 100n, 16));
  assert.deepEqual(w.publicSignals.slice(2), w.quantizedOutput.map((q) => (q + BN254_PRIME) % BN254_PRIME));
  // Random salts by default: two witnesses of the same input hide it differently.
  assert.notEqual(c.witness(input).inputCommitment, c.witness(input).inputCommitment);
});
