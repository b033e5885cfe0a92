/**
 * Reconnect delays: exponential with "equal jitter" (half fixed, half random), so a fleet of proxies that
 * lost the same enclave do not reconnect in lockstep, while each still waits at least half the step.
 */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
  /** Injectable for tests; returns [0, 1). */
  readonly random?: () => number;
}

export function backoffDelayMs(attempt: number, options: BackoffOptions): number {
  const step = Math.min(options.maxMs, options.initialMs * 2 ** Math.min(attempt, 30));
  const random = options.random ?? Math.random;
  return Math.round(step / 2 + (step / 2) * random());
}
