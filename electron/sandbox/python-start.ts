/**
 * Starts a Python extension inside the sandbox process (runtime.ts calls this when `init.python`
 * is set): reads and verifies the runtime's memory snapshot if the host named one, loads Python
 * (python-runtime.ts) and turns a failure into the same `load-failed` data a JavaScript extension
 * produces, naming the .py file and line.
 *
 * A warm spare (`python-preload`, sent by the host's warm pool before any extension is known)
 * starts the interpreter from the verified snapshot ahead of time; `init` then only adds the
 * extension's files and imports them. Only this build's own runtime is ever preloaded, and a
 * spare is used only for an extension with the same memory limit (the wasm maximum is set at load).
 */
import fs from 'node:fs';
import { createHash } from 'node:crypto';
import type { ErrorData } from '../common/errors';
import type { InitMessage } from '../common/protocol';
import type { LogLevel } from '../common/protocol-limits';
import type { CommandHandler } from './host-api';
import { checkWheels } from './python-packages';
import { loadPython, pythonLoadError, startInterpreter, type Interpreter } from './python-runtime';

type SnapshotRef = NonNullable<InitMessage['python']>['snapshot'];

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
function readSnapshot(s: SnapshotRef, log: StartPythonOptions['log']): Uint8Array | undefined {
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

/**
 * Imported by a warm spare before any extension comes: what the `host` module and runpy import at
 * every start, and the standard library's most used pure modules, so their import (and the wasm
 * code it runs, compiled on first use) is paid while the spare waits. Standard library only: no
 * extension code, no host objects.
 */
const SPARE_IMPORTS = [
  'import asyncio, inspect, json, sys, traceback, types, runpy',
  'from pyodide.ffi import to_js, create_once_callable, create_proxy',
  'import re, hashlib, dataclasses, datetime, typing, collections, functools, itertools, enum, math, string, base64',
  'del asyncio, inspect, json, sys, traceback, types, runpy, to_js, create_once_callable, create_proxy',
  'del re, hashlib, dataclasses, datetime, typing, collections, functools, itertools, enum, math, string, base64',
].join('\n');

/** The warm spare's interpreter, being started (at most one per process). */
let spare: { memoryMb: number; snapshot: string | undefined; started: Promise<Interpreter | undefined> } | undefined;

/** `python-preload`: starts this build's interpreter now, for the extension `init` will name. */
export function preloadPython(memoryMb: number, snapshot: SnapshotRef, log: StartPythonOptions['log']): void {
  if (spare) return;
  const bytes = readSnapshot(snapshot, log);
  spare = {
    memoryMb,
    snapshot: bytes ? snapshot!.sha256 : undefined,
    // A spare that fails to start is simply not used: the extension starts as without one.
    started: startInterpreter({ memoryMb, name: '(warm spare)', ...(bytes ? { snapshot: bytes } : {}) }).then(
      (interp) => {
        // What every extension's start imports anyway (the host module's own imports, runpy):
        // done now, the modules are loaded and their wasm code compiled before the extension comes.
        interp.py.runPython(SPARE_IMPORTS);
        // Kept by the pool and shown in the log of the extension this spare will serve.
        const ms = Math.round(performance.now() - interp.startedMs);
        log('debug', [`python spare ready in ${ms} ms${bytes ? ' (from a snapshot)' : ' (cold)'}`]);
        return interp;
      },
      () => undefined,
    ),
  };
}

/** The spare's interpreter if it can serve this extension (same runtime and memory limit). */
async function takeSpare(p: NonNullable<InitMessage['python']>): Promise<Interpreter | undefined> {
  const s = spare;
  spare = undefined;
  if (!s || p.runtime || s.memoryMb !== p.memoryMb) return undefined;
  return s.started;
}

export async function startPython(o: StartPythonOptions): Promise<StartPythonResult> {
  const { msg, msgPython: p } = o;
  const files: Record<string, string> = { ...p.files, [p.main]: msg.source };
  const interpreter = await takeSpare(p);
  // A package's own runtime is never started from the shared snapshot (docs/python.md).
  const snapshot = interpreter || p.runtime ? undefined : readSnapshot(p.snapshot, o.log);
  try {
    // Vendored wheels are hash-checked and inspected before the interpreter loads (python-packages.ts).
    const wheels = checkWheels(p.wheels);
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
      ...(wheels.files.length ? { wheels } : {}),
      ...(interpreter ? { interpreter } : {}),
      ...(p.runtime ? { runtimeDir: p.runtime.dir, runtimeFiles: p.runtime.files } : {}),
    });
    const how = interpreter ? ' (warm spare)' : rt.timing.snapshot ? ' (from a snapshot)' : ' (cold)';
    o.log('debug', [`python started in ${rt.timing.loadMs} ms${how}`]);
    return { ok: true, errorData: rt.errorData };
  } catch (err) {
    const error = pythonLoadError(err);
    const syntax = /SyntaxError|IndentationError|TabError/.test(error.message);
    return { ok: false, phase: syntax ? 'evaluate' : 'activate', syntax: false, error };
  }
}
