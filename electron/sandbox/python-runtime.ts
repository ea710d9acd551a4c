/**
 * Python extensions (docs/python.md): CPython compiled to WebAssembly (Pyodide) whose JavaScript
 * glue runs *inside* a Compartment, in Emscripten's shell mode, in this same locked-down process.
 * Loaded only when the manifest says `"runtime": "python"`; the JavaScript path never reaches it.
 *
 * Why a Compartment: Python can do anything the glue can (ctypes writes wasm memory and reaches
 * `emscripten_run_script`, a direct `eval` in the glue's realm). In the start compartment the glue
 * finds `process`, `require`, sockets and `child_process`; in this Compartment its globals are the
 * list below and nothing else, so os.system has no process to start, sockets have no WebSocket,
 * and every file Python reads is either in its in-memory file system or one of the shipped,
 * hash-checked runtime files (../shared/research/python-runtime.md §5–§6).
 */
import path from 'node:path';
import type { ErrorData } from '../common/errors';
import { MAX_ERROR_MESSAGE, MAX_FRAMES, truncate } from '../common/errors';
import type { LogLevel } from '../common/protocol-limits';
import type { CommandHandler } from './host-api';
import { prepareHostModule, PYTHON_EXT_DIR, SPARE_IMPORTS, type PreparedHost } from './python-host-bridge';
import { installWheels, type CheckedWheels } from './python-packages';
import { capWasmMemory } from './wasm-memory-cap';
import { createWebGlobals } from './web-globals';
import { createPhaseClock, type PhaseClock } from './python-phases';
import { readVerified, UnverifiedFileError } from './verified-read';

/** SHA-256 of each file of dist/sandbox/python, embedded by scripts/build.mjs. */
declare const __PYTHON_RUNTIME_FILES__: Record<string, string>;

export { PYTHON_EXT_DIR };
const WASM_PAGE = 64 * 1024;
/** The wasm module's own minimum is 480 pages (30 MiB); the stdlib and interpreter need more. */
export const MIN_PYTHON_MEMORY_MB = 64;

interface PyProxyLike {
  destroy?(): void;
}
interface Pyodide {
  runPythonAsync(code: string, opts?: { filename?: string }): Promise<unknown>;
  runPython(code: string, opts?: { filename?: string }): unknown;
  registerJsModule(name: string, module: object): void;
  makeMemorySnapshot(): Uint8Array;
  FS: {
    mkdirTree(p: string): void;
    writeFile(p: string, data: string | Uint8Array): void;
    unlink(p: string): void;
    rmdir(p: string): void;
  };
}
type LoadPyodide = (opts: Record<string, unknown>) => Promise<Pyodide>;

export interface PythonLoadOptions {
  extension: { id: string; version: string };
  /** The extension's Python files, relative path → text; `main` is among them. */
  files: Record<string, string>;
  main: string;
  memoryMb: number;
  declaredCommands: ReadonlySet<string>;
  handlers: Map<string, CommandHandler>;
  /** The JavaScript `host` object (host-api.ts); Python reaches it only through the bridge. */
  host: Record<string, unknown>;
  log(level: LogLevel, args: unknown[]): void;
  /** A memory snapshot (verified by the caller) to start from instead of a cold start. */
  snapshot?: Uint8Array;
  /** Warden's own snapshot maker (python-snapshot.ts): start, snapshot, and stop there. */
  makeSnapshot?: boolean;
  /** Vendored wheels, already checked against the signed index, unpacked before `main` (python-packages.ts). */
  wheels?: CheckedWheels;
  /** Folder of the runtime files; defaults to `python/` beside the sandbox bundle. */
  runtimeDir?: string;
  /** Their SHA-256 when they are a package's own runtime (python-start.ts). */
  runtimeFiles?: Record<string, string>;
  /** The host runtime's files as the host verified them (read without hashing while unchanged). */
  verified?: VerifiedRuntimeFiles;
  /** An interpreter already started (a warm spare): only the extension is added to it. */
  interpreter?: Interpreter;
  /** Where the start's phases are timed (python-phases.ts); a new clock when absent. */
  clock?: PhaseClock;
  timers: { setTimeout: unknown; clearTimeout: unknown; setInterval: unknown; clearInterval: unknown };
  /**
   * Pyodide's fatal error (a wasm trap, the JS stack overflowing under deep recursion, …): the
   * interpreter cannot run anything after it, so the process must end rather than leave calls
   * waiting for their timeouts.
   */
  onFatal?(err: unknown): void;
}

export interface PythonRuntime {
  /** Error data of a failure a Python command reported (undefined for any other value). */
  errorData(err: unknown): ErrorData | undefined;
  /** Timing of the start (ms): for the benchmark and the log; `phases` splits it (python-phases.ts). */
  timing: { loadMs: number; snapshot: boolean; phases: string };
  /** With `makeSnapshot`: the memory snapshot. */
  snapshot?: Uint8Array;
}

function noRuntime(started: number, clock: PhaseClock): Omit<PythonRuntime, 'snapshot'> {
  return {
    errorData: () => undefined,
    timing: { loadMs: Math.round(performance.now() - started), snapshot: false, phases: clock.text() },
  };
}

/** Runtime file name → the SHA-256 and the file identity the host verified it at (protocol.ts). */
export type VerifiedRuntimeFiles = Record<string, { sha256: string; identity: string }>;

/** A runtime file that is not the one verified: the start is refused (an integrity failure, not the extension's). */
export class RuntimeFileError extends Error {
  readonly code = 'EPERM';
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeFileError';
  }
}

/**
 * Reads the runtime files, each through one descriptor (verified-read.ts): without hashing when
 * the host verified it for the hash this build expects and the file still has that identity,
 * hashed otherwise. A missing or changed file refuses the start.
 */
export function readRuntimeFiles(
  dir: string,
  expected = __PYTHON_RUNTIME_FILES__,
  clock?: PhaseClock,
  verified?: VerifiedRuntimeFiles,
): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const [name, sha] of Object.entries(expected)) {
    // Only an identity verified for the very hash expected here counts (any doubt: a full hash).
    const v = verified?.[name];
    const identity = v && v.sha256 === sha ? v.identity : undefined;
    try {
      files.set(
        name,
        readVerified(path.join(dir, name), name, { sha256: sha, ...(identity ? { identity } : {}) }, clock),
      );
    } catch (err) {
      if (err instanceof UnverifiedFileError)
        throw new RuntimeFileError(
          err.changed
            ? `the Python runtime file ${name} changed after the host verified it (it does not match this build of Warden); the extension was not started`
            : `the Python runtime file ${name} does not match this build of Warden; the extension was not started`,
        );
      throw new RuntimeFileError(`the Python runtime file ${name} cannot be read; the extension was not started`);
    }
  }
  return files;
}

const utf8 = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

function defaultRuntimeDir(): string {
  return path.join(__dirname, 'python');
}

/** The one script Python's glue is: the Warden-built Pyodide bundle, evaluated in `c`. */
function evaluateGlue(c: Compartment, src: string): { loadPyodide: LoadPyodide; createPyodideModule: unknown } {
  return c.evaluate(src, { __rejectSomeDirectEvalExpressions__: false } as never) as {
    loadPyodide: LoadPyodide;
    createPyodideModule: unknown;
  };
}

/** What the interpreter itself needs: the runtime files, the memory cap, a snapshot. */
export interface InterpreterOptions {
  memoryMb: number;
  /** A memory snapshot (verified by the caller) to start from instead of a cold start. */
  snapshot?: Uint8Array;
  /** Warden's own snapshot maker (python-snapshot.ts): start, snapshot, and stop there. */
  makeSnapshot?: boolean;
  /** Folder of the runtime files; defaults to `python/` beside the sandbox bundle. */
  runtimeDir?: string;
  /** Their SHA-256 (a package's own runtime, named by the host); defaults to this build's. */
  runtimeFiles?: Record<string, string>;
  /** The host runtime's files as the host verified them (never used with `runtimeFiles`). */
  verified?: VerifiedRuntimeFiles;
  /** Compartment name (the extension's id once known). */
  name: string;
  /** Where the phases are timed (a new clock when absent). */
  clock?: PhaseClock;
}

/** The sinks a started interpreter writes to: set when the extension it serves is known. */
export interface InterpreterSinks {
  log(level: LogLevel, args: unknown[]): void;
  timers: PythonLoadOptions['timers'];
}

/** A started interpreter with no extension code in it yet (a warm spare, or the first half of a load). */
export interface Interpreter {
  py: Pyodide;
  memoryMb: number;
  snapshot: boolean;
  /** Whether it runs this build's runtime (only those may serve as warm spares). */
  ownRuntime: boolean;
  startedMs: number;
  /** The phases of its start (python-phases.ts). */
  clock: PhaseClock;
  /** The `host` module, built ahead by a warm spare (python-host-bridge.ts); taken by the load. */
  hostModule?: PreparedHost;
  /** Where its console and timers go from now on (before: nowhere, and Node's own timers). */
  bind(sinks: InterpreterSinks): void;
}

/**
 * Starts the interpreter: hash-checked runtime files, the capped wasm, the glue evaluated in its
 * Compartment. Console and timers go through late-bound sinks, so a warm spare can be started
 * before the extension it will serve is known (docs/python.md, "Start-up").
 */
export async function startInterpreter(o: InterpreterOptions): Promise<Interpreter> {
  const started = performance.now();
  const clock = o.clock ?? createPhaseClock();
  clock.mark('other');
  const files = readRuntimeFiles(
    o.runtimeDir ?? defaultRuntimeDir(),
    o.runtimeFiles,
    clock,
    o.runtimeFiles ? undefined : o.verified,
  );
  clock.mark('runtime files read');
  // Memory: the module's maximum becomes the extension's limit, so an allocation above it is a
  // Python MemoryError inside wasm rather than host memory (research §8). In place: the buffer
  // is this start's own copy of the file, read above.
  const maxPages = Math.max(MIN_PYTHON_MEMORY_MB, o.memoryMb) * ((1024 * 1024) / WASM_PAGE);
  capWasmMemory(files.get('pyodide.asm.wasm')!, maxPages, { inPlace: true });
  const glue = utf8(files.get('pyodide-bundle.js')!);
  files.delete('pyodide-bundle.js');
  clock.mark('wasm memory cap');

  let sinks: InterpreterSinks = {
    log: () => undefined,
    timers: { setTimeout, clearTimeout, setInterval, clearInterval },
  };
  const served = (p: unknown): Uint8Array => {
    const name = String(p).replace(/^\/pyodide\//, '');
    const b = files.get(name);
    if (!b) throw new Error(`ENOENT: ${String(p)}`);
    return b;
  };
  const forward =
    (level: LogLevel) =>
    (...args: unknown[]) =>
      sinks.log(level, args);
  const web = createWebGlobals({ reportError: (e) => sinks.log('error', ['microtask threw', e]) });
  const wasm = (globalThis as unknown as { WebAssembly: object }).WebAssembly;
  const wasmSubset: Record<string, unknown> = {};
  // No streaming compile: it takes a Response (fetch), which does not exist here.
  for (const k of Object.getOwnPropertyNames(wasm))
    if (k !== 'instantiateStreaming' && k !== 'compileStreaming')
      wasmSubset[k] = (wasm as unknown as Record<string, unknown>)[k];
  // Timed for the phase split: the same function, called with the same arguments.
  const instantiate = (wasm as unknown as { instantiate: (...a: unknown[]) => Promise<unknown> }).instantiate;
  wasmSubset.instantiate = (...a: unknown[]) => {
    const t = performance.now();
    return Reflect.apply(instantiate, wasm, a).finally(() =>
      clock.add('wasm compile+instantiate', performance.now() - t),
    );
  };
  const timer =
    (k: keyof InterpreterSinks['timers']) =>
    (...a: unknown[]) =>
      Reflect.apply(sinks.timers[k] as (...x: unknown[]) => unknown, undefined, a);

  // Exactly the globals of research §6: `read` + `load` select shell mode; nothing of Node.
  const globals = {
    readbuffer: (p: unknown) => {
      const b = served(p);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength);
    },
    read: (p: unknown) => utf8(served(p)),
    load: (p: unknown) => {
      throw new Error(`load(${String(p)}) is not available`);
    },
    WebAssembly: wasmSubset,
    TextDecoder: web.TextDecoder,
    TextEncoder: web.TextEncoder,
    URL: web.URL,
    Date,
    Math,
    Float32Array,
    Float64Array,
    FinalizationRegistry,
    WeakRef,
    crypto: web.crypto,
    performance: web.performance,
    console: { log: forward('info'), warn: forward('warn'), error: forward('error'), debug() {}, info() {} },
    setTimeout: timer('setTimeout'),
    clearTimeout: timer('clearTimeout'),
    setInterval: timer('setInterval'),
    clearInterval: timer('clearInterval'),
    queueMicrotask: web.queueMicrotask,
    btoa: web.btoa,
    atob: web.atob,
    __noImport: (m: unknown) => Promise.reject(new Error(`import(${String(m)}) is not available`)),
  };
  const c = new Compartment({ globals: harden(globals), __options__: true, name: `${o.name} (python)` });
  const { loadPyodide, createPyodideModule } = evaluateGlue(c, glue);
  clock.mark('glue evaluated in its Compartment');

  const py = await loadPyodide({
    indexURL: '/pyodide/',
    createPyodideModule,
    jsglobals: harden({}),
    env: { HOME: '/home/pyodide' },
    stdout: (line: string) => sinks.log('info', [line]),
    stderr: (line: string) => sinks.log('warn', [line]),
    // No terminal behind an extension: input() reads end-of-file (EOFError), not Emscripten's
    // `prompt()` fallback, which does not exist here.
    stdin: () => undefined,
    ...(o.snapshot ? { _loadSnapshot: o.snapshot } : {}),
    ...(o.makeSnapshot ? { _makeSnapshot: true } : {}),
  });
  // Includes the wasm compile+instantiate phase, which is also given on its own.
  clock.mark(o.snapshot ? 'loadPyodide from snapshot' : 'loadPyodide cold');
  return {
    py,
    memoryMb: o.memoryMb,
    snapshot: !!o.snapshot,
    ownRuntime: !o.runtimeFiles,
    startedMs: started,
    clock,
    bind: (s) => {
      sinks = s;
    },
  };
}

export async function loadPython(o: PythonLoadOptions): Promise<PythonRuntime> {
  const interp =
    o.interpreter ??
    (await startInterpreter({
      memoryMb: o.memoryMb,
      name: o.extension.id,
      ...(o.snapshot ? { snapshot: o.snapshot } : {}),
      ...(o.makeSnapshot ? { makeSnapshot: true } : {}),
      ...(o.runtimeDir ? { runtimeDir: o.runtimeDir } : {}),
      ...(o.runtimeFiles ? { runtimeFiles: o.runtimeFiles } : {}),
      ...(o.verified ? { verified: o.verified } : {}),
      ...(o.clock ? { clock: o.clock } : {}),
    }));
  // A warm spare's start was paid before this extension asked: count from now.
  const started = o.interpreter ? performance.now() : interp.startedMs;
  const clock = o.interpreter ? createPhaseClock() : interp.clock;
  const py = interp.py;
  interp.bind({ log: o.log, timers: o.timers });
  // The snapshot holds the interpreter just started: no extension code, no host objects.
  if (o.makeSnapshot) {
    // Imported before the memory is taken: every start from the snapshot has them (no JS objects).
    py.runPython(SPARE_IMPORTS);
    return { snapshot: py.makeMemorySnapshot(), ...noRuntime(started, clock) };
  }
  const api = (py as unknown as { _api?: { on_fatal?: unknown } })._api;
  if (o.onFatal && api && typeof api === 'object') {
    const onFatal = o.onFatal;
    api.on_fatal = (e: unknown) => onFatal(e);
  }

  // A warm spare built the host module before this extension was known; otherwise build it now.
  const hostModule = interp.hostModule ?? prepareHostModule(py);
  interp.hostModule = undefined;
  hostModule.bind({
    extension: o.extension,
    declaredCommands: o.declaredCommands,
    handlers: o.handlers,
    host: o.host,
    log: o.log,
  });
  clock.mark('host module');
  // The extension's files, at a fixed path so tracebacks name them relative to the extension.
  for (const [rel, text] of Object.entries(o.files)) {
    const full = `${PYTHON_EXT_DIR}/${rel}`;
    py.FS.mkdirTree(full.slice(0, full.lastIndexOf('/')));
    py.FS.writeFile(full, text);
  }
  clock.mark('extension files written');
  installWheels(py, o.wheels);
  clock.mark('wheels installed');
  await py.runPythonAsync(
    `import sys, runpy\nsys.path.insert(0, ${JSON.stringify(PYTHON_EXT_DIR)})\n` +
      `_ns = runpy.run_path(${JSON.stringify(`${PYTHON_EXT_DIR}/${o.main}`)}, run_name="__warden_main__")\n` +
      `_act = _ns.get("activate")\nif callable(_act):\n    import host as _h, inspect as _i\n` +
      `    _r = _act(_h) if len(_i.signature(_act).parameters) else _act()\n    if _i.isawaitable(_r):\n        await _r\n` +
      `del _ns, _act`,
  );
  clock.mark('main imported, commands registered');
  return {
    errorData: hostModule.errorData,
    timing: { loadMs: Math.round(performance.now() - started), snapshot: interp.snapshot, phases: clock.text() },
  };
}

/** A Python failure during load as error data naming the .py file and line. */
export function pythonLoadError(err: unknown): ErrorData {
  let text = 'Python failed to start';
  try {
    text = String((err as { message?: unknown })?.message ?? err);
  } catch {
    // keeps the generic text
  }
  // Pyodide's PythonError message is the formatted traceback: keep the extension's own frames.
  const lines = text.split('\n');
  const frames: string[] = [];
  const re = new RegExp(`File "${PYTHON_EXT_DIR}/([^"]+)", line (\\d+)(?:, in (.+))?`);
  for (const line of lines) {
    const m = re.exec(line);
    if (m) frames.push(`at ${m[3] ?? '<module>'} (${m[1]}:${m[2]})`);
  }
  frames.reverse();
  const last = lines.filter((l) => l.trim() !== '').pop() ?? text;
  const data: ErrorData = { code: 'EEXTENSION', message: truncate(last, MAX_ERROR_MESSAGE) };
  if (frames.length) {
    data.location = frames[0]!.slice(frames[0]!.lastIndexOf('(') + 1, -1);
    data.stack = frames.slice(0, MAX_FRAMES);
  }
  return data;
}

export type { PyProxyLike };
