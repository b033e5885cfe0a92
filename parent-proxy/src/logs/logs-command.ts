import { parseArgs } from 'node:util';
import { isProvenantError } from '@provenant/protocol';
import { formatTransportAddress, parseTransportAddress } from '@provenant/transport';
import { startLogReceiver } from './log-receiver.js';
import { MAX_ENCLAVE_LOG_LINE_BYTES } from './untrusted-log-lines.js';

export interface LogsCommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface LogsCommandOptions {
  /** Stops the receiver when aborted; by default SIGINT and SIGTERM do. */
  readonly signal?: AbortSignal;
  /** Called once the receiver listens (tests wait on it). */
  readonly onListening?: (address: string) => void;
}

export const LOGS_USAGE = `usage: provenant logs --listen ADDRESS [--max-line-bytes N]

Receives the enclave daemons' log lines (their config logSink, e.g. vsock://3:5001) and writes each to
stderr prefixed with its source: "[enclave cid 16] {...}". Lines are untrusted text: cut at
--max-line-bytes (default ${MAX_ENCLAVE_LOG_LINE_BYTES}) and stripped of control characters.

  --listen ADDRESS       vsock://ANY:5001 | unix:///path | tcp://127.0.0.1:PORT
  --max-line-bytes N     longest line printed (1..${MAX_ENCLAVE_LOG_LINE_BYTES})
`;

/**
 * `provenant logs --listen ADDRESS`: a process of its own rather than a proxy flag, so enclave logs are
 * collected while the proxy is down, restarting or failing to start, which is when boot logs matter.
 * Exit codes: 0 after a clean stop, 2 for bad flags, 1 when it cannot listen.
 */
export async function runLogsCommand(argv: readonly string[], io: LogsCommandIo, options: LogsCommandOptions = {}): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(LOGS_USAGE);
    return 0;
  }
  let address: string;
  let maxLineBytes = MAX_ENCLAVE_LOG_LINE_BYTES;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { 'listen': { type: 'string' }, 'max-line-bytes': { type: 'string' } },
      strict: true,
      allowPositionals: false,
    });
    if (values.listen === undefined) throw new Error('--listen ADDRESS is required');
    address = values.listen;
    parseTransportAddress(address);
    const max = values['max-line-bytes'];
    if (max !== undefined) {
      if (!/^[0-9]{1,9}$/.test(max) || Number(max) < 1 || Number(max) > MAX_ENCLAVE_LOG_LINE_BYTES) {
        throw new Error(`--max-line-bytes must be an integer in [1, ${MAX_ENCLAVE_LOG_LINE_BYTES}]`);
      }
      maxLineBytes = Number(max);
    }
  } catch (error) {
    io.stderr.write(`provenant logs: ${(error as Error).message}\n${LOGS_USAGE}`);
    return 2;
  }
  let receiver;
  try {
    receiver = await startLogReceiver({
      listen: address,
      maxLineBytes,
      onLine: (source, line) => io.stderr.write(`[${source}] ${line}\n`),
      onEvent: (event, source) => io.stderr.write(`provenant logs: ${source} ${event}\n`),
    });
  } catch (error) {
    io.stderr.write(`provenant logs: cannot listen: ${isProvenantError(error) ? error.message : (error as { code?: string }).code ?? 'error'}\n`);
    return 1;
  }
  const listening = formatTransportAddress(receiver.address);
  io.stdout.write(`provenant logs: listening on ${listening}\n`);
  options.onListening?.(listening);
  await new Promise<void>((resolve) => {
    if (options.signal !== undefined) {
      if (options.signal.aborted) resolve();
      else options.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const onSignal = (): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await receiver.close();
  return 0;
}
