/**
 * Runs extensions: starts one on its first command (or at once for `activation: onStartup`),
 * dispatches calls, notices crashes and restarts with exponential backoff, stops cleanly. Its
 * parts: activation.ts (start one process), violations.ts (strikes and quarantine),
 * usage-sampler.ts (metrics), host-api/context.ts (what an extension's calls run against).
 */
import { wallStatus } from '../../common/wall';
import path from 'node:path';
import { WardenError } from '../../common/errors';
import { copyDataValue, type DataValue } from '../../common/data-value';
import type { CommandResult } from '../../common/command-result';
import { MAX_CLOCK_ADVANCE_MS } from '../../common/protocol';
import { BUDGET_KEYS, DEFAULT_LIMITS, type BudgetKey } from '../../common/limits';
import { silentLogger } from '../platform/logger';
import { DEFAULT_TIMEOUTS, type ExtensionProcess, type ProcessTimeouts } from '../process/extension-process';
import { createHostApiHandler } from '../host-api/dispatch';
import { createDefaultServices } from '../host-api/services';
import { createExtensionContext } from '../host-api/context';
import { readProcStats } from '../governance/proc-stats';
import { createStrikeBook, releaseHint, type QuarantineEntry } from '../governance/strikes';
import { createMetricsStore } from '../governance/metrics';
import { resolveBudgets } from '../governance/token-bucket';
import { activate } from './activation';
import { preparePython } from './python-activation';
import { createViolations } from './violations';
import { createUsageSampler } from './usage-sampler';
import { createCallClocks } from './call-clocks';
import { invokeWhileStarting } from './early-invoke';
import { attachBehaviourResponses } from './behaviour-responses';
import type {
  Entry,
  ExtensionState,
  InvokeOptions,
  RestartPolicy,
  Supervisor,
  SupervisorEvent,
  SupervisorOptions,
} from './types';

export type {
  ExtensionState,
  ExtensionStatus,
  GovernanceOptions,
  InvokeOptions,
  RestartPolicy,
  Supervisor,
  SupervisorEvent,
  SupervisorOptions,
} from './types';

/** The broker capability a behaviour finding is about (private data and storage have none). */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A function, not an inline test: the state changes under calls that TypeScript cannot see. */
const isQuarantined = (e: Entry) => e.state === 'quarantined';

/** The lower of two sets of budget ceilings, key by key. */
function minCeilings(
  a: Partial<Record<BudgetKey, number>> = {},
  b: Partial<Record<BudgetKey, number>> = {},
): Partial<Record<BudgetKey, number>> {
  const out: Partial<Record<BudgetKey, number>> = {};
  for (const k of BUDGET_KEYS) {
    const v = Math.min(a[k] ?? Infinity, b[k] ?? Infinity);
    if (v !== Infinity) out[k] = v;
  }
  return out;
}

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
    return new WardenError('EPERM', `${id} is quarantined (${q.reason}); ${releaseHint(id)}`, {
      reason: 'denied',
    });
  }

  const discipline = createViolations({
    strikes,
    audit: services.audit,
    logger,
    emit,
    quarantined: (e, reason) => {
      clearTimeout(e.restartTimer);
      setState(e, 'quarantined', reason);
      const id = e.ext.manifest.id;
      if (e.proc) e.proc.kill(`${id} is quarantined (${reason}); ${releaseHint(id)}`, 'EPERM', { logged: true });
    },
  });
  // Behaviour baselines: commands and resource samples feed the profile; a contained deviation
  // stops and quarantines at once (reported through the same events as any quarantine), and
  // the host is told so it can roll an update back; "re-ask" suspends remembered answers.
  const behaviour = services.behaviour;
  const unsampleBehaviour = behaviour
    ? metrics.subscribe((id, s) => {
        if (s.sampled && s.state === 'running') behaviour.sample(id, s.cpuPercent, s.rssBytes);
      })
    : () => {};
  const throttleEntry = behaviour
    ? attachBehaviourResponses({
        behaviour,
        entries,
        strikes,
        services,
        logger,
        quarantined: (e, reason) => {
          clearTimeout(e.restartTimer);
          setState(e, 'quarantined', reason);
          emit({ type: 'quarantine', id: e.ext.manifest.id, reason });
          if (e.proc) e.proc.kill(`quarantined: ${reason}`, 'EPERM');
        },
        onContained: options.onContained,
      })
    : undefined;
  const sampler = createUsageSampler({
    metrics,
    strikes,
    entries: () => entries,
    intervalMs: gov.metricsIntervalMs ?? 1000,
  });

  /** `onProcess`: the process exists and is starting (the first command may go to it). */
  async function launch(e: Entry, onProcess: (proc: ExtensionProcess) => void): Promise<ExtensionProcess> {
    const m = e.ext.manifest;
    const q = strikes.quarantined(m.id);
    if (q) {
      setState(e, 'quarantined', q.reason);
      throw quarantineError(m.id, q);
    }
    const wait = e.lastCrashAt + backoff(e) - Date.now();
    if (wait > 0) await sleep(wait);
    return activate(e, {
      launcher: options.launcher,
      requireWall: services.requireWall,
      dataDir: options.dataDir,
      logger,
      timeouts,
      audit: services.audit,
      sample,
      governance: gov,
      setState,
      onResource: (id, event) => emit({ type: 'resource', id, event }),
      onExit: (entry, proc, outcome) => onExit(entry, proc, outcome.expected, outcome.reason),
      onProcess: (_entry, proc) => onProcess(proc),
      ...(options.clock ? { clock: (entry: Entry) => ({ startMs: clockOf(entry.ext.manifest.id) }) } : {}),
      ...(options.pythonSnapshot ? { pythonSnapshot: options.pythonSnapshot } : {}),
    });
  }

  /** Test hosts: each extension's virtual time, so a restarted process resumes where it was. */
  const virtualNow = new Map<string, number>();
  const clockOf = (id: string) => virtualNow.get(id) ?? options.clock!.startMs;

  function onExit(e: Entry, proc: ExtensionProcess, expected: boolean, reason: string): void {
    if (e.proc !== proc) return;
    // Prompts asked from outside any command (activation, a timer) go with the process.
    e.calls.endAll();
    // Every exit is recorded with its reason: a stop asked for, a kill by the host, a crash.
    const killed = proc.killReason;
    services.audit?.write({
      ext: e.ext.manifest.id,
      kind: 'lifecycle',
      detail: killed ? 'killed' : expected || e.stopping ? 'stopped' : 'crashed',
      reason: killed ?? reason,
    });
    settleExit(e, expected, reason);
    // The panel and `warden top` show the process gone at once (its state, no CPU or memory),
    // not its last live sample until the next tick.
    sampler.sampleOne(e.ext.manifest.id, e, Date.now());
  }

  function settleExit(e: Entry, expected: boolean, reason: string): void {
    e.proc = undefined;
    e.lastExit = { reason, at: Date.now(), expected };
    emit({ type: 'exit', id: e.ext.manifest.id, expected, reason });
    if (expected || e.stopping) {
      if (e.state !== 'failed' && e.state !== 'quarantined') setState(e, 'idle');
      return;
    }
    // The kill that enforced a quarantine: said and counted already.
    if (isQuarantined(e)) return;
    if (Date.now() - e.startedAt > restart.stableMs) e.crashes = 0;
    e.crashes++;
    e.lastCrashAt = Date.now();
    logger.warn(`extension ${reason}`, { ext: e.ext.manifest.id, crashes: e.crashes });
    setState(e, 'crashed', reason);
    discipline.strike(e, reason);
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
    const timeoutMs = opts.timeoutMs ?? e.ext.manifest.limits.callTimeoutMs ?? DEFAULT_LIMITS.callTimeoutMs;
    const ran = () => {
      behaviour?.command(e.ext.manifest, command);
      // Which command ran, and in which version: the Activity view and incidents read it.
      services.audit?.write({ ext: id, kind: 'command', target: command, version: e.ext.manifest.version });
    };
    // A running process takes the call in this turn (no await), so the in-flight count is
    // current for the next call of a burst and the refusal above can apply to it.
    let proc = e.proc?.state === 'ready' ? e.proc : undefined;
    if (!proc) {
      const starting = ensureStarted(e);
      // As soon as the process exists, the command goes to it, right behind its init.
      const first = await Promise.race([starting, e.launched ?? starting]);
      if (first.state === 'starting')
        return invokeWhileStarting(e, first, starting, command, copy.value as DataValue, { ...opts, timeoutMs, ran });
      proc = await starting;
    }
    ran();
    // The supervisor keeps the call's clock: it stands still while a prompt waits for the user.
    const clock = e.calls.start(command, timeoutMs, opts.signal);
    try {
      return await proc.invoke(command, copy.value as DataValue, { signal: clock.signal, onProgress: opts.onProgress });
    } finally {
      clock.end();
    }
  }

  function ensureStarted(e: Entry): Promise<ExtensionProcess> {
    if (e.proc && e.proc.state === 'ready') return Promise.resolve(e.proc);
    if (e.starting) return e.starting;
    e.stopping = false;
    if (e.state === 'crashed') e.restarts++;
    let created!: (proc: ExtensionProcess) => void;
    e.launched = new Promise((resolve) => (created = resolve));
    e.starting = launch(e, created).finally(() => {
      e.starting = undefined;
      e.launched = undefined;
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
      // What the manifest asks, within the host's maxima and the admin policy's ceilings.
      const { budgets, capped } = resolveBudgets(ext.manifest.limits, {
        ...gov.budgetCeilings,
        ...minCeilings(gov.budgetCeilings, services.policy?.limits),
      });
      if (capped.length)
        logger.info(`the admin policy lowers ${capped.map((k) => `limits.${k} to ${budgets[k]}`).join(', ')}`, {
          ext: id,
        });
      // The context's violation callback refers to the entry it is part of (called later only).
      const calls = createCallClocks();
      const context = createExtensionContext({
        calls,
        manifest: ext.manifest,
        publisherKey: ext.publisherKey,
        // A folder run as it is (not an unsigned install, whose id the registry keeps).
        ...(ext.unsigned && !ext.integrity ? { devFolder: ext.dir } : {}),
        dataDir: options.dataDir,
        services,
        budgets,
        onViolation: (detail) => discipline.violation(e, detail),
        warn: (message) => logger.warn(message, { ext: id }),
      });
      const e: Entry = {
        violations: [],
        ext,
        context,
        handleCall: createHostApiHandler(context),
        calls,
        state: 'idle',
        crashes: 0,
        restarts: 0,
        lastCrashAt: 0,
        startedAt: 0,
        stopping: false,
      };
      entries.set(id, e);
      preparePython(ext.manifest, { snapshots: options.pythonSnapshot, launcher: options.launcher });
      const held = behaviour?.throttledBy(id);
      if (held) throttleEntry?.(e, `unusual behaviour: ${held.why}`);
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
      const deprecatedCalls = e.context.deprecations?.used() ?? [];
      return {
        id,
        state: e.state,
        crashes: e.crashes,
        restarts: e.restarts,
        ...(e.lastExit ? { lastExit: e.lastExit } : {}),
        ...(e.proc ? { stats: e.proc.stats } : {}),
        strikes: strikes.strikes(id),
        ...(quarantine ? { quarantine } : {}),
        wall: options.launcher.wall ?? wallStatus('none'),
        ...(deprecatedCalls.length ? { deprecatedCalls } : {}),
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
    advanceClock(id, ms) {
      if (!options.clock) throw new WardenError('EINVAL', 'this supervisor has no virtual clock');
      if (!Number.isFinite(ms) || ms < 0 || ms > MAX_CLOCK_ADVANCE_MS)
        throw new WardenError('EINVAL', `advanceClock expects 0…${MAX_CLOCK_ADVANCE_MS} ms`);
      const e = entry(id);
      virtualNow.set(id, clockOf(id) + ms);
      e.proc?.advanceClock(ms);
    },
    metrics,
    close() {
      sampler.close();
      unsampleBehaviour();
      behaviour?.flush();
    },
  };
}
