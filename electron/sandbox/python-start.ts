/**
 * Starts a Python extension inside the sandbox process (runtime.ts calls this when `init.python`
 * is set): reads and verifies the runtime's memory snapshot if the host named one, loads Python
 * (python-runtime.ts) and turns a failure into the same `load-failed` data a JavaScript extension
 * produces, naming the .py file and line.
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { ErrorData } from '../common/errors';
import type { InitMessage } from '../common/protocol';
import type { LogLevel } from '../common/protocol-limits';
import type { CommandHandler } from './host-api';
import { loadPython, pythonLoadError } from './python-runtime';

export interface StartPythonOptions {
  msg: InitMessage;
  msgPython: NonNullable<InitMessage['python']>;
  host: object;
  handlers: Map<string, CommandHandler>;
  log(level: LogLevel, args: unknown[]): void;
  timers: { setTimeout: unknown; clearTimeout: unknown; setInterval: unknown; clearInterval: unknown };
  /** The interpreter died (Pyodide's fatal error): the caller ends the process. */
  onFatal(err: unknown): void;
}

export type StartPythonResult =
  | { ok: true; errorData: (err: unknown) => ErrorData | undefined }
  | { ok: false; phase: 'evaluate' | 'activate'; syntax: boolean; error: ErrorData };

/** The snapshot's bytes when they hash to what the host recorded; otherwise a cold start. */
function readSnapshot(
  s: NonNullable<InitMessage['python']>['snapshot'],
  log: StartPythonOptions['log'],
): Uint8Array | undefined {
  if (!s) return undefined;
  try {
    const bytes = fs.readFileSync(s.file);
    if (createHash('sha256').update(bytes).digest('hex') === s.sha256) return new Uint8Array(bytes);
    log('warn', ['the Python memory snapshot does not match its recorded hash: starting cold']);
  } catch {
    // unreadable: a cold start costs time, nothing else
  }
  return undefined;
}

export async function startPython(o: StartPythonOptions): Promise<StartPythonResult> {
  const { msg, msgPython: p } = o;
  const files: Record<string, string> = { ...p.files, [p.main]: msg.source };
  const snapshot = readSnapshot(p.snapshot, o.log);
  try {
    const rt = await loadPython({
      extension: msg.extension,
      files,
      main: p.main,
      memoryMb: p.memoryMb,
      declaredCommands: new Set(msg.commands),
      handlers: o.handlers,
      host: o.host as Record<string, unknown>,
      log: o.log,
      timers: o.timers,
      onFatal: o.onFatal,
      ...(snapshot ? { snapshot } : {}),
    });
    o.log('debug', [`python started in ${rt.timing.loadMs} ms${rt.timing.snapshot ? ' (from a snapshot)' : ''}`]);
    return { ok: true, errorData: rt.errorData };
  } catch (err) {
    const error = pythonLoadError(err);
    const syntax = /SyntaxError|IndentationError|TabError/.test(error.message);
    return { ok: false, phase: syntax ? 'evaluate' : 'activate', syntax: false, error };
  }
}
