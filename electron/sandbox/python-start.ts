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
import type { ErrorData } from '../common/errors';
import type { InitMessage } from '../common/protocol';
import type { LogLevel } from '../common/protocol-limits';
import type { CommandHandler } from './host-api';
import { checkWheels } from './python-packages';
import {
  loadPython,
  pythonLoadError,
  RuntimeFileError,
  startInterpreter,
  type Interpreter,
  type VerifiedRuntimeFiles,
} from './python-runtime';
import { createPhaseClock, type PhaseClock } from './python-phases';
import { prepareHostModule, SPARE_IMPORTS } from './python-host-bridge';
import { readVerified, UnverifiedFileError } from './verified-read';

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

/**
 * The snapshot's bytes when they are the file the host verified (its identity, checked on the
 * descriptor read: verified-read.ts) or hash to what the host recorded; otherwise a cold start.
 */
function readSnapshot(s: SnapshotRef, log: StartPythonOptions['log'], clock?: PhaseClock): Uint8Array | undefined {
  if (!s) return undefined;
  try {
    return readVerified(s.file, 'the Python memory snapshot', s, clock);
  } catch (err) {
    // Never started from: a cold start costs time, nothing else.
    if (err instanceof UnverifiedFileError) log('warn', [`EPERM: ${err.message}: starting cold`]);
  } finally {
    clock?.mark('snapshot read');
  }
  return undefined;
}

/**
 * Run by a warm spare once the `host` module is built: `runpy.run_path` of a small file (the
 * parser, compiler and runpy's lazy imports, as an extension's `main` will use them), then one
 * command dispatched through the host module to a handler that exists only for this (asyncio's
 * task path, json, inspect). Its wasm code is then compiled before the extension comes. Nothing of
 * it stays: the file, the handler and the names are removed.
 */
const SPARE_WARM_FILE = '/tmp/_warden_warm.py';
const SPARE_WARM_DIR = '/tmp/_warden_warm';
const SPARE_WARM = String.raw`
import runpy as _r, os as _o, sys as _s, inspect as _i, asyncio as _a
with open("${SPARE_WARM_FILE}", "w") as _f:
    _f.write("""import json
from dataclasses import dataclass

@dataclass
class P:
    x: int = 1

def deco(f):
    return f

@deco
async def run(args, call=None):
    return {k: [i * 2 for i in v] for k, v in args.items()}

def activate(h=None):
    return f"{P().x} {json.dumps([1])}"
""")
_ns = _r.run_path("${SPARE_WARM_FILE}", run_name="__warden_warm__")
_i.signature(_ns["activate"])
_ns["activate"]()
_o.remove("${SPARE_WARM_FILE}")
_h = _s.modules["host"]
_h._handlers["(warm)"] = _ns["run"]
class _C:
    def progress(self, f, m=None): pass
    def isCancelled(self): return False
    def onCancel(self, fn): fn.destroy()
_out = []
_h._dispatch("(warm)", '{"a": [1, 2]}', _C(), _out.append, _out.append)
await _a.sleep(0)
await _a.sleep(0)
del _h._handlers["(warm)"], _h, _ns, _r, _o, _s, _i, _f, _C, _out, _a
`;

/** A spare's failure, for its log line (bounded). */
const errText = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 500);

/** The warm spare's interpreter, being started (at most one per process). */
let spare: { memoryMb: number; snapshot: string | undefined; started: Promise<Interpreter | undefined> } | undefined;

/** `python-preload`: starts this build's interpreter now, for the extension `init` will name. */
export function preloadPython(
  memoryMb: number,
  snapshot: SnapshotRef,
  verified: VerifiedRuntimeFiles | undefined,
  log: StartPythonOptions['log'],
): void {
  if (spare) return;
  const clock = createPhaseClock();
  const bytes = readSnapshot(snapshot, log, clock);
  spare = {
    memoryMb,
    snapshot: bytes ? snapshot!.sha256 : undefined,
    // A spare that fails to start is simply not used: the extension starts as without one.
    started: startInterpreter({
      memoryMb,
      name: '(warm spare)',
      clock,
      ...(bytes ? { snapshot: bytes } : {}),
      ...(verified ? { verified } : {}),
    })
      .then(async (interp) => {
        // What every extension's start imports anyway (the host module's own imports, runpy):
        // done now, the modules are loaded and their wasm code compiled before the extension comes.
        interp.py.runPython(SPARE_IMPORTS);
        clock.mark('spare imports');
        // The host module, not yet connected to any extension (python-host-bridge.ts).
        interp.hostModule = prepareHostModule(interp.py);
        clock.mark('host module');
        try {
          await interp.py.runPythonAsync(SPARE_WARM);
        } catch (err) {
          // Only time is lost: the spare still serves, its first start compiles that code itself.
          log('debug', ['python spare warm-up failed', errText(err)]);
        }
        // The JavaScript side of the file system, as the extension's start writes its files:
        // its first use (~10–20 ms) is paid here rather than in the extension's start.
        try {
          const fs = interp.py.FS;
          fs.mkdirTree(`${SPARE_WARM_DIR}/pkg`);
          fs.writeFile(`${SPARE_WARM_DIR}/pkg/w.py`, 'x = 1\n');
          fs.unlink(`${SPARE_WARM_DIR}/pkg/w.py`);
          fs.rmdir(`${SPARE_WARM_DIR}/pkg`);
          fs.rmdir(SPARE_WARM_DIR);
        } catch (err) {
          log('debug', ['python spare file-system warm-up failed', errText(err)]);
        }
        clock.mark('warm-up run');
        // Kept by the pool and shown in the log of the extension this spare will serve.
        const ms = Math.round(performance.now() - interp.startedMs);
        log('debug', [`python spare ready in ${ms} ms${bytes ? ' (from a snapshot)' : ' (cold)'} — ${clock.text()}`]);
        return interp;
      })
      .catch((err: unknown) => {
        // Not used: the extension's own start reads (and checks) the files again, and says why.
        log('warn', ['python spare failed to start', errText(err)]);
        return undefined;
      }),
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
  const clock = createPhaseClock();
  const snapshot = interpreter || p.runtime ? undefined : readSnapshot(p.snapshot, o.log, clock);
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
      ...(interpreter ? { interpreter } : { clock }),
      ...(p.runtime ? { runtimeDir: p.runtime.dir, runtimeFiles: p.runtime.files } : {}),
      ...(p.verified && !p.runtime ? { verified: p.verified } : {}),
    });
    const how = interpreter ? ' (warm spare)' : rt.timing.snapshot ? ' (from a snapshot)' : ' (cold)';
    o.log('debug', [`python started in ${rt.timing.loadMs} ms${how} — ${rt.timing.phases}`]);
    return { ok: true, errorData: rt.errorData };
  } catch (err) {
    // A runtime file that is not the one verified: an integrity refusal, not the extension's error.
    if (err instanceof RuntimeFileError)
      return {
        ok: false,
        phase: 'activate',
        syntax: false,
        error: { code: 'EPERM', reason: 'policy', message: err.message },
      };
    const error = pythonLoadError(err);
    const syntax = /SyntaxError|IndentationError|TabError/.test(error.message);
    return { ok: false, phase: syntax ? 'evaluate' : 'activate', syntax: false, error };
  }
}
