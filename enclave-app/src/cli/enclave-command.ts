import { formatTransportAddress } from '@provenant/transport';
import { isProvenantError, toPublicError } from '@provenant/protocol';
import { CONFIG_FLAGS_USAGE, loadEnclaveConfig } from '../config/config-flags.js';
import { startEnclaveDaemon } from '../daemon/enclave-daemon.js';
import { createLineLogger } from '../logging/enclave-logger.js';
import { LogSink } from '../logging/log-sink.js';

export interface EnclaveCommandIo {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  /** Stops the daemon when it aborts; without it, SIGINT and SIGTERM do. */
  readonly signal?: AbortSignal;
}

const USAGE = `usage: provenant enclave [--config FILE] [options]

Runs the enclave daemon: attested ONNX inference behind the framed parent <-> enclave protocol.
${CONFIG_FLAGS_USAGE}`;

/**
 * `provenant enclave ...`: reads the config once, boots, prints one "ready <address>" line on stdout,
 * logs structured lines on stderr, and stops cleanly (reverse order) on SIGINT/SIGTERM.
 * Exit codes: 0 clean stop, 1 runtime failure, 2 bad configuration.
 */
export async function runEnclaveCommand(argv: readonly string[], io: EnclaveCommandIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(USAGE);
    return 0;
  }
  let sink: LogSink | undefined;
  const logger = createLineLogger((line) => {
    io.stderr.write(line);
    sink?.write(line);
  });
  let config;
  try {
    config = await loadEnclaveConfig(argv);
  } catch (error) {
    const { code, message } = toPublicError(error);
    logger.log('error', 'config.invalid', { code, message });
    return 2;
  }
  // The log channel starts before anything that can fail (STYLE rule 12), but in the background: a
  // slow or absent parent never delays boot (lines wait in the sink's bounded ring).
  if (config.logSink !== null) {
    sink = new LogSink({ address: config.logSink });
    sink.start();
  }
  let daemon;
  try {
    daemon = await startEnclaveDaemon(config, logger);
  } catch (error) {
    const code = isProvenantError(error) ? error.code : 'PRV_ERR_INTERNAL';
    logger.log('error', 'boot.failed', { code, message: isProvenantError(error) ? error.message.slice(0, 300) : 'unexpected error' });
    await sink?.stop();
    return 1;
  }
  io.stdout.write(`ready ${formatTransportAddress(daemon.address)}\n`);
  await new Promise<void>((resolve) => {
    if (io.signal !== undefined) {
      if (io.signal.aborted) resolve();
      else io.signal.addEventListener('abort', () => resolve(), { once: true });
      return;
    }
    const onSignal = (name: string): void => {
      logger.log('info', 'signal', { signal: name });
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolve();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await daemon.stop();
  if (sink !== undefined) {
    logger.log('info', 'log.sink_stats', { sentLines: sink.stats.sentLines, droppedLines: sink.stats.droppedLines });
    await sink.stop();
  }
  return 0;
}
