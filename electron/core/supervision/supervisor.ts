/**
 * Runs extensions: starts one on its first command (or at once for `activation: onStartup`),
 * dispatches calls, notices crashes and restarts with exponential backoff, stops cleanly.
 */
import fs from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { WardenError } from '../../common/errors';
import { copyDataValue, type DataValue } from '../../common/data-value';
import type { CommandResult } from '../../common/command-result';
import { DEFAULT_LIMITS } from '../../common/limits';
import type { Launcher } from '../process/launcher';
import { silentLogger, type Logger } from '../platform/logger';
import {
  DEFAULT_TIMEOUTS,
  ExtensionProcess,
  LoadError,
  type ProcessStats,
  type ProcessTimeouts,
} from '../process/extension-process';
import type { LoadedExtension } from './extension-loader';
import { createPrivateData } from '../private-data/private-data';
import { createHostApiHandler } from '../host-api/dispatch';
import { createDefaultServices, type HostServices } from '../host-api/services';
import { observeAuthorizer } from '../permissions/broker';
import type { HostUsage } from '../host-api/dispatch';
import { readProcStats, type ProcSampler } from '../governance/proc-stats';
import { createStrikeBook, type QuarantineEntry, type StrikeBook } from '../governance/strikes';
import { createMetricsStore, type MetricsStore } from '../governance/metrics';
import { createBudgetMeter, DEFAULT_BUDGETS, type Budgets } from '../governance/token-bucket';
import type { GovernorEvent, GovernorTiming } from '../governance/governor';
import { locateSyntaxError } from '../bundle/syntax-locate';
import { prepareBundleSource } from '../bundle/source-transform';

export type ExtensionState = 'idle' | 'starting' | 'running' | 'stopping' | 'crashed' | 'failed' | 'quarantined';

export interface ExtensionStatus {
  id: string;
  state: ExtensionState;
  /** Consecutive crashes (reset after a stable run); drives the restart backoff. */
  crashes: number;
  restarts: number;
  lastExit?: { reason: string; at: number; expected: boolean };
  stats?: Readonly<ProcessStats>;
  strikes: Array<{ at: number; reason: string }>;
  quarantine?: QuarantineEntry;
}

export type SupervisorEvent =
  | { type: 'state'; id: string; state: ExtensionState; reason?: string }
  | { type: 'exit'; id: string; expected: boolean; reason: string }
  | { type: 'strike'; id: string; reason: string }
  | { type: 'quarantine'; id: string; reason: string }
  | { type: 'resource'; id: string; event: GovernorEvent };

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
  governance?: GovernanceOptions;
}

export interface GovernanceOptions {
  /** OS readings of a child (default: /proc on Linux); null turns memory/CPU watching off. */
  sample?: ProcSampler | null;
  strikes?: StrikeBook;
  budgets?: Partial<Budgets>;
  timing?: Partial<GovernorTiming>;
  /** Resident memory allowed above the heap cap, for the runtime itself and buffers. */
  rssOverheadMb?: number;
  metricsIntervalMs?: number;
}

export interface InvokeOptions {
  signal?: AbortSignal;
  onProgress?(fraction: number | null, message?: string): void;
  /** Overrides the manifest's `limits.callTimeoutMs`. */
  timeoutMs?: number;
}

export interface Supervisor {
  add(extension: LoadedExtension): void;
  /** Stops the extension (if running) and forgets it: after uninstall, or before re-adding a new version. */
  remove(id: string): Promise<void>;
  invoke(id: string, command: string, args?: unknown, options?: InvokeOptions): Promise<CommandResult>;
  start(id: string): Promise<void>;
  stop(id: string): Promise<void>;
  stopAll(): Promise<void>;
  status(id: string): ExtensionStatus;
  list(): ExtensionStatus[];
  onEvent(listener: (e: SupervisorEvent) => void): () => void;
  /** Lets a quarantined extension run again. */
  release(id: string): boolean;
  readonly metrics: MetricsStore;
  /** Stops sampling metrics (after stopAll, for a host that is shutting down). */
  close(): void;
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
  usage: HostUsage;
  budget: ReturnType<typeof createBudgetMeter>;
  lastSample?: { at: number; commands: number; hostCalls: number; fsBytes: number; netBytes: number };
  violations: number[];
}

const VIOLATIONS_PER_STRIKE = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createSupervisor(options: SupervisorOptions): Supervisor {
  const timeouts: ProcessTimeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  const restart: RestartPolicy = { baseMs: 250, maxMs: 30_000, stableMs: 60_000, ...options.restart };
  const logger = options.logger ?? silentLogger;
  const entries = new Map<string, Entry>();
  const listeners = new Set<(e: SupervisorEvent) => void>();
  const services = options.services ?? createDefaultServices(options.dataDir);
  const gov = options.governance ?? {};
  const sample = gov.sample === undefined ? readProcStats : gov.sample;
  const strikes = gov.strikes ?? createStrikeBook({ file: path.join(options.dataDir, 'quarantine.json') });
  const budgets: Budgets = { ...DEFAULT_BUDGETS, ...gov.budgets };
  const metrics = createMetricsStore();
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

  function quarantineError(id: string, q: QuarantineEntry): WardenError {
    return new WardenError('EPERM', `${id} is quarantined (${q.reason}); release it to let it run again`, {
      reason: 'denied',
    });
  }

  /**
   * Requests outside the manifest: every one is refused and audited, and each batch of
   * VIOLATIONS_PER_STRIKE within a minute is a strike. One stray path typed by a user should not
   * quarantine an extension; a probing loop will.
   */
  function violation(e: Entry, detail: string): void {
    const now = Date.now();
    e.violations = e.violations.filter((t) => now - t < 60_000);
    e.violations.push(now);
    if (e.violations.length >= VIOLATIONS_PER_STRIKE) {
      e.violations = [];
      strike(e, `${VIOLATIONS_PER_STRIKE} requests outside its manifest within a minute (last: ${detail})`);
    }
  }

  /** A kill (or a batch of violations): a strike; too many quarantine the extension. */
  function strike(e: Entry, reason: string): void {
    const id = e.ext.manifest.id;
    emit({ type: 'strike', id, reason });
    services.audit?.write({ ext: id, kind: 'violation', detail: `strike: ${reason}` });
    const q = strikes.strike(id, reason);
    if (!q) return;
    clearTimeout(e.restartTimer);
    logger.warn(`extension quarantined: ${q.reason}`, { ext: id });
    services.audit?.write({ ext: id, kind: 'lifecycle', detail: `quarantined: ${q.reason}` });
    emit({ type: 'quarantine', id, reason: q.reason });
    setState(e, 'quarantined', q.reason);
    if (e.proc) e.proc.kill(`quarantined: ${q.reason}`, 'EPERM');
  }

  async function launch(e: Entry): Promise<ExtensionProcess> {
    const m = e.ext.manifest;
    const q = strikes.quarantined(m.id);
    if (q) {
      setState(e, 'quarantined', q.reason);
      throw quarantineError(m.id, q);
    }
    const wait = e.lastCrashAt + backoff(e) - Date.now();
    if (wait > 0) await sleep(wait);
    setState(e, 'starting');
    let bytes: Buffer;
    try {
      bytes = await fs.readFile(e.ext.mainPath);
    } catch {
      setState(e, 'failed', `${m.main} cannot be read`);
      throw new WardenError('EINVAL', `${m.main} cannot be read`);
    }
    // An installed package's bundle is re-checked at every activation: a file changed on disk
    // after install (by malware, a sync tool, a user) must not run under the package's trust.
    const expected = e.ext.integrity?.mainSha256;
    if (expected && createHash('sha256').update(bytes).digest('hex') !== expected) {
      const reason = `${m.main} does not match the signed package (changed after install); reinstall it`;
      setState(e, 'failed', reason);
      services.audit?.write({ ext: m.id, kind: 'violation', detail: `integrity: ${reason}` });
      logger.error(`refusing to run ${m.id}: ${reason}`, { ext: m.id });
      throw new WardenError('EPERM', reason, { reason: 'policy' });
    }
    const source = bytes.toString('utf8');
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
      budget: e.budget,
      governor: sample
        ? {
            sample,
            limits: {
              rssLimitBytes: ((m.limits.memoryMb ?? DEFAULT_LIMITS.memoryMb) + (gov.rssOverheadMb ?? 96)) * 1024 * 1024,
              cpuPercent: m.limits.cpuPercent ?? DEFAULT_LIMITS.cpuPercent,
            },
            timing: gov.timing,
            onEvent: (event) => emit({ type: 'resource', id: m.id, event }),
          }
        : undefined,
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
    settleExit(e, expected, reason);
    // The panel and `warden top` show the process gone at once (its state, no CPU or memory),
    // not its last live sample until the next tick.
    sampleOne(e.ext.manifest.id, e, Date.now());
  }

  function settleExit(e: Entry, expected: boolean, reason: string): void {
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
    strike(e, reason);
    if (e.state === 'quarantined') return;
    if (e.ext.manifest.activation === 'onStartup') {
      e.restartTimer = setTimeout(() => {
        ensureStarted(e).catch(() => {}); // counts the restart (the entry is 'crashed')
      }, backoff(e));
      e.restartTimer.unref();
    }
  }

  const declares = (e: Entry, command: string) => e.ext.manifest.contributes.commands.some((c) => c.id === command);

  async function invokeChecked(
    id: string,
    command: string,
    args: unknown,
    opts: InvokeOptions,
  ): Promise<CommandResult> {
    const e = entry(id);
    if (!declares(e, command)) throw new WardenError('EINVAL', `"${id}" does not contribute a command "${command}"`);
    const copy = copyDataValue(args);
    if (!copy.ok) throw new WardenError('EINVAL', `arguments: ${copy.problem}`);
    // A running process takes the call in this turn (no await), so the in-flight count is
    // current for the next call of a burst and the refusal above can apply to it.
    const proc = e.proc?.state === 'ready' ? e.proc : await ensureStarted(e);
    const timeoutMs = opts.timeoutMs ?? e.ext.manifest.limits.callTimeoutMs ?? DEFAULT_LIMITS.callTimeoutMs;
    return proc.invoke(command, copy.value as DataValue, {
      timeoutMs,
      signal: opts.signal,
      onProgress: opts.onProgress,
    });
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

  /** One metrics sample of one extension (what the panel and `warden top` show). */
  function sampleOne(id: string, e: Entry, now: number): void {
    const st = e.proc?.stats;
    const prev = e.lastSample;
    const secs = prev ? Math.max(0.001, (now - prev.at) / 1000) : 1;
    const cur = {
      at: now,
      commands: st?.commands ?? 0,
      hostCalls: st?.hostCalls ?? 0,
      fsBytes: e.usage.fsBytes,
      netBytes: e.usage.netBytes,
    };
    const rate = (a: number, b: number | undefined) => (b === undefined || a < b ? 0 : (a - b) / secs);
    metrics.push(id, {
      time: now,
      state: e.state,
      cpuPercent: st?.cpuPercent ?? 0,
      rssBytes: st?.rssBytes ?? 0,
      heapUsed: st?.heapUsed ?? 0,
      callsPerSecond: rate(cur.commands, prev?.commands),
      hostCallsPerSecond: rate(cur.hostCalls, prev?.hostCalls),
      fsBytes: e.usage.fsBytes,
      netBytes: e.usage.netBytes,
      denials: e.usage.denials,
      prompts: e.usage.prompts,
      strikes: strikes.strikes(id).length,
      sampled: st?.sampled ?? false,
    });
    e.lastSample = cur;
  }

  /** One sample a second per extension. */
  const sampler = setInterval(() => {
    const now = Date.now();
    for (const [id, e] of entries) sampleOne(id, e, now);
  }, gov.metricsIntervalMs ?? 1000);
  sampler.unref();

  return {
    add(ext) {
      const id = ext.manifest.id;
      if (entries.has(id)) throw new WardenError('EEXIST', `extension "${id}" is already loaded`);
      const data = createPrivateData(options.dataDir, id, ext.manifest.limits.storageMb ?? DEFAULT_LIMITS.storageMb);
      const usage: HostUsage = { fsBytes: 0, netBytes: 0, denials: 0, prompts: 0 };
      const authorizer = observeAuthorizer(
        services.broker.forExtension({ manifest: ext.manifest, publisherKey: ext.publisherKey }),
        {
          counts: usage,
          onViolation: (detail) => violation(e, detail),
        },
      );
      const budget = createBudgetMeter(budgets);
      // The handler's violation callback refers to the entry it is part of (called later only).
      const e: Entry = {
        violations: [],
        usage,
        budget,
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
          usage,
          budget,
        }),
        state: 'idle',
        crashes: 0,
        restarts: 0,
        lastCrashAt: 0,
        startedAt: 0,
        stopping: false,
      };
      entries.set(id, e);
      const q = strikes.quarantined(id);
      if (q) e.state = 'quarantined';
      else if (ext.manifest.activation === 'onStartup') ensureStarted(e).catch(() => {});
    },

    invoke(id, command, args = {}, opts = {}) {
      // Past the in-flight cap a call is refused here, without an async frame, a throw or a copy
      // of its arguments: a burst of thousands costs the host's loop one check per refused call.
      const e = entries.get(id);
      const full = e?.proc?.refusal();
      if (full && declares(e!, command)) return Promise.reject(full);
      return invokeChecked(id, command, args, opts);
    },

    async start(id) {
      await ensureStarted(entry(id));
    },
    async remove(id) {
      const e = entries.get(id);
      if (!e) return;
      await stopEntry(e);
      entries.delete(id);
      emit({ type: 'state', id, state: 'idle', reason: 'removed' });
    },
    stop: (id) => stopEntry(entry(id)),
    async stopAll() {
      await Promise.all([...entries.values()].map(stopEntry));
    },
    status(id) {
      const e = entry(id);
      const quarantine = strikes.quarantined(id);
      return {
        id,
        state: e.state,
        crashes: e.crashes,
        restarts: e.restarts,
        ...(e.lastExit ? { lastExit: e.lastExit } : {}),
        ...(e.proc ? { stats: e.proc.stats } : {}),
        strikes: strikes.strikes(id),
        ...(quarantine ? { quarantine } : {}),
      };
    },
    list() {
      return [...entries.keys()].map((id) => this.status(id));
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    release(id) {
      const e = entry(id);
      const released = strikes.release(id);
      if (released) {
        e.crashes = 0;
        services.audit?.write({ ext: id, kind: 'lifecycle', detail: 'released from quarantine' });
        setState(e, 'idle');
        if (e.ext.manifest.activation === 'onStartup') ensureStarted(e).catch(() => {});
      }
      return released;
    },
    metrics,
    close() {
      clearInterval(sampler);
    },
  };
}
