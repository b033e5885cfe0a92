import { createRequire } from 'node:module';
import { createError } from '@provenant/protocol';

/** What the C addon (prover/native/groth16-addon.c) exports. */
export interface NativeGroth16Binding {
  /**
   * One proof on a libuv pool thread. rs = r || s (32-byte little-endian each, below the group order).
   * Resolves with affine coordinates in standard form, 32-byte little-endian each (all zero = infinity);
   * rejects with an Error whose code is ZKEY_MALFORMED, WTNS_MALFORMED, MISMATCH, RANDOMNESS or NO_MEMORY.
   */
  prove(zkey: Uint8Array, wtns: Uint8Array, rs: Uint8Array): Promise<NativeProofBytes>;
  /**
   * scalars[i] · base for each 32-byte little-endian scalar, on a libuv pool thread. base and the result are
   * affine points as .ptau and .zkey files hold them (Montgomery coordinates, 32-byte little-endian words;
   * G1 64 bytes, G2 128; all zero = infinity). Throws ERR_INVALID_ARG_* on bad arguments, rejects NO_MEMORY.
   */
  fixedBaseMul(group: 1 | 2, base: Uint8Array, scalars: Uint8Array): Promise<Uint8Array>;
  /** The field multiplications this build can run, against each other on `iterations` random pairs per modulus. */
  fieldCheck(iterations: number): { readonly adx: boolean; readonly mismatches: number };
  readonly abiVersion: number;
}

export interface NativeProofBytes {
  /** x, y */
  readonly a: Uint8Array;
  /** x.c0, x.c1, y.c0, y.c1 */
  readonly b: Uint8Array;
  readonly c: Uint8Array;
  /** nPublic values, 32 bytes each */
  readonly publicSignals: Uint8Array;
  /** ms per step: read, abc, fft, msmA, msmB1, msmC, msmH, msmB2G2, blind */
  readonly phasesMs: readonly number[];
}

/** Bumped with the addon's NAPI_MODULE_INIT whenever its exports' contract changes. */
export const NATIVE_GROTH16_ABI_VERSION = 3;
/** Where node-gyp puts the addon (`node-gyp rebuild --directory=native`), relative to dist/native/. */
const ADDON_CANDIDATES = ['../../native/build/Release/groth16.node', '../../native/build/Debug/groth16.node'] as const;

const requireFromHere = createRequire(import.meta.url);
let cached: NativeGroth16Binding | undefined;

/** Loads the addon on first use, never at import time, so the prover imports cleanly where it was not built. */
export function loadNativeGroth16Binding(): NativeGroth16Binding {
  if (cached !== undefined) return cached;
  const failures: string[] = [];
  for (const candidate of ADDON_CANDIDATES) {
    let loaded: unknown;
    try {
      loaded = requireFromHere(candidate);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'MODULE_NOT_FOUND') {
        failures.push(`${candidate}: not built`);
        continue;
      }
      // Present but unloadable (wrong architecture or Node ABI): do not fall through to Debug.
      throw createError('PRV_ERR_ZK_NATIVE_UNAVAILABLE', `${candidate}: ${String(code ?? error)}`, { cause: error });
    }
    const binding = loaded as Partial<NativeGroth16Binding> | null;
    if (typeof binding !== 'object' || binding === null || typeof binding.prove !== 'function' || binding.abiVersion !== NATIVE_GROTH16_ABI_VERSION) {
      throw createError('PRV_ERR_ZK_NATIVE_UNAVAILABLE', `${candidate}: not the expected addon (abiVersion ${String(binding?.abiVersion)}, want ${NATIVE_GROTH16_ABI_VERSION})`);
    }
    cached = binding as NativeGroth16Binding;
    return cached;
  }
  throw createError('PRV_ERR_ZK_NATIVE_UNAVAILABLE', `${failures.join('; ')} (run npm ci with a C toolchain; see prover/native/README.md)`);
}

/** True when the addon loads; for callers that fall back to snarkjs instead of failing. */
export function nativeGroth16Available(): boolean {
  try {
    loadNativeGroth16Binding();
    return true;
  } catch {
    return false;
  }
}

/** Runs the addon's field self-check (fieldCheck): which multiplication it uses, and any disagreement. */
export function checkNativeField(iterations: number): { readonly adx: boolean; readonly mismatches: number } {
  return loadNativeGroth16Binding().fieldCheck(iterations);
}
