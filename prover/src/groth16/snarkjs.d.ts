/**
 * The slice of snarkjs 0.7.6 (no bundled types) that prover/src/groth16 uses. File arguments are fastfile
 * descriptors; `{ type: 'mem' }` outputs get `.data` filled in. Many calls log and return a sentinel on
 * bad input instead of throwing, so callers check results.
 */
declare module 'snarkjs' {
  export interface MemFile {
    type: 'mem';
    data?: Uint8Array;
  }
  export interface SnarkjsLogger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
    log?(message: string): void;
  }
  export interface Bn128Curve {
    terminate(): Promise<void>;
  }
  export interface SnarkjsProof {
    pi_a: string[];
    pi_b: string[][];
    pi_c: string[];
    protocol: string;
    curve: string;
  }
  export const curves: {
    getCurveFromName(name: string, options?: { singleThread?: boolean }): Promise<Bn128Curve>;
  };
  export const powersOfTau: {
    newAccumulator(curve: Bn128Curve, power: number, out: MemFile, logger?: SnarkjsLogger): Promise<unknown>;
    contribute(old: MemFile, out: MemFile, name: string, entropy: string, logger?: SnarkjsLogger): Promise<unknown>;
    beacon(old: MemFile, out: MemFile, name: string, beaconHashHex: string, numIterationsExp: number, logger?: SnarkjsLogger): Promise<unknown>;
    preparePhase2(old: MemFile, out: MemFile, logger?: SnarkjsLogger): Promise<unknown>;
  };
  export const zKey: {
    newZKey(r1cs: MemFile, ptau: MemFile, out: MemFile, logger?: SnarkjsLogger): Promise<unknown>;
    contribute(old: MemFile, out: MemFile, name: string, entropy: string, logger?: SnarkjsLogger): Promise<unknown>;
    beacon(old: MemFile, out: MemFile, name: string, beaconHashHex: string, numIterationsExp: number, logger?: SnarkjsLogger): Promise<unknown>;
    exportVerificationKey(zkey: MemFile, logger?: SnarkjsLogger): Promise<Record<string, unknown>>;
    exportSolidityVerifier(zkey: MemFile, templates: { groth16: string }, logger?: SnarkjsLogger): Promise<string>;
  };
  export const groth16: {
    prove(zkey: MemFile, wtns: MemFile, logger?: SnarkjsLogger): Promise<{ proof: SnarkjsProof; publicSignals: string[] }>;
    verify(vk: unknown, publicSignals: unknown, proof: unknown, logger?: SnarkjsLogger): Promise<boolean>;
  };
}
