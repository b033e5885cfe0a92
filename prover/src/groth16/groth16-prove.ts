import { createError } from '@provenant/protocol';
import { ProverPool, type Groth16ProveOptions, type Groth16ProveResult } from './prover-pool.js';

export type { Groth16ProofJson, Groth16ProveOptions, Groth16ProveResult } from './prover-pool.js';

/**
 * One Groth16 proof of a witness (.wtns bytes) under a proving key (.zkey bytes), in a one-shot ProverPool:
 * a fresh child process (snarkjs' full thread pool, off the main thread, STYLE rule 14) that abort and
 * deadline kill. It pays the process start and curve build every time; callers that prove repeatedly
 * keep a ProverPool instead. Inputs travel over IPC, never through files.
 */
export async function proveGroth16(zkey: Uint8Array, wtns: Uint8Array, options: Groth16ProveOptions = {}): Promise<Groth16ProveResult> {
  if (!(zkey instanceof Uint8Array) || !(wtns instanceof Uint8Array)) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', 'zkey and wtns must be Uint8Arrays');
  }
  const pool = new ProverPool({ processes: 1, maxQueued: 1, maxCachedKeys: 1 });
  try {
    return await pool.prove({ zkeyId: 'one-shot', zkey, wtns }, options);
  } finally {
    await pool.close();
  }
}
