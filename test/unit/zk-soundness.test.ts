import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { attr, buildModel, encodeModel, float32Tensor, graph, node, tensorValueInfo, TensorDataType } from '@provenant/onnx';
import { BN254_PRIME, checkWitness, compileOnnx, poseidonCommitment, readR1cs, type CompiledCircuit } from '@provenant/prover';
import { ConstraintSystem, lcSignal, rescale, rescaleRelu, writeR1cs, type Lc } from '@provenant/prover/circuit';
import { REPO_ROOT } from '../support/paths.js';

/**
 * Soundness is checked on the constraint system itself (checkWitness evaluates A·B = C), not
 * through a prover: a bad witness must fail some constraint, whatever the witness generator did.
 */
const p = BN254_PRIME;
const add = (v: bigint, d: bigint): bigint => (((v + d) % p) + p) % p;

function finish(cs: ConstraintSystem): { r1cs: Uint8Array; values: bigint[]; wire: (signal: number) => number } {
  const order = cs.wireOrder();
  const r1cs = writeR1cs({ nWires: cs.signalCount, nPubOut: order.nPubOut, nPubIn: 0, nPrvIn: order.nPrvIn, constraints: cs.constraints, wireOf: order.wireOf });
  return { r1cs, values: cs.witnessValues(), wire: (s) => order.wireOf[s]! };
}

/** x = 1000·2^8 + 77 at scale 2^16, rescaled by 2^8 into a 12-bit quotient: q = 1000, r = 77. */
function rescaleCircuit(xValue: bigint, checkRanges = true) {
  const cs = new ConstraintSystem({ keepConstraints: true, checkRanges });
  const x = cs.newSignal('privateInput', xValue);
  const { q, bits } = rescale(cs, lcSignal(x), 8, 12, 'x');
  return { cs, q, bits, ...finish(cs) };
}

test('a rescale witness is accepted only with the true quotient and a range-checked remainder', () => {
  const { cs, q, bits, r1cs, values, wire } = rescaleCircuit(1000n * 256n + 77n);
  assert.equal(cs.value(q), 1000n);
  assert.deepEqual(checkWitness(r1cs, values), { ok: true });
  // circomlib-ml's pitfall: q' = q + 1 with r' = r - 2^8 keeps x = q'·2^8 + r' in the field. Put r'
  // into the remainder's low "bit" (others zero) and raise the quotient bits by one.
  const forged = [...values];
  for (let i = 0; i < 8; i++) forged[wire(bits[i]!)] = 0n;
  forged[wire(bits[0]!)] = add(77n, -256n);
  const qPlusOne = 1000n + 1n + (1n << 11n);
  for (let i = 0; i < 12; i++) forged[wire(bits[8 + i]!)] = (qPlusOne >> BigInt(i)) & 1n;
  assert.equal(checkWitness(r1cs, forged).ok, false, 'a negative remainder is not a bit');
  // Boolean bits for q + 1 with the honest remainder: the recomposition no longer equals x.
  const boolForged = [...values];
  for (let i = 0; i < 12; i++) boolForged[wire(bits[8 + i]!)] = (qPlusOne >> BigInt(i)) & 1n;
  assert.equal(checkWitness(r1cs, boolForged).ok, false, 'a wrong quotient does not recompose x');
});

test('a value outside its width has no satisfying witness: a generator that ignores ranges is caught', () => {
  // 2^20 · 2^8 needs a 21-bit quotient; the decomposition only has 12. The unchecked generator
  // truncates the bits, and the recomposition constraint fails.
  const { r1cs, values } = rescaleCircuit((1n << 20n) * 256n, false);
  assert.equal(checkWitness(r1cs, values).ok, false);
  assert.throws(() => rescaleCircuit((1n << 20n) * 256n, true), (e: Error & { code?: string }) => e.code === 'PRV_ERR_ZK_OVERFLOW');
});

test('a ReLU witness claiming a negative output or an off-by-one output is rejected', () => {
  const cs = new ConstraintSystem({ keepConstraints: true, checkRanges: true });
  const x = cs.newSignal('privateInput', add(0n, -5n * 256n - 3n)); // floor(-5.01) = -6
  const y: Lc = rescaleRelu(cs, lcSignal(x), 8, 12, 'x');
  const { r1cs, values, wire } = finish(cs);
  const ySignal = [...y.keys()][0]!;
  assert.equal(values[wire(ySignal)], 0n);
  assert.deepEqual(checkWitness(r1cs, values), { ok: true });
  for (const claimed of [add(0n, -6n), 1n]) {
    const bad = [...values];
    bad[wire(ySignal)] = claimed;
    assert.equal(checkWitness(r1cs, bad).ok, false, `relu(-6) = ${claimed}`);
  }
});

/** Incremental checker: which constraints mention each wire, so every wire can be mutated cheaply. */
function everySingleWireMutationFails(circuit: CompiledCircuit, values: readonly bigint[]): number {
  const parsed = readR1cs(circuit.r1cs);
  const touching: number[][] = Array.from({ length: parsed.nWires }, () => []);
  parsed.constraints.forEach(([a, b, c], i) => {
    for (const t of [...a, ...b, ...c]) touching[t.wire]!.push(i);
  });
  const holds = (vals: readonly bigint[], i: number): boolean => {
    const ev = (lc: readonly { wire: number; coeff: bigint }[]) => lc.reduce((s, t) => s + t.coeff * vals[t.wire]!, 0n) % p;
    const [a, b, c] = parsed.constraints[i]!;
    return (ev(a) * ev(b) - ev(c)) % p === 0n;
  };
  let checked = 0;
  const vals = [...values];
  for (let w = 1; w < parsed.nWires; w++) {
    const original = vals[w]!;
    vals[w] = add(original, 1n);
    const caught = touching[w]!.some((i) => !holds(vals, i));
    vals[w] = original;
    assert.ok(caught, `changing wire ${w} alone leaves every constraint satisfied`);
    checked++;
  }
  return checked;
}

const irisBytes = new Uint8Array(readFileSync(path.join(REPO_ROOT, 'models', 'out', 'iris.onnx')));
const iris = compileOnnx(irisBytes);
const B = iris.config.bitWidth;
const irisWitness = iris.witness(Float32Array.of(6.3, 3.3, 6.0, 2.5), { salt: 11n });

test('iris: changing any single wire (input, salt, bit, product, commitment, public signal) breaks a constraint', () => {
  assert.equal(everySingleWireMutationFails(iris, irisWitness.values), iris.stats.wires - 1);
});

test('a max-pool and argmax circuit has no single wire an attacker can change alone', () => {
  const bytes = encodeModel(buildModel({ graph: graph({
    nodes: [
      node('MaxPool', ['x'], ['m'], [attr.ints('kernel_shape', [2, 2]), attr.ints('strides', [2, 2])], { name: 'pool' }),
      node('Flatten', ['m'], ['f']),
      node('ArgMax', ['f'], ['y'], [attr.int('axis', 1)], { name: 'argmax' }),
    ],
    inputs: [tensorValueInfo('x', TensorDataType.FLOAT, [1, 1, 4, 4])],
    outputs: [tensorValueInfo('y', TensorDataType.INT64, [1, 1])],
  }) }));
  const c = compileOnnx(bytes, { scaleBits: 4, bitWidth: 10 });
  const w = c.witness(Float32Array.from({ length: 16 }, (_, i) => ((i * 7) % 16) / 4 - 2), { salt: 5n });
  assert.deepEqual(checkWitness(c.r1cs, w.values), { ok: true });
  everySingleWireMutationFails(c, w.values);
});

test('tampered public signals and commitments to another output, input or salt are rejected', () => {
  const w = irisWitness;
  assert.deepEqual(checkWitness(iris.r1cs, w.values), { ok: true });
  const other = iris.witness(Float32Array.of(5.0, 3.4, 1.5, 0.2), { salt: 11n });
  assert.notDeepEqual(other.quantizedOutput, w.quantizedOutput);
  const swaps: [string, number, bigint][] = [
    ['public input commitment + 1', 1, add(w.inputCommitment, 1n)],
    ['output commitment of another output, same salt', 2, poseidonCommitment(other.quantizedOutput, 11n, B)],
    ['output commitment with another salt', 2, poseidonCommitment(w.quantizedOutput, 12n, B)],
    ['input commitment of another input', 1, poseidonCommitment(other.quantizedInput, 11n, B)],
    ['input commitment with another salt', 1, poseidonCommitment(w.quantizedInput, 12n, B)],
  ];
  for (const [what, wire, value] of swaps) {
    const bad = [...w.values];
    bad[wire] = value;
    assert.equal(checkWitness(iris.r1cs, bad).ok, false, what);
  }
  // Splicing another run's whole output-commitment block into this witness also fails: the output
  // commitment's Poseidon inputs are this run's output wires.
  const spliced = [...w.values];
  spliced[2] = other.values[2]!;
  assert.equal(checkWitness(iris.r1cs, spliced).ok, false);
  assert.equal(checkWitness(iris.r1cs, w.values.slice(0, -1)).ok, false, 'a short witness');
  assert.equal(checkWitness(iris.r1cs, [2n, ...w.values.slice(1)]).ok, false, 'wire 0 must be ONE');
});

test('a non-negative inputRange is checked unsigned: a negative input has no witness', () => {
  const bytes = encodeModel(buildModel({ graph: graph({
    nodes: [node('Relu', ['x'], ['y'], [], { name: 'relu' })],
    inputs: [tensorValueInfo('x', TensorDataType.FLOAT, [1, 2])],
    outputs: [tensorValueInfo('y', TensorDataType.FLOAT, [1, 2])],
  }) }));
  // [0, 1] at scale 2^8 is [0, 256]: 9 unsigned bits (signed-offset would take 10), plus the recomposition.
  const c = compileOnnx(bytes, { scaleBits: 8, bitWidth: 12, inputRange: [0, 1] });
  assert.equal(c.stats.perOp.find((o) => o.node === '(input)' && o.op === 'RangeCheck')?.constraints, 2 * (9 + 1));
  const w = c.witness(Float32Array.of(0.5, 1), { salt: 3n });
  assert.deepEqual(checkWitness(c.r1cs, w.values), { ok: true });
  everySingleWireMutationFails(c, w.values);
  // Wire order (docs/zk.md §2): ONE, 2 public commitments, the 2 input elements, 2 salts, then the
  // first input element's 9 bits, least significant first.
  const x0 = 1 + c.nPublic;
  const bits0 = x0 + 4;
  assert.equal(w.values[x0], 128n);
  assert.deepEqual(w.values.slice(bits0, bits0 + 9), [0n, 0n, 0n, 0n, 0n, 0n, 0n, 1n, 0n]);
  // -0.5 = -128: the real generator refuses it; a generator that skips the check would write the field
  // element p - 128 and the low 9 bits of -128, and the recomposition (at most 511) cannot reach p - 128.
  assert.throws(() => c.witness(Float32Array.of(-0.5, 1), { salt: 3n }), (e: Error & { code?: string }) => e.code === 'PRV_ERR_ZK_OVERFLOW' && e.message.includes('(input)'));
  const forged = [...w.values];
  forged[x0] = add(0n, -128n);
  const low = BigInt.asUintN(9, -128n);
  for (let i = 0; i < 9; i++) forged[bits0 + i] = (low >> BigInt(i)) & 1n;
  // Constraints 0-8 (the bits are boolean) hold; the first to fail is 9, x0's recomposition.
  assert.deepEqual(checkWitness(c.r1cs, forged), { ok: false, failedConstraint: 9 });
});
