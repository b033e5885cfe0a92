/**
 * Structured one-line logs. Enclave output goes to the untrusted host (STYLE rule 6), so a log line
 * holds an event name, error codes and numbers only: the field type makes it impossible to pass
 * tensors, keys, nonces or model bytes.
 */
export type LogValue = string | number | boolean | null;
export type LogFields = Readonly<Record<string, LogValue>>;
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface EnclaveLogger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

/** Longest string field written; a model name is at most 64 chars, codes are shorter. */
const MAX_LOG_STRING_CHARS = 128;

export function createLineLogger(write: (line: string) => void, now: () => number = Date.now): EnclaveLogger {
  return {
    log(level, event, fields = {}) {
      const record: Record<string, LogValue> = { ts: new Date(now()).toISOString(), level, event };
      for (const [key, value] of Object.entries(fields)) {
        record[key] = typeof value === 'string' ? value.slice(0, MAX_LOG_STRING_CHARS) : value;
      }
      write(`${JSON.stringify(record)}\n`);
    },
  };
}

/** Logs to stderr, which the parent's wrapper collects; stdout stays free for command output. */
export function createStderrLogger(): EnclaveLogger {
  return createLineLogger((line) => process.stderr.write(line));
}

export const SILENT_LOGGER: EnclaveLogger = { log() {} };
