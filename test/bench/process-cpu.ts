import { readdirSync, readFileSync } from 'node:fs';

/**
 * On-CPU time of whole processes (every thread), in nanoseconds, from Linux's /proc/<pid>/task/<tid>/schedstat
 * (first field: time spent on the CPU, Documentation/scheduler/sched-stats.rst). Unlike latency it barely
 * moves when other work shares the machine, so the bench uses it as the contention-robust measure of what
 * the servers do per request. Undefined where /proc is not there (not Linux).
 */
export function processCpuNs(pids: readonly number[]): bigint | undefined {
  try {
    let total = 0n;
    for (const pid of pids) {
      for (const tid of readdirSync(`/proc/${pid}/task`)) {
        const [onCpu] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ');
        total += BigInt(onCpu ?? '0');
      }
    }
    return total;
  } catch {
    return undefined;
  }
}
