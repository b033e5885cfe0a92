import { randomBytes } from 'node:crypto';
import { createError } from '@provenant/protocol';
import { BN254_PRIME, writeFieldLe } from '../field/bn254-field.js';
import { loadNativeGroth16Binding } from './native-groth16-binding.js';

export interface NativeGroth16Proof {
  /** snarkjs' proof.json shape: pi_a, pi_c affine G1 [x, y, "1"], pi_b affine G2 [[x0, x1], [y0, y1], ["1", "0"]]. */
  readonly proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol: string; curve: string };
  /** Decimal strings, snarkjs order. */
  readonly publicSignals: readonly string[];
}

export interface TimedNativeGroth16Proof extends NativeGroth16Proof {
  /** Wall time of the addon call. */
  readonly proveMs: number;
  /** The addon's steps in ms (names as ProverPool reports them). */
  readonly phasesMs: Readonly<Record<string, number>>;
}

/** The order of the addon's phase timings (groth16-prove.h, g16_result.phase_ms). */
const PHASES = ['read', 'abc', 'fft', 'msmA', 'msmB1', 'msmC', 'msmH', 'msmB2G2', 'blind'] as const;

/** The codes the addon rejects with, mapped to the table (docs/errors.md). */
const NATIVE_CODES = {
  ZKEY_MALFORMED: 'PRV_ERR_ZK_ZKEY_MALFORMED',
  WTNS_MALFORMED: 'PRV_ERR_ZK_WTNS_MALFORMED',
  MISMATCH: 'PRV_ERR_ZK_WTNS_MALFORMED',
} as const;

/**
 * A Groth16 proof from the native prover (prover/native/): the same algorithm and proof.json shape as
 * snarkjs' groth16.prove, with fresh blinding scalars r, s from the OS CSPRNG. Runs on a libuv pool thread.
 * Throws PRV_ERR_ZK_NATIVE_UNAVAILABLE when the addon is not built, PRV_ERR_ZK_ZKEY_MALFORMED /
 * PRV_ERR_ZK_WTNS_MALFORMED for bytes it refuses, PRV_ERR_ZK_PROVE_FAILED otherwise.
 * The caller must not write to zkey or wtns until the promise settles (the addon reads them in place).
 */
export async function proveGroth16Native(zkey: Uint8Array, wtns: Uint8Array): Promise<NativeGroth16Proof> {
  const { proof, publicSignals } = await proveGroth16NativeTimed(zkey, wtns);
  return { proof, publicSignals };
}

/** proveGroth16Native with the addon's timings, for ProverPool and benchmarks. */
export async function proveGroth16NativeTimed(zkey: Uint8Array, wtns: Uint8Array): Promise<TimedNativeGroth16Proof> {
  if (!(zkey instanceof Uint8Array) || !(wtns instanceof Uint8Array)) {
    throw createError('PRV_ERR_INVALID_ARGUMENT', 'zkey and wtns must be Uint8Arrays');
  }
  const binding = loadNativeGroth16Binding();
  const rs = new Uint8Array(64);
  writeFieldLe(rs, 0, randomScalar());
  writeFieldLe(rs, 32, randomScalar());
  let bytes;
  const started = performance.now();
  try {
    bytes = await binding.prove(zkey, wtns, rs);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    const mapped = typeof code === 'string' && code in NATIVE_CODES ? NATIVE_CODES[code as keyof typeof NATIVE_CODES] : 'PRV_ERR_ZK_PROVE_FAILED';
    throw createError(mapped, error instanceof Error ? error.message : String(error), { cause: error });
  }
  const proveMs = performance.now() - started;
  const { a, b, c, publicSignals, phasesMs } = bytes;
  const signals: string[] = [];
  for (let i = 0; i < publicSignals.length; i += 32) signals.push(readLe(publicSignals, i).toString());
  return {
    proof: { pi_a: g1Json(a), pi_b: g2Json(b), pi_c: g1Json(c), protocol: 'groth16', curve: 'bn128' },
    publicSignals: signals,
    proveMs,
    phasesMs: Object.fromEntries(PHASES.map((name, i) => [name, phasesMs[i] ?? 0])),
  };
}

/** Uniform below r up to 2^-256: a 512-bit draw reduced mod r. */
function randomScalar(): bigint {
  return readLe(randomBytes(64), 0, 64) % BN254_PRIME;
}

function readLe(bytes: Uint8Array, offset: number, length = 32): bigint {
  let v = 0n;
  for (let i = offset + length - 1; i >= offset; i--) v = (v << 8n) | BigInt(bytes[i]!);
  return v;
}

/** snarkjs' G1.toObject(toAffine(p)): [x, y, "1"], or [0, 1, 0] for infinity. */
function g1Json(p: Uint8Array): string[] {
  const x = readLe(p, 0);
  const y = readLe(p, 32);
  return x === 0n && y === 0n ? ['0', '1', '0'] : [x.toString(), y.toString(), '1'];
}

function g2Json(p: Uint8Array): string[][] {
  const [x0, x1, y0, y1] = [0, 32, 64, 96].map((o) => readLe(p, o)) as [bigint, bigint, bigint, bigint];
  if (x0 === 0n && x1 === 0n && y0 === 0n && y1 === 0n) return [['0', '0'], ['1', '0'], ['0', '0']];
  return [[x0.toString(), x1.toString()], [y0.toString(), y1.toString()], ['1', '0']];
}
