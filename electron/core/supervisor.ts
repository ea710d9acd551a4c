/**
 * Runs extensions: starts one on its first command (or at once for `activation: onStartup`),
 * dispatches calls, notices crashes and restarts with exponential backoff, stops cleanly.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { WardenError } from '../common/errors';
import { copyDataValue, type DataValue } from '../common/data-value';
import type { CommandResult } from '../common/command-result';
import { DEFAULT_LIMITS } from '../common/limits';
import type { Launcher } from './launcher';
import { silentLogger, type Logger } from './logger';
import {
  DEFAULT_TIMEOUTS,
  ExtensionProcess,
  LoadError,
  type ProcessStats,
  type ProcessTimeouts,
} from './extension-process';
import type { LoadedExtension } from './extension-loader';
import { createPrivateData } from './private-data';
import { createHostApiHandler } from './host-api-handler';
import { createDefaultServices, type HostServices } from './host-services';
import { locateSyntaxError } from './syntax-locate';
import { prepareBundleSource } from './source-transform';

export type ExtensionState = 'idle' | 'starting' | 'running' | 'stopping' | 'crashed' | 'failed';

export interface ExtensionStatus {
  id: string;
  state: ExtensionState;
  /** Consecutive crashes (reset after a stable run); drives the restart backoff. */
  crashes: number;
  restarts: number;
  lastExit?: { reason: string; at: number; expected: boolean };
  stats?: Readonly<ProcessStats>;
}

export type SupervisorEvent =
  | { type: 'state'; id: string; state: ExtensionState; reason?: string }
  | { type: 'exit'; id: string; expected: boolean; reason: string };

export interface RestartPolicy {
  baseMs: number;
  maxMs: number;
  /** A run longer than this resets the crash streak. */
  stableMs: number;
}

export interface SupervisorOptions {
  launcher: Launcher;
  dataDir: string;
  logger?: Logger;
  timeouts?: Partial<ProcessTimeouts>;
  restart?: Partial<RestartPolicy>;
  /** Broker, gateways, secrets, notifier, picker; defaults deny every prompt. */
  services?: HostServices;
}

export interface InvokeOptions {
  signal?: AbortSignal;
  onProgress?(fraction: number | null, message?: string): void;
  /** Overrides the manifest's `limits.callTimeoutMs`. */
  timeoutMs?: number;
}

export interface Supervisor {
  add(extension: LoadedExtension): void;
  invoke(id: string, command: string, args?: unknown, options?: InvokeOptions): Promise<CommandResult>;
  start(id: string): Promise<void>;
  stop(id: string): Promise<void>;
  stopAll(): Promise<void>;
  status(id: string): ExtensionStatus;
  list(): ExtensionStatus[];
  onEvent(listener: (e: SupervisorEvent) => void): () => void;
}

interface Entry {
  ext: LoadedExtension;
  handleCall: ReturnType<typeof createHostApiHandler>;
  proc?: ExtensionProcess;
  starting?: Promise<ExtensionProcess>;
  state: ExtensionState;
  crashes: number;
  restarts: number;
  lastCrashAt: number;
  startedAt: number;
  restartTimer?: NodeJS.Timeout;
  lastExit?: ExtensionStatus['lastExit'];
  stopping: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const timeouts: ProcessTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const restart: RestartPolicy = { baseMs: 250, maxMs: 30_000, stableMs: 60_000, ...options.restart };
  const logger = options.logger ?? silentLogger;
  const entries = new Map<string, Entry>();
  const listeners = new Set<(e: SupervisorEvent) => void>();
  const services = options.services ?? createDefaultServices(options.dataDir);
  const emit = (e: SupervisorEvent) => listeners.forEach((l) => l(e));

  const entry = (id: string): Entry => {
    const e = entries.get(id);
    if (!e) throw new WardenError('EINVAL', `no extension "${id}" is loaded`);
    return e;
  };
  const setState = (e: Entry, state: ExtensionState, reason?: string) => {
    e.state = state;
    emit({ type: 'state', id: e.ext.manifest.id, state, ...(reason ? { reason } : {}) });
  };
  const backoff = (e: Entry) => (e.crashes === 0 ? 0 : Math.min(restart.maxMs, restart.baseMs * 2 ** (e.crashes - 1)));

  async function launch(e: Entry): Promise<ExtensionProcess> {
    const m = e.ext.manifest;
    const wait = e.lastCrashAt + backoff(e) - Date.now();
    if (wait > 0) await sleep(wait);
    setState(e, 'starting');
    let source: string;
    try {
      source = await fs.readFile(e.ext.mainPath, 'utf8');
    } catch {
      setState(e, 'failed', `${m.main} cannot be read`);
      throw new WardenError('EINVAL', `${m.main} cannot be read`);
    }
    // Bundles not built by `warden build` may still carry text SES censors (`<!--`, `import(` in
    // strings or comments): rewrite it, meaning-preserving, cached by hash (source-transform.ts).
    // `source` stays the file's text for error locations; line numbers are the same in both.
    const sandboxSource = await prepareBundleSource(source, {
      cacheDir: path.join(options.dataDir, 'cache', 'bundles'),
    });
    const proc = new ExtensionProcess({
      launcher: options.launcher,
      extension: { id: m.id, version: m.version, name: m.name, commands: m.contributes.commands.map((c) => c.id) },
      source: sandboxSource,
      sourceUrl: `ext://${m.id}/${m.main}`,
      memoryMb: m.limits.memoryMb ?? DEFAULT_LIMITS.memoryMb,
      timeouts,
      handleCall: e.handleCall,
      logger: logger.child({ ext: m.id }),
      onExit: (outcome) => onExit(e, proc, outcome.expected, outcome.reason),
    });
    e.proc = proc;
    e.startedAt = Date.now();
    try {
      await proc.ready();
    } catch (err) {
      if (err instanceof LoadError && err.syntax) {
        const located = locateSyntaxError(source, m.main);
        if (located) throw new LoadError({ code: 'EINVAL', message: located }, err.phase, true);
      }
      if (err instanceof LoadError) setState(e, 'failed', err.message);
      throw err;
    }
    setState(e, 'running');
    return proc;
  }

  function onExit(e: Entry, proc: ExtensionProcess, expected: boolean, reason: string): void {
    if (e.proc !== proc) return;
    e.proc = undefined;
    e.lastExit = { reason, at: Date.now(), expected };
    emit({ type: 'exit', id: e.ext.manifest.id, expected, reason });
    if (expected || e.stopping) {
      if (e.state !== 'failed') setState(e, 'idle');
      return;
    }
    if (Date.now() - e.startedAt > restart.stableMs) e.crashes = 0;
    e.crashes++;
    e.lastCrashAt = Date.now();
    logger.warn(`extension ${reason}`, { ext: e.ext.manifest.id, crashes: e.crashes });
    setState(e, 'crashed', reason);
    if (e.ext.manifest.activation === 'onStartup') {
      e.restartTimer = setTimeout(() => {
        e.restarts++;
        ensureStarted(e).catch(() => {});
      }, backoff(e));
      e.restartTimer.unref();
    }
  }

  function ensureStarted(e: Entry): Promise<ExtensionProcess> {
    if (e.proc && e.proc.state === 'ready') return Promise.resolve(e.proc);
    if (e.starting) return e.starting;
    e.stopping = false;
    if (e.state === 'crashed') e.restarts++;
    e.starting = launch(e).finally(() => {
      e.starting = undefined;
    });
    return e.starting;
  }

  async function stopEntry(e: Entry): Promise<void> {
    e.stopping = true;
    clearTimeout(e.restartTimer);
    await e.starting?.catch(() => {});
    if (!e.proc) return;
    setState(e, 'stopping');
    await e.proc.stop();
  }

  return {
    add(ext) {
      const id = ext.manifest.id;
      if (entries.has(id)) throw new WardenError('EEXIST', `extension "${id}" is already loaded`);
      const data = createPrivateData(options.dataDir, id, ext.manifest.limits.storageMb ?? DEFAULT_LIMITS.storageMb);
      const authorizer = services.broker.forExtension({ manifest: ext.manifest });
      const e: Entry = {
        ext,
        handleCall: createHostApiHandler({
          manifest: ext.manifest,
          data,
          authorizer,
          fs: services.fsGateway?.(authorizer),
          net: services.netGateway?.(authorizer, ext.manifest),
          secrets: services.secrets,
          notifier: services.notifier,
          picker: services.picker,
          audit: services.audit,
        }),
        state: 'idle',
        crashes: 0,
        restarts: 0,
        lastCrashAt: 0,
        startedAt: 0,
        stopping: false,
      };
      entries.set(id, e);
      if (ext.manifest.activation === 'onStartup') ensureStarted(e).catch(() => {});
    },

    async invoke(id, command, args = {}, opts = {}) {
      const e = entry(id);
      const declared = e.ext.manifest.contributes.commands.some((c) => c.id === command);
      if (!declared) throw new WardenError('EINVAL', `"${id}" does not contribute a command "${command}"`);
      const copy = copyDataValue(args);
      if (!copy.ok) throw new WardenError('EINVAL', `arguments: ${copy.problem}`);
      const proc = await ensureStarted(e);
      const timeoutMs = opts.timeoutMs ?? e.ext.manifest.limits.callTimeoutMs ?? DEFAULT_LIMITS.callTimeoutMs;
      return proc.invoke(command, copy.value as DataValue, {
        timeoutMs,
        signal: opts.signal,
        onProgress: opts.onProgress,
      });
    },

    async start(id) {
      await ensureStarted(entry(id));
    },
    stop: (id) => stopEntry(entry(id)),
    async stopAll() {
      await Promise.all([...entries.values()].map(stopEntry));
    },
    status(id) {
      const e = entry(id);
      return {
        id,
        state: e.state,
        crashes: e.crashes,
        restarts: e.restarts,
        ...(e.lastExit ? { lastExit: e.lastExit } : {}),
        ...(e.proc ? { stats: e.proc.stats } : {}),
      };
    },
    list() {
      return [...entries.keys()].map((id) => this.status(id));
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
