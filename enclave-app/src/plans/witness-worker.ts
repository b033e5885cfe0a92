import { parentPort } from 'node:worker_threads';
import { isProvenantError } from '@provenant/protocol';
import { compileOnnx, type CompiledCircuit, type QuantizationConfig } from '@provenant/prover/compiler';

/**
 * The witness thread (witness-pool.ts): compiles each zk segment once, from the same bytes and config as
 * the main thread did, and computes witnesses off the event loop. Every answer is a plain object: a
 * witness's commitments as decimal strings, or an error's code and detail, rebuilt on the other side.
 */
export interface WitnessJob {
  readonly id: number;
  readonly digest: string;
  readonly bytes: Uint8Array;
  readonly config: QuantizationConfig;
  readonly input: Float32Array;
  readonly salt: string;
  readonly outputSalt: string;
}

export type WitnessAnswer =
  | { readonly id: number; readonly ok: true; readonly wtns: Uint8Array; readonly output: Float32Array; readonly inputCommitment: string; readonly outputCommitment: string }
  | { readonly id: number; readonly ok: false; readonly code: string | undefined; readonly detail: string | undefined };

/** As many circuits as the enclave keeps prepared plans' segments for; the oldest compiled goes first. */
const MAX_CIRCUITS = 32;
const circuits = new Map<string, CompiledCircuit>();

function circuitFor(job: WitnessJob): CompiledCircuit {
  let circuit = circuits.get(job.digest);
  if (circuit === undefined) {
    circuit = compileOnnx(job.bytes, job.config);
    // The main thread's compile of the same bytes named this digest: anything else is a bug, never a witness.
    if (circuit.digest !== job.digest) throw new Error(`compiled circuit ${circuit.digest} is not ${job.digest}`);
    if (circuits.size >= MAX_CIRCUITS) circuits.delete(circuits.keys().next().value as string);
    circuits.set(job.digest, circuit);
  }
  return circuit;
}

parentPort?.on('message', (job: WitnessJob) => {
  let answer: WitnessAnswer;
  const transfer: ArrayBuffer[] = [];
  try {
    const witness = circuitFor(job).witness(job.input, { salt: BigInt(job.salt), outputSalt: BigInt(job.outputSalt) });
    answer = {
      id: job.id,
      ok: true,
      wtns: witness.wtns,
      output: witness.output,
      inputCommitment: witness.inputCommitment.toString(),
      outputCommitment: witness.outputCommitment.toString(),
    };
    // Moved rather than copied when the bytes own their buffer (a pooled Buffer slab cannot be moved).
    if (witness.wtns.byteOffset === 0 && witness.wtns.byteLength === witness.wtns.buffer.byteLength) transfer.push(witness.wtns.buffer as ArrayBuffer);
  } catch (error) {
    answer = { id: job.id, ok: false, code: isProvenantError(error) ? error.code : undefined, detail: isProvenantError(error) ? error.detail : undefined };
  }
  parentPort?.postMessage(answer, transfer);
});
