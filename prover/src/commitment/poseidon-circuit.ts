import { fmod } from '../field/bn254-field.js';
import type { ConstraintSystem } from '../circuit/constraint-system.js';
import { ONE_SIGNAL, lcAccumulate, lcConst, lcSignal, type Lc } from '../circuit/linear-combination.js';
import { COMMITMENT_CHUNK, COMMITMENT_DOMAIN_TAG, valuesPerElement } from './poseidon-commitment.js';
import { poseidonParams, type PoseidonParams } from './poseidon-params.js';

/**
 * Poseidon as constraints: each S-box x^5 costs 3 multiplications (x², x⁴, x⁵); round constants and
 * the MDS matrix fold into linear combinations. In partial rounds only state[0] passes the S-box, so
 * the other elements stay linear in (the state entering the partial rounds, the S-box outputs so
 * far): PartialTemplate precomputes those coefficients once per width, so a permutation's linear
 * combinations are built without re-multiplying the MDS matrix symbolically every time.
 */
interface PartialTemplate {
  /** Per partial round, the S-box input over [state_in (t), y_0..y_{R_P-1}, 1]. */
  readonly sboxInputs: readonly bigint[][];
  /** The t state elements after the partial rounds, over the same basis. */
  readonly stateOut: readonly bigint[][];
}

const templates = new Map<number, PartialTemplate>();

function partialTemplate(p: PoseidonParams, firstRound: number): PartialTemplate {
  const hit = templates.get(p.t);
  if (hit !== undefined) return hit;
  const { t, roundsPartial: rp, mds, roundConstants } = p;
  const n = t + rp + 1;
  const constIdx = n - 1;
  let state: bigint[][] = [];
  for (let j = 0; j < t; j++) {
    const v = new Array<bigint>(n).fill(0n);
    v[j] = 1n;
    state.push(v);
  }
  const sboxInputs: bigint[][] = [];
  for (let r = 0; r < rp; r++) {
    const rc = roundConstants[firstRound + r]!;
    for (let j = 0; j < t; j++) state[j]![constIdx] = fmod(state[j]![constIdx]! + rc[j]!);
    sboxInputs.push(state[0]!);
    const y = new Array<bigint>(n).fill(0n);
    y[t + r] = 1n;
    state[0] = y;
    const used = t + r + 1; // basis entries that can be non-zero so far (plus the constant)
    const next: bigint[][] = [];
    for (let j = 0; j < t; j++) {
      const row = new Array<bigint>(n).fill(0n);
      for (let k = 0; k < t; k++) {
        const m = mds[j]![k]!;
        const src = state[k]!;
        for (let b = 0; b < used; b++) if (src[b] !== 0n) row[b] = row[b]! + m * src[b]!;
        row[constIdx] = row[constIdx]! + m * src[constIdx]!;
      }
      next.push(row.map(fmod));
    }
    state = next;
  }
  const template = { sboxInputs, stateOut: state };
  templates.set(t, template);
  return template;
}

function sbox(cs: ConstraintSystem, x: Lc): Lc {
  const xv = cs.value(x);
  const x2 = cs.newSignal('internal', xv * xv);
  cs.enforce(x, x, lcSignal(x2));
  const x2v = fmod(xv * xv);
  const x4 = cs.newSignal('internal', x2v * x2v);
  cs.enforce(lcSignal(x2), lcSignal(x2), lcSignal(x4));
  const x5 = cs.newSignal('internal', fmod(x2v * x2v) * xv);
  cs.enforce(lcSignal(x4), x, lcSignal(x5));
  return lcSignal(x5);
}

function applyMds(p: PoseidonParams, state: readonly Lc[]): Lc[] {
  return p.mds.map((row) => {
    const out: Lc = new Map();
    for (let k = 0; k < p.t; k++) lcAccumulate(out, state[k]!, row[k]!);
    return out;
  });
}

function instantiate(coeffs: readonly bigint[], basis: readonly Lc[]): Lc {
  const out: Lc = new Map();
  for (let b = 0; b < coeffs.length; b++) if (coeffs[b] !== 0n) lcAccumulate(out, basis[b]!, coeffs[b]!);
  // (a zero coefficient is the only way an unfilled y_r slot can be met)
  return out;
}

/** circomlib Poseidon(inputs) in-circuit; returns the output as a linear combination. */
export function poseidonGadget(cs: ConstraintSystem, inputs: readonly Lc[]): Lc {
  const p = poseidonParams(inputs.length);
  const half = 4; // R_F / 2
  let state: Lc[] = [new Map(), ...inputs];
  let round = 0;
  const fullRound = (): void => {
    const rc = p.roundConstants[round++]!;
    state = applyMds(p, state.map((x, j) => sbox(cs, lcAccumulate(new Map(x), lcConst(rc[j]!)))));
  };
  for (let i = 0; i < half; i++) fullRound();
  const template = partialTemplate(p, round);
  // Basis [state_in (t), y_0..y_{R_P-1}, ONE]; y_r is filled in once its S-box is built.
  const basis: Lc[] = [...state];
  const oneIdx = p.t + p.roundsPartial;
  basis[oneIdx] = new Map([[ONE_SIGNAL, 1n]]);
  template.sboxInputs.forEach((input, r) => {
    basis[p.t + r] = sbox(cs, instantiate(input, basis));
  });
  state = template.stateOut.map((row) => instantiate(row, basis));
  round += p.roundsPartial;
  for (let i = 0; i < half; i++) fullRound();
  return state[0]!;
}

/**
 * The commitment of docs/zk.md §3 over in-circuit values, equal to poseidonCommitment. Every value
 * must already be constrained to [-2^(W-1), 2^(W-1)): packing is then a free linear combination.
 */
export function commitmentGadget(cs: ConstraintSystem, values: readonly Lc[], salt: Lc, width: number): Lc {
  const k = valuesPerElement(width);
  const offset = 1n << BigInt(width - 1);
  const packed: Lc[] = [];
  for (let i = 0; i < values.length; i += k) {
    const e: Lc = new Map();
    for (let j = 0; j < k && i + j < values.length; j++) {
      const weight = 1n << BigInt(width * j);
      lcAccumulate(e, values[i + j]!, weight);
      lcAccumulate(e, lcConst(offset * weight));
    }
    packed.push(e);
  }
  let h = poseidonGadget(cs, [lcConst(COMMITMENT_DOMAIN_TAG), lcConst(BigInt(values.length)), lcConst(BigInt(width)), salt]);
  for (let i = 0; i < packed.length; i += COMMITMENT_CHUNK) {
    const block = [h];
    for (let j = 0; j < COMMITMENT_CHUNK; j++) block.push(packed[i + j] ?? new Map());
    h = poseidonGadget(cs, block);
  }
  return h;
}
