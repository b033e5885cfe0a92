import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { proveGroth16, setupGroth16, type Groth16ProveResult, type Groth16Setup } from '@provenant/prover';
import { tinyMultiplyCircuit, type TinyCircuit } from './tiny-r1cs.js';

export interface TinyProof {
  readonly circuit: TinyCircuit;
  readonly cacheDir: string;
  readonly setup: Groth16Setup;
  /** Proof that 3 * 11 = 33. */
  readonly proved: Groth16ProveResult;
  cleanup(): Promise<void>;
}

/** A Groth16 setup of x * y = z on a dev ptau (power 2: instant) in a fresh temporary cache, and one proof. */
export async function tinySetupAndProof(): Promise<TinyProof> {
  const cacheDir = await mkdtemp(path.join(os.tmpdir(), 'provenant-zk-'));
  const circuit = tinyMultiplyCircuit();
  const setup = await setupGroth16(circuit, { ptau: { kind: 'dev' }, cacheDir, beaconHex: '00'.repeat(32) });
  const proved = await proveGroth16(setup.zkey, circuit.witness(3n, 11n));
  return { circuit, cacheDir, setup, proved, cleanup: () => rm(cacheDir, { recursive: true, force: true }) };
}
