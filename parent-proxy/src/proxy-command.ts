import { isProvenantError } from '@provenant/protocol';
import { PROXY_USAGE, proxyConfigFromArgs } from './config/proxy-config.js';
import { ProxyService } from './proxy-service.js';

export interface ProxyCommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
}

export interface ProxyCommandOptions {
  /** Stops the proxy when aborted; by default SIGINT and SIGTERM do. */
  readonly signal?: AbortSignal;
  /** Called with the URL once the proxy listens (the dev command and tests wait on it). */
  readonly onListening?: (url: string, service: ProxyService) => void;
}

/**
 * `provenant proxy ...`: runs until SIGINT/SIGTERM (or the given signal), then stops cleanly.
 * Exit codes: 0 after a clean stop, 2 for bad flags or config, 1 when the proxy could not start.
 */
export async function runProxyCommand(argv: readonly string[], io: ProxyCommandIo, options: ProxyCommandOptions = {}): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(PROXY_USAGE);
    return 0;
  }
  let service: ProxyService;
  try {
    service = new ProxyService(proxyConfigFromArgs(argv), { log: (line) => io.stderr.write(`provenant proxy: ${line}\n`) });
  } catch (error) {
    io.stderr.write(`provenant proxy: ${(error as Error).message}\n${PROXY_USAGE}`);
    return 2;
  }
  const stopRequested = waitForStop(options.signal);
  try {
    const url = await service.start();
    io.stdout.write(`provenant proxy: listening on ${url} (enclaves: ${service.config.enclaves.join(', ')})\n`);
    options.onListening?.(url, service);
  } catch (error) {
    io.stderr.write(`provenant proxy: cannot start: ${isProvenantError(error) ? error.message : (error as { code?: string }).code ?? 'error'}\n`);
    await service.stop().catch(() => undefined);
    stopRequested.dispose();
    return 1;
  }
  await stopRequested.promise;
  await service.stop();
  io.stderr.write('provenant proxy: stopped\n');
  return 0;
}

function waitForStop(signal: AbortSignal | undefined): { promise: Promise<void>; dispose: () => void } {
  let dispose = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    if (signal !== undefined) {
      if (signal.aborted) resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const onSignal = (): void => {
      dispose();
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    dispose = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    };
  });
  return { promise, dispose };
}
