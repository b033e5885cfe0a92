import { Worker } from 'node:worker_threads';
import { createError, isErrorCode, type ProvenantError } from '@provenant/protocol';
import type { CompiledCircuit } from '@provenant/prover';
import type { WitnessAnswer, WitnessJob } from './witness-worker.js';

/** What a plan run needs of a witness: the .wtns for the prover, the commitments for the cuts, the output. */
export interface RemoteWitness {
  readonly wtns: Uint8Array;
  readonly output: Float32Array;
  readonly inputCommitment: bigint;
  readonly outputCommitment: bigint;
}

export interface WitnessRequest {
  /** The main thread's compile of `bytes`: the thread compiles its own and checks it has this digest. */
  readonly circuit: CompiledCircuit;
  /** The segment's ONNX bytes, compiled once per thread. */
  readonly bytes: Uint8Array;
  readonly input: Float32Array;
  readonly salt: bigint;
  readonly outputSalt: bigint;
}

interface Pending {
  readonly resolve: (witness: RemoteWitness) => void;
  readonly reject: (error: ProvenantError) => void;
}

/**
 * Witnesses on a worker thread. A witness is JavaScript bigint work (tens of ms for iris, ~0.3 s for
 * the MNIST MLP) and sits on its request's path, since the claims carry its commitments; on the main
 * thread it would also stall every other request for that long. One thread: plan runs already hold a
 * work-queue slot each, so their number is bounded there. A thread that dies fails what it held with
 * PRV_ERR_INTERNAL and is replaced on the next call.
 */
export class WitnessPool {
  #worker: Worker | undefined;
  #nextId = 1;
  readonly #pending = new Map<number, Pending>();
  #closed = false;

  witness(request: WitnessRequest): Promise<RemoteWitness> {
    if (this.#closed) return Promise.reject(createError('PRV_ERR_ENCLAVE_STOPPING'));
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId++;
    const job: WitnessJob = {
      id,
      digest: request.circuit.digest,
      bytes: request.bytes,
      config: request.circuit.config,
      input: request.input,
      salt: request.salt.toString(),
      outputSalt: request.outputSalt.toString(),
    };
    return new Promise<RemoteWitness>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      // Held while it has work; an idle thread must not keep the daemon alive at shutdown.
      worker.ref();
      worker.postMessage(job);
    });
  }

  /** Ends the thread; anything still waiting fails with PRV_ERR_ENCLAVE_STOPPING. */
  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = undefined;
    this.#failAll(createError('PRV_ERR_ENCLAVE_STOPPING'));
    await worker?.terminate();
  }

  #start(): Worker {
    const worker = new Worker(new URL('./witness-worker.js', import.meta.url));
    worker.on('message', (answer: WitnessAnswer) => this.#answer(answer));
    worker.on('error', () => undefined);
    worker.on('exit', () => {
      if (this.#worker !== worker) return;
      this.#worker = undefined;
      this.#failAll(createError('PRV_ERR_INTERNAL', 'the witness thread stopped'));
    });
    this.#worker = worker;
    return worker;
  }

  #answer(answer: WitnessAnswer): void {
    const pending = this.#pending.get(answer.id);
    if (pending === undefined) return;
    this.#pending.delete(answer.id);
    if (this.#pending.size === 0) this.#worker?.unref();
    if (answer.ok) {
      pending.resolve({ wtns: answer.wtns, output: answer.output, inputCommitment: BigInt(answer.inputCommitment), outputCommitment: BigInt(answer.outputCommitment) });
      return;
    }
    // Coded errors (an input out of the circuit's range) keep their code; anything else is internal.
    pending.reject(answer.code !== undefined && isErrorCode(answer.code) ? createError(answer.code, answer.detail) : createError('PRV_ERR_INTERNAL', 'witness failed'));
  }

  #failAll(error: ProvenantError): void {
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.reject(error);
  }
}
