/** Structured host logging with injectable sinks (stderr for the CLI, memory for tests). */

export type Level = 'debug' | 'info' | 'warn' | 'error';
export interface LogEntry {
  time: number;
  level: Level;
  msg: string;
  ext?: string;
  [key: string]: unknown;
}
export type LogSink = (entry: LogEntry) => void;

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export function createLogger(sink: LogSink, base: Record<string, unknown> = {}): Logger {
  const at = (level: Level) => (msg: string, fields?: Record<string, unknown>) =>
    sink({ ...base, ...fields, time: Date.now(), level, msg });
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (fields) => createLogger(sink, { ...base, ...fields }),
  };
}

export const silentLogger: Logger = createLogger(() => {});

export function memorySink(): LogSink & { entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const sink = ((e: LogEntry) => void entries.push(e)) as LogSink & { entries: LogEntry[] };
  sink.entries = entries;
  return sink;
}
