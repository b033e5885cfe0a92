import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createError } from '@provenant/protocol';

/** snarkjs' proof.json, as JSON: pi_a/pi_c G1 and pi_b G2 in projective decimal form. */
export interface Groth16ProofJson {
  readonly pi_a: readonly string[];
  readonly pi_b: readonly (readonly string[])[];
  readonly pi_c: readonly string[];
  readonly protocol: string;
  readonly curve: string;
}

export interface Groth16ProveResult {
  readonly proof: Groth16ProofJson;
  /** Decimal strings, snarkjs order (outputs, then public inputs). */
  readonly publicSignals: readonly string[];
  /** Peak resident set of the proving process, in KiB (process.resourceUsage().maxRSS). */
  readonly maxRssKiB: number;
  /** Time of snarkjs' groth16.prove alone, in ms, without process start-up and curve build. */
  readonly snarkjsProveMs: number;
}

export interface Groth16ProveOptions {
  /** Kills the proving process when it fires (PRV_ERR_ZK_PROVE_ABORTED). */
  readonly signal?: AbortSignal;
  /** Deadline for the whole proof, in milliseconds (PRV_ERR_ZK_PROVE_TIMEOUT); default none. */
  readonly timeoutMs?: number;
}

/** A proof that runs longer than a day is a bug, not a proof; setTimeout also caps at 2^31-1 ms. */
const MAX_PROVE_TIMEOUT_MS = 24 * 60 * 60 * 1000;
const CHILD = fileURLToPath(new URL('./prove-child.js', import.meta.url));

/**
 * Groth16 proof of a witness (.wtns bytes) under a proving key (.zkey bytes), computed by snarkjs off the
 * main thread (STYLE rule 14) in a child process with snarkjs' full thread pool (see prove-child.ts for
 * why not a worker thread); abort and deadline kill it. Inputs travel over IPC, never through files.
 */
export function proveGroth16(zkey: Uint8Array, wtns: Uint8Array, options: Groth16ProveOptions = {}): Promise<Groth16ProveResult> {
  if (!(zkey instanceof Uint8Array) || !(wtns instanceof Uint8Array)) {
    return Promise.reject(createError('PRV_ERR_INVALID_ARGUMENT', 'zkey and wtns must be Uint8Arrays'));
  }
  const { signal, timeoutMs } = options;
  if (timeoutMs !== undefined && (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0 || timeoutMs > MAX_PROVE_TIMEOUT_MS)) {
    return Promise.reject(createError('PRV_ERR_INVALID_ARGUMENT', `timeoutMs must be an integer in [1, ${MAX_PROVE_TIMEOUT_MS}]`));
  }
  if (signal?.aborted === true) return Promise.reject(createError('PRV_ERR_ZK_PROVE_ABORTED', 'aborted before start'));

  return new Promise<Groth16ProveResult>((resolve, reject) => {
    // 'advanced' serialization carries Uint8Arrays as bytes (structured clone), not as JSON objects.
    const child = fork(CHILD, [], { serialization: 'advanced', stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < 4096) stderr += chunk;
    });
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      outcome();
    };
    const stop = (code: 'PRV_ERR_ZK_PROVE_ABORTED' | 'PRV_ERR_ZK_PROVE_TIMEOUT', detail: string): void => {
      finish(() => reject(createError(code, detail)));
      child.kill('SIGKILL');
    };
    const onAbort = (): void => stop('PRV_ERR_ZK_PROVE_ABORTED', 'the AbortSignal fired; proving process killed');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined) {
      timer = setTimeout(() => stop('PRV_ERR_ZK_PROVE_TIMEOUT', `no proof after ${timeoutMs} ms; proving process killed`), timeoutMs);
    }
    child.once('message', (message: { ok: boolean; reason?: string } & Partial<Groth16ProveResult>) => {
      if (message.ok && message.proof !== undefined && message.publicSignals !== undefined) {
        const result = {
          proof: message.proof,
          publicSignals: message.publicSignals,
          maxRssKiB: message.maxRssKiB ?? 0,
          snarkjsProveMs: message.snarkjsProveMs ?? 0,
        };
        finish(() => resolve(result));
      } else {
        finish(() => reject(createError('PRV_ERR_ZK_PROVE_FAILED', message.reason ?? 'no proof')));
      }
    });
    child.once('error', (error) => finish(() => reject(createError('PRV_ERR_ZK_PROVE_FAILED', error.message, { cause: error }))));
    child.once('exit', (code, sig) =>
      finish(() => reject(createError('PRV_ERR_ZK_PROVE_FAILED', `proving process exited (${sig ?? code}) without a proof: ${stderr.trim()}`))),
    );
    child.send({ zkey, wtns });
  });
}
