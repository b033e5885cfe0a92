import type { SnarkjsLogger } from 'snarkjs';

/**
 * The IPC messages between ProverPool (prover-pool.ts) and its warm children (prover-pool-child.ts), sent
 * with 'advanced' serialization so Uint8Arrays travel as bytes (structured clone), not as JSON objects.
 * The parent sends a job only to an idle child, so a child handles one job at a time.
 */
/** Which Groth16 prover a pool's processes run (the child's first argument). */
export type ProveBackend = 'native' | 'snarkjs';

export interface ProveRequest {
  readonly type: 'prove';
  readonly jobId: number;
  readonly zkeyId: string;
  /** Present only when the parent's mirror of the child's key cache says the child lacks zkeyId. */
  readonly zkey?: Uint8Array;
  /** Ids the child drops before storing zkey: the parent decides eviction so its mirror stays exact. */
  readonly evict: readonly string[];
  readonly wtns: Uint8Array;
}

export type ProveReply =
  | {
      readonly type: 'result';
      readonly jobId: number;
      readonly ok: true;
      readonly proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol: string; curve: string };
      readonly publicSignals: string[];
      readonly maxRssKiB: number;
      readonly snarkjsProveMs: number;
      readonly phasesMs: Readonly<Record<string, number>>;
    }
  | { readonly type: 'result'; readonly jobId: number; readonly ok: false; readonly reason: string };

/**
 * snarkjs' groth16.prove (src/groth16_prove.js, 0.7.6) logs a fixed debug line before each step; ffjavascript
 * prefixes its FFT chunk lines with the label snarkjs passes ("IFFT_A"). Time between markers gives the
 * split between witness/coefficient reading, the QAP evaluation, the six FFTs, and the five MSMs.
 */
const MARKERS: ReadonlyMap<string, string> = new Map([
  ['Reading Wtns', 'read'],
  ['Building ABC', 'abc'],
  ['Join ABC', 'join'],
  ['Reading A Points', 'msmA'],
  ['Reading B1 Points', 'msmB1'],
  ['Reading B2 Points', 'msmB2G2'],
  ['Reading C Points', 'msmC'],
  ['Reading H Points', 'msmH'],
]);
const FFT_MARKER = 'IFFT_A:';

export class PhaseLogger implements SnarkjsLogger {
  readonly errors: string[] = [];
  readonly #marks: [string, number][] = [];

  debug(message: string): void {
    const phase = MARKERS.get(message);
    if (phase !== undefined) this.#marks.push([phase, performance.now()]);
    else if (message.startsWith(FFT_MARKER) && !this.#marks.some(([name]) => name === 'fft')) this.#marks.push(['fft', performance.now()]);
  }
  info(): void {}
  warn(): void {}
  error(message: string): void {
    this.errors.push(message);
  }

  /** Milliseconds per phase, each from its marker to the next (the last to `endMs`). */
  phases(endMs: number): Record<string, number> {
    const out: Record<string, number> = {};
    this.#marks.forEach(([name, at], i) => {
      out[name] = (this.#marks[i + 1]?.[1] ?? endMs) - at;
    });
    return out;
  }
}
