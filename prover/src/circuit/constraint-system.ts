import { createError } from '@provenant/protocol';
import { fmod } from '../field/bn254-field.js';
import { ONE_SIGNAL, type Lc } from './linear-combination.js';

/** Where a signal lands in snarkjs' wire order: ONE, public outputs, public inputs, private inputs, the rest. */
export type SignalKind = 'publicOutput' | 'privateInput' | 'internal';

export interface Constraint {
  readonly a: Lc;
  readonly b: Lc;
  readonly c: Lc;
}

export interface OpStats {
  readonly node: string;
  readonly op: string;
  readonly constraints: number;
  readonly wires: number;
}

/**
 * Builds an R1CS and its witness in one pass. Gadgets are data-independent: the same calls in the
 * same order produce the same constraints whatever the values, so a circuit is compiled once (with
 * zero inputs, keeping the constraints) and each witness is a replay with real inputs that keeps
 * only the values (`keepConstraints: false`). The replay's shape is checked against the compiled one.
 */
export class ConstraintSystem {
  readonly keepConstraints: boolean;
  /** Overflow checks are only meaningful on real inputs; the compile pass runs on zeros. */
  readonly checkRanges: boolean;
  readonly #values: bigint[] = [1n];
  readonly #kinds: SignalKind[] = ['internal'];
  readonly #constraints: Constraint[] = [];
  #constraintCount = 0;
  readonly #ops: OpStats[] = [];
  #current: { node: string; op: string; constraints: number; wires: number } | undefined;

  readonly #maxConstraints: number;

  /** maxConstraints stops a runaway build early (PRV_ERR_ZK_UNSUPPORTED) instead of exhausting memory. */
  constructor(options: { keepConstraints: boolean; checkRanges: boolean; maxConstraints?: number }) {
    this.keepConstraints = options.keepConstraints;
    this.checkRanges = options.checkRanges;
    this.#maxConstraints = options.maxConstraints ?? Number.POSITIVE_INFINITY;
  }

  get signalCount(): number {
    return this.#values.length;
  }

  get constraintCount(): number {
    return this.#constraintCount;
  }

  get constraints(): readonly Constraint[] {
    return this.#constraints;
  }

  get ops(): readonly OpStats[] {
    return this.#ops;
  }

  /** The node whose constraints are being emitted: named in overflow errors and per-op stats. */
  get currentNode(): string {
    const cur = this.#current;
    return cur === undefined ? '"(circuit)"' : `${JSON.stringify(cur.node)} (${cur.op})`;
  }

  newSignal(kind: SignalKind, value: bigint): number {
    this.#values.push(fmod(value));
    this.#kinds.push(kind);
    return this.#values.length - 1;
  }

  value(lc: Lc): bigint {
    let sum = 0n;
    for (const [signal, coeff] of lc) sum += coeff * this.#values[signal]!;
    return fmod(sum);
  }

  /** Adds the constraint a * b = c. */
  enforce(a: Lc, b: Lc, c: Lc): void {
    if (++this.#constraintCount > this.#maxConstraints) {
      throw createError('PRV_ERR_ZK_UNSUPPORTED', `more than ${this.#maxConstraints} constraints (at node ${this.currentNode})`);
    }
    if (this.keepConstraints) this.#constraints.push({ a, b, c });
  }

  /** a = b, as (a - b) * 1 = 0. */
  enforceEqual(a: Lc, b: Lc): void {
    const diff = new Map(a);
    for (const [signal, coeff] of b) {
      const v = fmod((diff.get(signal) ?? 0n) - coeff);
      if (v === 0n) diff.delete(signal);
      else diff.set(signal, v);
    }
    this.enforce(diff, new Map([[ONE_SIGNAL, 1n]]), new Map());
  }

  /** Raised at witness time when a value leaves its declared width: never a silent wrap-around. */
  overflow(what: string): never {
    throw createError('PRV_ERR_ZK_OVERFLOW', `node ${this.currentNode}: ${what}`);
  }

  beginOp(node: string, op: string): void {
    this.#current = { node, op, constraints: this.#constraintCount, wires: this.#values.length };
  }

  endOp(): void {
    const cur = this.#current;
    if (cur === undefined) return;
    this.#ops.push({
      node: cur.node,
      op: cur.op,
      constraints: this.#constraintCount - cur.constraints,
      wires: this.#values.length - cur.wires,
    });
    this.#current = undefined;
  }

  /**
   * snarkjs' wire order (REFERENCE.md, .r1cs header): 0 = ONE, then public outputs, public inputs
   * (none here), private inputs, then intermediate signals, each group in creation order.
   * Returns wireOf[signal] and the group sizes.
   */
  wireOrder(): { wireOf: Uint32Array; nPubOut: number; nPrvIn: number } {
    const wireOf = new Uint32Array(this.#kinds.length);
    let next = 1;
    const groups: SignalKind[] = ['publicOutput', 'privateInput', 'internal'];
    const counts = new Map<SignalKind, number>();
    for (const group of groups) {
      let n = 0;
      for (let s = 1; s < this.#kinds.length; s++) {
        if (this.#kinds[s] === group) {
          wireOf[s] = next++;
          n++;
        }
      }
      counts.set(group, n);
    }
    return { wireOf, nPubOut: counts.get('publicOutput')!, nPrvIn: counts.get('privateInput')! };
  }

  /** Values in wire order: what the .wtns carries and checkWitness takes. */
  witnessValues(): bigint[] {
    const { wireOf } = this.wireOrder();
    const out = new Array<bigint>(this.#values.length);
    for (let s = 0; s < this.#values.length; s++) out[wireOf[s]!] = this.#values[s]!;
    return out;
  }
}
