import { groth16 } from 'snarkjs';
import { withBn128 } from './bn128-session.js';
import { CollectingLogger } from './snarkjs-logger.js';

/**
 * A child process that runs one snarkjs groth16.prove (groth16-prove.ts forks it). A process rather than a
 * worker_threads Worker: ffjavascript builds its thread pool with the `web-worker` package, which inside a
 * worker thread turns into its worker-side shim and has no Worker constructor, so a worker thread could
 * only prove single-threaded. The parent kills this process on abort or deadline.
 */
interface ProveJob {
  readonly zkey: Uint8Array;
  readonly wtns: Uint8Array;
}

process.once('message', (job: ProveJob) => {
  void prove(job).then((reply) => {
    process.send?.(reply, () => process.disconnect());
  });
});

async function prove(job: ProveJob): Promise<Record<string, unknown>> {
  const logger = new CollectingLogger('prove');
  try {
    let snarkjsProveMs = 0;
    const { proof, publicSignals } = await withBn128(async () => {
      // Timed inside the curve session: excludes process start, module loading and the WASM curve build.
      const started = performance.now();
      const result = await groth16.prove({ type: 'mem', data: new Uint8Array(job.zkey) }, { type: 'mem', data: new Uint8Array(job.wtns) }, logger);
      snarkjsProveMs = performance.now() - started;
      return result;
    });
    return { ok: true, proof, publicSignals, maxRssKiB: process.resourceUsage().maxRSS, snarkjsProveMs };
  } catch (error) {
    return { ok: false, reason: [error instanceof Error ? error.message : String(error), ...logger.errors].join('; ') };
  }
}
