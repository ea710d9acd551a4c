/**
 * The sandbox runtime, loaded after lockdown(): builds the one compartment before the extension is
 * known (guest-realm.ts; inside the start-up snapshot when the process starts from one), receives
 * `init`, adds `host`, evaluates the bundle, runs `activate`, dispatches commands and sends
 * heartbeats.
 *
 * Everything here runs in the start compartment and is privileged relative to the guest: guest
 * values are only read through the defensive copiers, never `await`ed in host-facing code paths
 * that hold channel state, and never stringified outside `safe-format`.
 */
import { getHeapStatistics } from 'node:v8';
import type { InitMessage } from '../common/protocol';
import { MAX_LOG_TEXT, MAX_MESSAGE_BYTES, type LogLevel } from '../common/protocol-limits';
import { copyDataValue } from '../common/data-value';
import type { ErrorData } from '../common/errors';
import { createSandboxChannel, type SandboxChannel } from './channel';
import { createRateGate } from './guest-console';
import { createVirtualClock } from './virtual-clock';
import { GUEST_DATA_LIMITS } from './rpc-client';
import { createHostApi, type CommandHandler } from './host-api';
import { frameText, guestErrorDetails, guestFrames, guestLocation, type GuestSource } from './guest-errors';
import { createGuestRealm, type GuestRealm, type GuestRealmPorts } from './guest-realm';
import { createPositionMapper } from '../common/source-map-positions';
import { errorText, formatLogArgs } from './safe-format';
import { evaluateBundle, missingGlobalHint } from './evaluate-bundle';
import { parseHostMessage } from './host-message';

const DEACTIVATE_TIMEOUT_MS = 2_000;

interface Invocation {
  cancelled: boolean;
  onCancel: Array<() => void>;
}

/** The runtime of a process that has not started yet: no channel, the guest's compartment built. */
export type PreparedSandbox = ReturnType<typeof createSandboxRuntime>;

/**
 * Builds the runtime and the guest's compartment ahead of the process start: the start-up
 * snapshot does this inside the blob (snapshot-entry.ts), so each process from it only attaches
 * its channel. Opens nothing and reads nothing of a process's own (argv, fd 3, environment).
 */
export function prepareSandbox(): PreparedSandbox {
  return createSandboxRuntime();
}

/** Starts the sandbox of this process: `prepared` when the snapshot built it, else built now. */
export function startSandbox(prepared?: PreparedSandbox): void {
  const snapshotArg = process.argv.find((a) => a.startsWith('--python-snapshot='));
  if (snapshotArg) {
    // Warden's Python snapshot maker (python-snapshot.ts): no channel, no extension code.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: only this mode
    const { writePythonSnapshot } = require('./python-snapshot') as typeof import('./python-snapshot');
    writePythonSnapshot(snapshotArg.slice('--python-snapshot='.length)).then(
      () => process.exit(0),
      () => process.exit(1),
    );
    return;
  }
  const runtime = prepared ?? createSandboxRuntime();
  // Hello first, as the channel opens: nothing of the extension can run before its init, which
  // is read only after this function has set everything up.
  const channel = createSandboxChannel({ t: 'hello' });
  runtime.attach(channel);
  channel.onMessage((m) => runtime.receive(m));
  // The host went away: there is nobody left to serve.
  channel.onClose(() => process.exit(0));
  process.on('unhandledRejection', (reason) => runtime.reportGuestError('unhandled promise rejection', reason));
  process.on('uncaughtException', (err) => {
    runtime.reportGuestError('uncaught exception', err);
    process.exitCode = 70;
    setTimeout(() => process.exit(70), 50);
  });
}

function createSandboxRuntime() {
  let channel: SandboxChannel | undefined;
  const send = (m: unknown) => (channel ? channel.send(m) : false);
  /** Sends a command result, or says it is too large (instead of leaving the caller to time out). */
  const sendResult = (id: number, value: unknown) => {
    if (!send({ t: 'result', id, ok: true, value })) {
      send({
        t: 'result',
        id,
        ok: false,
        error: {
          code: 'E2BIG',
          message: `the result is larger than the ${MAX_MESSAGE_BYTES / (1024 * 1024)} MiB a message may carry`,
        },
      });
    }
  };
  const logGate = createRateGate(200, 400);
  const handlers = new Map<string, CommandHandler>();
  const invocations = new Map<number, Invocation>();
  let init: InitMessage | undefined;
  /**
   * Commands that arrive with `init` or while `activate()` runs (the host sends the first one
   * straight after `init` rather than a round trip after `ready`): run in order once the extension
   * is ready, dropped if it fails to load (the host fails them with the load error).
   */
  let held: Array<{ id: number; command: string; args: unknown }> | undefined;
  /** The extension failed to load: no command of it ever runs (the host has failed them). */
  let loadFailed = false;
  let moduleExports: Record<string, unknown> | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let seq = 0;
  let stopping = false;
  const displayName = () => (init ? init.sourceUrl.replace(/^ext:\/\/[^/]+\//, '') : 'extension');
  /** Set at init: the bundle's URL, name and source map (decoded on the first error). */
  let guestSource: GuestSource | undefined;
  /** Python extensions: the error data a failed Python command reported. */
  let pythonErrorData: ((err: unknown) => ErrorData | undefined) | undefined;

  function log(level: LogLevel, args: unknown[]): void {
    if (!logGate.take()) return;
    const dropped = logGate.dropped();
    if (dropped > 0) send({ t: 'log', level: 'warn', text: `(${dropped} log messages dropped: rate limit)` });
    send({ t: 'log', level, text: formatLogArgs(args, MAX_LOG_TEXT) });
  }

  function reportGuestError(what: string, err: unknown): void {
    const where = guestSource ? guestLocation(err, guestSource) : undefined;
    log('error', [`${what}: ${errorText(err)}${where ? ` (at ${where})` : ''}`]);
  }

  function sendHeartbeat(): void {
    // V8's own statistics, not process.memoryUsage(): that reads /proc/self, which the OS wall closes.
    send({ t: 'hb', seq: seq++, heapUsed: getHeapStatistics().used_heap_size, timers: realm.timers.active() });
  }

  // What the guest's realm reaches of this runtime; `guestSource` is set by `init`, before any
  // guest code runs (and so before any of these is called from the guest).
  const ports: GuestRealmPorts = {
    send,
    log,
    reportGuestError,
    errorLocation: (err) => (guestSource ? guestLocation(err, guestSource) : undefined),
    // An Error made here has the guest's calling frames below this one: the first is the caller.
    callerLocation: () => (guestSource ? guestLocation(new Error('console'), guestSource) : undefined),
    callStack: () =>
      guestSource
        ? guestFrames(new Error('console'), guestSource.sourceUrl).map((f) => frameText(f, guestSource!))
        : [],
  };
  /**
   * Built now, before the extension is known (in the snapshot: at build time); replaced only for
   * a test host's virtual clock (`init.clock`), which the guest's Date, performance and timers read.
   */
  let realm: GuestRealm = createGuestRealm(ports);

  function becameReady(): void {
    send({ t: 'ready', commands: [...handlers.keys()] });
    const queued = held ?? [];
    held = undefined;
    if (!stopping) for (const q of queued) void invoke(q.id, q.command, q.args);
  }

  function failedToLoad(m: { t: 'load-failed' } & Record<string, unknown>): void {
    held = undefined;
    loadFailed = true;
    send(m);
  }

  async function load(msg: InitMessage): Promise<void> {
    init = msg;
    held = [];
    guestSource = {
      sourceUrl: msg.sourceUrl,
      displayName: displayName(),
      ...(msg.sourceMap ? { mapper: createPositionMapper(msg.sourceMap) } : {}),
    };
    if (msg.clock) realm = createGuestRealm(ports, createVirtualClock(msg.clock.startMs));
    heartbeat = setInterval(sendHeartbeat, msg.heartbeatMs);
    sendHeartbeat();
    const { compartment, timers } = realm;
    const host = createHostApi({
      extension: msg.extension,
      declaredCommands: new Set(msg.commands),
      handlers,
      members: realm.hostMembers,
    });
    if (msg.python) {
      // Python (docs/python.md): its own Compartment inside this process; loaded only here, so
      // the JavaScript path neither evaluates nor pays for it.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: Python extensions only
      const { startPython } = require('./python-start') as typeof import('./python-start');
      const started = await startPython({
        msg,
        msgPython: msg.python,
        host,
        handlers,
        log,
        timers,
        // Nothing runs after Pyodide's fatal error: end the process so the host fails the calls
        // in flight now (as a crash, with its strike) instead of at their timeouts.
        onFatal: (err) => {
          reportGuestError('the Python runtime stopped after a fatal error', err);
          process.exitCode = 70;
          setTimeout(() => process.exit(70), 50);
        },
      });
      if (!started.ok) {
        failedToLoad({ t: 'load-failed', phase: started.phase, syntax: started.syntax, error: started.error });
        return;
      }
      pythonErrorData = started.errorData;
      becameReady();
      return;
    }
    const g = compartment.globalThis as Record<string, unknown>;
    Object.defineProperty(g, 'host', { value: host, enumerable: true, writable: false, configurable: false });

    const evaluated = evaluateBundle(compartment, msg.source, guestSource);
    if (!evaluated.ok) {
      failedToLoad({ t: 'load-failed', phase: 'evaluate', syntax: evaluated.syntax, error: evaluated.error });
      return;
    }
    moduleExports = evaluated.exports;
    try {
      // `exports.activate` (the documented shape), or what an ES module bundled to CommonJS
      // gives: `export default { activate }` or `export default function activate(host)`.
      let owner = moduleExports;
      let activate = owner.activate;
      const fallback = owner.default as { activate?: unknown } | ((h: unknown) => unknown) | undefined;
      if (typeof activate !== 'function' && fallback !== null && fallback !== undefined) {
        if (typeof fallback === 'function') activate = fallback;
        else if (typeof fallback === 'object' && typeof fallback.activate === 'function') {
          owner = fallback as typeof moduleExports;
          activate = fallback.activate;
        }
        if (typeof activate === 'function') moduleExports = owner; // deactivate is looked up on it too
      }
      if (typeof activate === 'function') await Reflect.apply(activate, owner, [host]);
    } catch (err) {
      const data = explain(err);
      data.message = `activate() failed: ${data.message}`;
      failedToLoad({ t: 'load-failed', phase: 'activate', syntax: false, error: data });
      return;
    }
    becameReady();
  }

  async function invoke(id: number, command: string, rawArgs: unknown): Promise<void> {
    const fail = (error: ErrorData): void => void send({ t: 'result', id, ok: false, error });
    const handler = handlers.get(command);
    if (!handler) {
      return fail({
        code: 'EINVAL',
        message: `command "${command}" is declared in manifest.json but activate() did not register it`,
      });
    }
    const args = copyDataValue(rawArgs, GUEST_DATA_LIMITS);
    const inv: Invocation = { cancelled: false, onCancel: [] };
    invocations.set(id, inv);
    let lastProgress = 0;
    const call = harden({
      progress(fraction: unknown, message?: unknown) {
        const now = Date.now();
        if (inv.cancelled || now - lastProgress < 50) return; // ≤ 20 updates a second
        lastProgress = now;
        const f = typeof fraction === 'number' && Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : null;
        send({
          t: 'progress',
          id,
          fraction: f,
          ...(typeof message === 'string' ? { message: message.slice(0, 500) } : {}),
        });
      },
      get cancelled() {
        return inv.cancelled;
      },
      onCancel(fn: unknown) {
        if (typeof fn !== 'function') throw new TypeError('call.onCancel: expected a function');
        if (inv.cancelled) queueMicrotask(() => runGuarded(fn));
        else inv.onCancel.push(() => runGuarded(fn));
      },
    });
    try {
      const value: unknown = await Reflect.apply(handler, undefined, [args.ok ? args.value : null, call]);
      if (inv.cancelled) return;
      // Copied as plain data here (no getter, proxy or toJSON reaches the host); the host maps
      // it onto a CommandResult and validates the shape.
      const copy = copyDataValue(value === undefined ? null : value);
      if (!copy.ok) return fail({ code: 'EINVAL', message: `result is not plain data: ${copy.problem}` });
      sendResult(id, copy.value);
    } catch (err) {
      if (!inv.cancelled) fail(explain(err));
    } finally {
      invocations.delete(id);
    }
  }

  /** A guest error as data, with a hint when it came from a global the sandbox does not have. */
  function explain(err: unknown): ErrorData {
    const py = pythonErrorData?.(err);
    if (py) return py;
    const { data, bundleLocation } = guestErrorDetails(err, guestSource!);
    if (data.code === 'EEXTENSION') {
      const hint = missingGlobalHint(data.message, init!.source, bundleLocation);
      if (hint) data.message = `${data.message} — ${hint}`;
    }
    return data;
  }

  function runGuarded(fn: unknown): void {
    try {
      Reflect.apply(fn as () => void, undefined, []);
    } catch (err) {
      reportGuestError('onCancel callback threw', err);
    }
  }

  function cancel(id: number): void {
    const inv = invocations.get(id);
    if (!inv || inv.cancelled) return;
    inv.cancelled = true;
    for (const fn of inv.onCancel.splice(0)) fn();
  }

  async function stop(): Promise<void> {
    if (stopping) return;
    stopping = true;
    for (const id of invocations.keys()) cancel(id);
    const deactivate = moduleExports?.deactivate;
    if (typeof deactivate === 'function') {
      try {
        await Promise.race([
          Promise.resolve(Reflect.apply(deactivate, moduleExports, [])),
          new Promise((resolve) => setTimeout(resolve, DEACTIVATE_TIMEOUT_MS)),
        ]);
      } catch (err) {
        reportGuestError('deactivate() failed', err);
      }
    }
    realm.timers.clearAll();
    realm.rpc.failAll({ code: 'ECANCELED', message: 'the extension is stopping' });
    if (heartbeat) clearInterval(heartbeat);
    send({ t: 'stopped' });
  }

  function receive(raw: unknown): void {
    const m = parseHostMessage(raw);
    if (!m) return; // the host is trusted; an unreadable message is a host bug
    switch (m.t) {
      case 'init':
        if (!init) void load(m);
        return;
      case 'invoke':
        if (!init || stopping || loadFailed) return;
        if (held) held.push({ id: m.id, command: m.command, args: m.args });
        else void invoke(m.id, m.command, m.args);
        return;
      case 'cancel': {
        // A command still waiting for activate() to finish is simply never run.
        const at = held?.findIndex((q) => q.id === m.id) ?? -1;
        if (at >= 0) held!.splice(at, 1);
        else cancel(m.id);
        return;
      }
      case 'reply':
        return realm.rpc.settle(m.id, m.ok, m.ok ? m.value : m.error);
      case 'stop':
        void stop();
        return;
      case 'clock':
        realm.clock?.advance(m.advanceMs);
        return;
      case 'python-preload': {
        // A warm spare (docs/python.md): the interpreter starts now, the extension comes with init.
        if (init) return;
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy: Python spares only
        const { preloadPython } = require('./python-start') as typeof import('./python-start');
        preloadPython(m.memoryMb, m.snapshot, m.verified, log);
        return;
      }
    }
  }

  return {
    /** Binds this process's channel (once, when the process starts). */
    attach(c: SandboxChannel): void {
      channel ??= c;
    },
    receive,
    reportGuestError,
  };
}
