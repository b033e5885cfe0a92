import { curves, groth16 } from 'snarkjs';
import { loadNativeGroth16Binding } from '../native/native-groth16-binding.js';
import { proveGroth16NativeTimed } from '../native/native-groth16-prove.js';
import { PhaseLogger, type ProveReply, type ProveRequest } from './prover-pool-protocol.js';

/**
 * A long-lived proving process of ProverPool (prover-pool.ts): it builds snarkjs' bn128 curve (WASM and
 * ffjavascript's worker-thread pool) once, keeps the zkeys the parent sent by id, and proves jobs one after
 * another. A process rather than a worker_threads Worker: ffjavascript builds its thread pool with the
 * `web-worker` package, which inside a worker thread turns into its worker-side shim and has no Worker
 * constructor, so a worker thread could only prove single-threaded. The parent kills this process on
 * abort or deadline and starts another; the curve is never terminated here, the process exit ends it.
 */
const native = process.argv[2] === 'native';
// The native prover needs no WASM curve; the pool checked in the parent that its addon loads.
if (native) loadNativeGroth16Binding();
const curveReady: Promise<unknown> = native ? Promise.resolve() : curves.getCurveFromName('bn128');
// A rejected build is reported by the first job that awaits it; this keeps it from being "unhandled" first.
curveReady.catch(() => {});
const keys = new Map<string, Uint8Array>();
let queue: Promise<void> = Promise.resolve();

process.on('message', (request: ProveRequest) => {
  queue = queue.then(async () => {
    const reply = await prove(request);
    process.send?.(reply);
  });
});
// The parent went away (closed the pool or exited): nothing more can arrive.
process.on('disconnect', () => process.exit(0));

async function prove(request: ProveRequest): Promise<ProveReply> {
  const { jobId } = request;
  try {
    for (const id of request.evict) keys.delete(id);
    if (request.zkey !== undefined) keys.set(request.zkeyId, request.zkey);
    const zkey = keys.get(request.zkeyId);
    if (zkey === undefined) throw new Error(`zkey ${request.zkeyId} is not cached in this process`);
    if (native) {
      const { proof, publicSignals, proveMs, phasesMs } = await proveGroth16NativeTimed(zkey, request.wtns);
      return { type: 'result', jobId, ok: true, proof, publicSignals: [...publicSignals], maxRssKiB: process.resourceUsage().maxRSS, snarkjsProveMs: proveMs, phasesMs };
    }
    await curveReady;
    const logger = new PhaseLogger();
    // Timed with the curve already built: excludes process start, module loading and the WASM curve build.
    const started = performance.now();
    // fastfile opens a { type: 'mem' } input read-only, so the cached bytes are never written to.
    const { proof, publicSignals } = await groth16.prove({ type: 'mem', data: zkey }, { type: 'mem', data: request.wtns }, logger);
    const ended = performance.now();
    if (logger.errors.length > 0) throw new Error(logger.errors.join('; '));
    return {
      type: 'result',
      jobId,
      ok: true,
      proof,
      publicSignals,
      maxRssKiB: process.resourceUsage().maxRSS,
      snarkjsProveMs: ended - started,
      phasesMs: logger.phases(ended),
    };
  } catch (error) {
    // A key snarkjs could not use is not kept: the parent drops it from its mirror on any failure too.
    keys.delete(request.zkeyId);
    return { type: 'result', jobId, ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}
