/**
 * The `host` module inside Python and the `_warden_bridge` it talks through (python-runtime.ts).
 * Built in two steps so a warm spare can do the expensive one before any extension is known
 * (docs/python.md, "Start-up"):
 *
 * 1. `prepareHostModule(py)`: registers a bridge whose functions forward to a target not yet set,
 *    and executes the host module's source (the first Python compile in the process: its wasm code
 *    is compiled now). No extension code, no host objects: a call before step 2 throws.
 * 2. `bind(target)`: once, sets the extension's host API, log, declared commands and handlers, and
 *    fills `host.extension`. Binding twice throws, so a spare serves one extension only.
 */
import type { ErrorData } from '../common/errors';
import { HOST_ERROR_CODES } from '../common/errors';
import type { LogLevel } from '../common/protocol-limits';
import type { CommandHandler } from './host-api';
import { callHost, parseErrorJson, type Tagged } from './python-host-calls';
import { PYTHON_HOST_MODULE } from './python-host-module';

/** Where the extension's .py files live in Python's in-memory file system. */
export const PYTHON_EXT_DIR = '/home/pyodide/ext';

interface PyLike {
  runPython(code: string): unknown;
  registerJsModule(name: string, module: object): void;
}

/**
 * Imported by a warm spare before any extension comes, and before Warden's memory snapshot is taken
 * (python-snapshot.ts): what the `host` module and runpy import at every start, and the standard
 * library's most used pure modules, so their import is paid once (in the snapshot) or while the
 * spare waits. Standard library only: no extension code, no host objects.
 */
export const SPARE_IMPORTS = [
  'import asyncio, inspect, json, sys, traceback, types, runpy',
  'from pyodide.ffi import to_js, create_once_callable, create_proxy',
  'import re, hashlib, dataclasses, datetime, typing, collections, functools, itertools, enum, math, string, base64',
  'del asyncio, inspect, json, sys, traceback, types, runpy, to_js, create_once_callable, create_proxy',
  'del re, hashlib, dataclasses, datetime, typing, collections, functools, itertools, enum, math, string, base64',
].join('\n');

export interface HostTarget {
  extension: { id: string; version: string };
  declaredCommands: ReadonlySet<string>;
  handlers: Map<string, CommandHandler>;
  /** The JavaScript `host` object (host-api.ts). */
  host: Record<string, unknown>;
  log(level: LogLevel, args: unknown[]): void;
}

export interface PreparedHost {
  /** Connects the prepared module to one extension (once). */
  bind(target: HostTarget): void;
  /** Error data of a failure a Python command reported (undefined for any other value). */
  errorData(err: unknown): ErrorData | undefined;
}

export function prepareHostModule(py: PyLike): PreparedHost {
  let target: HostTarget | undefined;
  let dispatch: ((...a: unknown[]) => unknown) | undefined;
  const pythonErrors = new WeakMap<object, ErrorData>();
  const bound = (): HostTarget => {
    if (!target) throw new TypeError('the host module is not connected to an extension yet');
    return target;
  };
  const bridge = harden({
    codes: JSON.stringify(HOST_ERROR_CODES),
    extDir: PYTHON_EXT_DIR,
    log: (level: unknown, text: unknown) => {
      const l = level === 'debug' || level === 'warn' || level === 'error' ? level : 'info';
      bound().log(l, [String(text)]);
    },
    call: (method: unknown, argsJson: unknown, blobIndex: unknown, blob: unknown): Promise<Tagged> =>
      callHost(bound().host, method, argsJson, blobIndex, blob),
    setDispatch: (fn: unknown) => {
      if (dispatch || typeof fn !== 'function') throw new TypeError('setDispatch: once, with a function');
      dispatch = fn as (...a: unknown[]) => unknown;
    },
    register: (id: unknown) => {
      const t = bound();
      if (typeof id !== 'string' || !t.declaredCommands.has(id))
        throw new TypeError(`host.command: "${String(id)}" is not declared in manifest.json contributes.commands`);
      if (t.handlers.has(id)) throw new TypeError(`host.command: "${id}" is already registered`);
      const handler: CommandHandler = (args, call) =>
        new Promise((resolve, reject) => {
          const jsCall = call as {
            progress(f: unknown, m?: unknown): void;
            cancelled: boolean;
            onCancel(fn: unknown): void;
          };
          const callBridge = harden({
            progress: (f: unknown, m: unknown) => jsCall.progress(f, typeof m === 'string' ? m : undefined),
            isCancelled: () => jsCall.cancelled,
            onCancel: (fn: unknown) => jsCall.onCancel(() => (fn as () => void)()),
          });
          dispatch!(
            id,
            JSON.stringify(args ?? null),
            callBridge,
            (text: unknown) => resolve(JSON.parse(String(text)) as unknown),
            (text: unknown) => {
              const err = harden(new Error('python command failed'));
              pythonErrors.set(err, parseErrorJson(text));
              reject(err);
            },
          );
        });
      t.handlers.set(id, handler);
    },
  });
  py.registerJsModule('_warden_bridge', bridge);
  // `host` is a real module: `import host` and `from host import command` both work.
  py.runPython(
    `import sys, types\n_m = types.ModuleType("host")\n_m.__file__ = "<warden host>"\nsys.modules["host"] = _m\nexec(compile(${JSON.stringify(PYTHON_HOST_MODULE)}, "<warden host>", "exec"), _m.__dict__)\ndel _m, sys, types`,
  );
  return {
    bind(t) {
      if (target) throw new TypeError('the host module is already connected to an extension');
      target = t;
      const ext = JSON.stringify({ id: t.extension.id, version: t.extension.version });
      py.runPython(
        `import sys, json\nsys.modules["host"].extension.__dict__.update(json.loads(${JSON.stringify(ext)}))\ndel sys, json`,
      );
    },
    errorData: (err) => (typeof err === 'object' && err !== null ? pythonErrors.get(err) : undefined),
  };
}
