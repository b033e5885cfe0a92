import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Settles with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
}

/** Starts `node <script> ...args`, prefixing each line it writes to stderr with its name. */
export function startChild(name: string, script: string, args: readonly string[], stderr: NodeJS.WritableStream): Child {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.write(`[${name}] ${line}\n`));
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', () => resolve('spawn-failed'));
  });
  return { name, process: child, exited };
}

/** Resolves with the first stdout line matching `pattern`, or rejects when the child exits or time runs out. */
export function waitForLine(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.process.stdout! });
    const timer = setTimeout(() => finish(new Error(`${child.name} did not report ready within ${timeoutMs} ms`)), timeoutMs);
    const finish = (outcome: RegExpMatchArray | Error): void => {
      clearTimeout(timer);
      lines.removeAllListeners('line');
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };
    lines.on('line', (line) => {
      const match = line.match(pattern);
      if (match !== null) finish(match);
    });
    void child.exited.then((code) => finish(new Error(`${child.name} exited (${code}) before it was ready`)));
  });
}

/** SIGTERM, then SIGKILL if the child has not exited within `graceMs`. */
export async function stopChild(child: Child, graceMs: number): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}
