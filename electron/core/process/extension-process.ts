/**
 * Owns one extension process from launch to exit: start timeout, heartbeat watchdog, command
 * calls with timeouts and cancellation, host-API calls, clean stop with a forced kill after it.
 *
 * Every message from the child is untrusted: it is schema-checked here, and one that fails is
 * dropped, logged and counted; past a threshold the process is killed. The child's identity is
 * this object (the channel the message came on), never anything the message says.
 */
import { ChildMessageSchema, type ChildMessage } from '../../common/protocol';
import type { CommandResult } from '../../common/command-result';
import { WardenError, type ErrorCode } from '../../common/errors';
import type { DataValue } from '../../common/data-value';
import type { ExitInfo, ExtensionChild } from './launcher';
import type { Logger } from '../platform/logger';
import { createGovernor, type Governor } from '../governance/governor';
import { createTokenBucket } from '../governance/token-bucket';
import { createHostCallGate, type HostCallGate } from './host-calls';
import { MAX_QUEUED_OUTBOUND_BYTES } from '../../common/protocol-limits';
import { LoadError, type ExtensionProcessOptions, type InvokeOptions, type ProcessStats } from './process-types';
import { createInvokeTable, type InvokeTable } from './invoke-table';
import type { HostMessage } from '../../common/protocol';
export {
  DEFAULT_TIMEOUTS,
  LoadError,
  type ExtensionProcessOptions,
  type HostCallHandler,
  type InvokeOptions,
  type ProcessExit,
  type ProcessStats,
  type ProcessTimeouts,
} from './process-types';

import { cheapError, crashReason, describeViolation } from './process-errors';

const MAX_PENDING_INVOKES = 256;

type State = 'starting' | 'ready' | 'stopping' | 'exited';

export class ExtensionProcess {
  readonly #o: ExtensionProcessOptions;
  readonly #child: ExtensionChild;
  readonly #log: Logger;
  readonly #invokes: InvokeTable;
  readonly #stats: ProcessStats;
  readonly #ready: Promise<void>;
  readonly #hostCalls: HostCallGate;
  #state: State = 'starting';
  #fullError: WardenError | undefined;
  #watchdog: NodeJS.Timeout | undefined;
  #startTimer: NodeJS.Timeout | undefined;
  #stopTimer: NodeJS.Timeout | undefined;
  #killReason: { reason: string; code: ErrorCode } | undefined;
  #stopWaiters: Array<() => void> = [];
  #readyResolve!: () => void;
  #readyReject!: (e: WardenError) => void;
  #loggedViolations = 0;
  #governor: Governor | undefined;
  #outOfMemory = false;
  /** Log and progress messages: 200 a second, bursts of 400. */
  readonly #chatter = createTokenBucket({ perSecond: 200, capacity: 400 });
  #lastDropWarning = 0;
  /**
   * Commands taken while the process starts (the first one travels with `init` instead of one
   * round trip after `ready`): held here until `init` has gone, since the child ignores anything
   * before it. Bounded by the pending-command cap.
   */
  #beforeInit: HostMessage[] | undefined = [];
  /** Called as `ready` is read, before any later message from the child is handled. */
  #readyListeners: Array<() => void> = [];

  constructor(options: ExtensionProcessOptions) {
    this.#o = options;
    this.#log = options.logger;
    this.#ready = new Promise<void>((resolve, reject) => {
      this.#readyResolve = resolve;
      this.#readyReject = reject;
    });
    this.#ready.catch(() => {}); // observed by start(); never an unhandled rejection
    this.#child = options.launcher.launch({
      extensionId: options.extension.id,
      memoryMb: options.memoryMb,
      // Only the host's own Python runtime may be served by a warm spare (warm-pool.ts).
      ...(options.python && !options.python.runtime ? { runtime: 'python' as const } : {}),
    });
    this.#invokes = createInvokeTable((m) => (this.#beforeInit ? this.#beforeInit.push(m) : this.#child.send(m)));
    this.#hostCalls = createHostCallGate({
      handleCall: options.handleCall,
      send: (m, onFlushed) => this.#send(m, onFlushed),
      queuedBytes: () => this.#child.outbound?.().queuedBytes ?? 0,
      log: this.#log,
      maxPending: options.maxPendingHostCalls,
    });
    this.#stats = {
      pid: this.#child.pid,
      startedAt: Date.now(),
      cpuPercent: 0,
      rssBytes: 0,
      throttled: false,
      memoryBaselineBytes: 0,
      sampled: false,
      commands: 0,
      violations: 0,
      dropped: 0,
      messages: 0,
      hostCalls: 0,
      heapUsed: 0,
      timers: 0,
      lastHeartbeat: Date.now(),
    };
    this.#child.onMessage((m) => {
      // Nothing a child sends may throw into the launcher's read loop (it would kill the host).
      try {
        this.#receive(m);
      } catch (err) {
        this.#log.error('failed to handle a message from the extension', { error: String(err) });
        this.#violation('message could not be handled');
      }
    });
    this.#child.onViolation((v) => this.#violation(describeViolation(v)));
    this.#child.onOutput((line) => this.#output(line));
    this.#child.onExit((info) => this.#exited(info));
    const pid = this.#child.pid;
    if (options.governor && pid !== undefined) {
      const g = options.governor;
      this.#governor = createGovernor({
        pid,
        limits: g.limits,
        timing: g.timing,
        sample: g.sample,
        signal: (p, sig) => process.kill(p, sig),
        kill: (reason) => this.kill(reason, 'EQUOTA'),
        onEvent: (e) => {
          if (e.type !== 'unthrottled')
            this.#log.warn(
              `extension ${e.type === 'throttled' ? 'throttled' : 'over its CPU budget'} (${Math.round(e.cpuPercent)}%)`,
            );
          g.onEvent?.(e);
        },
      });
    }
    this.#startTimer = setTimeout(
      () => this.kill(`did not become ready within ${options.timeouts.startMs} ms`, 'ETIMEDOUT'),
      options.timeouts.startMs,
    );
  }

  get state(): State {
    return this.#state;
  }

  get stats(): Readonly<ProcessStats> {
    const g = this.#governor;
    if (g) {
      this.#stats.cpuPercent = g.cpuPercent;
      this.#stats.rssBytes = g.rssBytes;
      this.#stats.throttled = g.throttled;
      this.#stats.memoryBaselineBytes = g.baselineBytes;
      this.#stats.sampled = g.sampled;
    }
    return this.#stats;
  }

  /** Resolves when `activate()` has finished; rejects with the load error or the kill reason. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /**
   * Calls `listener` the moment `ready` is read (at once if it has been), synchronously, before
   * any later message of the child is handled: a command sent with `init` starts its clock here,
   * before its first host call can open a prompt that must pause that clock.
   */
  onReady(listener: () => void): void {
    if (this.#state === 'ready') listener();
    else if (this.#state === 'starting') this.#readyListeners.push(listener);
  }

  /**
   * The ERATE error a new command would be refused with now, or undefined if it would be taken.
   * One frozen error per process is shared by every refusal: a burst of thousands of invokes is
   * refused without building (or copying the arguments of) thousands of errors on the host's loop.
   */
  refusal(): WardenError | undefined {
    const max = this.#o.maxPendingInvokes ?? MAX_PENDING_INVOKES;
    if ((this.#state !== 'ready' && this.#state !== 'starting') || this.#invokes.size < max) return undefined;
    return (this.#fullError ??= Object.freeze(
      cheapError('ERATE', `more than ${max} commands of this extension are running`),
    ));
  }

  /**
   * Sends a command. While the process starts it is taken too and goes right after `init`; the
   * child runs it once `activate()` has finished (and never if the load fails: the call is then
   * rejected with the load error).
   */
  invoke(command: string, args: DataValue, options: InvokeOptions): Promise<CommandResult> {
    if (this.#state !== 'ready' && this.#state !== 'starting') {
      return Promise.reject(new WardenError('EINTERNAL', `the extension is ${this.#state}, not ready`));
    }
    const full = this.refusal();
    if (full) return Promise.reject(full);
    this.#stats.commands++;
    return this.#invokes.invoke(command, args, options);
  }

  /** Moves a test host's virtual clock (options.clock); due guest timers fire in order. */
  advanceClock(ms: number): void {
    if (!this.#o.clock) throw new WardenError('EINVAL', 'this extension does not run on a virtual clock');
    if (this.#state === 'exited' || this.#state === 'stopping') return;
    this.#child.send({ t: 'clock', advanceMs: ms });
  }

  /**
   * Asks the extension to deactivate, then kills it; resolves once the process is gone. A process
   * whose heartbeat is overdue cannot deactivate (its event loop is blocked): it is killed at once,
   * and one that stops heartbeating while it deactivates is killed then, not after `stopMs`.
   */
  stop(): Promise<void> {
    if (this.#state === 'exited') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.#stopWaiters.push(resolve));
    if (this.#state !== 'stopping') {
      const wasReady = this.#state === 'ready';
      this.#state = 'stopping';
      // A dying process is no longer judged (nor throttled) for CPU: it would only add a kill.
      this.#governor?.retire();
      if (wasReady && this.#heartbeatOverdue()) {
        this.#child.kill();
        return done;
      }
      this.#child.send({ t: 'stop' });
      this.#stopTimer = setTimeout(() => this.#child.kill(), this.#o.timeouts.stopMs);
    }
    return done;
  }

  /** Why the host killed this process, if it did (the audit log tells a kill from a crash). */
  get killReason(): string | undefined {
    return this.#killReason?.reason;
  }

  /**
   * Forced kill with a reason that pending callers and the exit report will carry. `logged`: the
   * caller already said why (a quarantine), so the kill itself is not logged again.
   */
  kill(reason: string, code: ErrorCode = 'EINTERNAL', options: { logged?: boolean } = {}): void {
    if (this.#state === 'exited') return;
    this.#governor?.stop();
    // Once: a flood that keeps tripping limits while the process dies must not flood the log.
    if (this.#killReason) return this.#child.kill();
    this.#killReason = { reason, code };
    if (!options.logged) this.#log.warn(`killing extension process: ${reason}`);
    this.#child.kill();
  }

  /** No heartbeat for two periods (300 ms at least, for a loaded machine): the loop is blocked. */
  #heartbeatOverdue(): boolean {
    return Date.now() - this.#stats.lastHeartbeat > Math.max(300, 2 * this.#o.timeouts.heartbeatMs);
  }

  /** Sends a reply; `onFlushed` once it has left (at once where the transport does not say). */
  #send(m: HostMessage, onFlushed: () => void): void {
    if (this.#child.outbound) return this.#child.send(m, onFlushed);
    this.#child.send(m);
    onFlushed();
  }

  #receive(raw: unknown): void {
    this.#stats.messages++;
    const parsed = ChildMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.#violation(
        `invalid message (${issue ? `${issue.path.join('.') || 'message'}: ${issue.message}` : 'schema'})`,
      );
    }
    const m: ChildMessage = parsed.data;
    switch (m.t) {
      case 'hello':
        if (this.#state !== 'starting') return this.#violation('unexpected hello');
        // The sandbox is up and none of the extension's code has run: its memory limit counts
        // from here.
        this.#governor?.measureBaseline();
        this.#child.send({
          t: 'init',
          extension: {
            id: this.#o.extension.id,
            version: this.#o.extension.version,
            name: this.#o.extension.name,
          },
          source: this.#o.source,
          sourceUrl: this.#o.sourceUrl,
          ...(this.#o.sourceMap ? { sourceMap: this.#o.sourceMap } : {}),
          ...(this.#o.clock ? { clock: this.#o.clock } : {}),
          ...(this.#o.python ? { python: this.#o.python } : {}),
          commands: this.#o.extension.commands,
          heartbeatMs: this.#o.timeouts.heartbeatMs,
        });
        for (const queued of this.#beforeInit ?? []) this.#child.send(queued);
        this.#beforeInit = undefined;
        return;
      case 'ready':
        if (this.#state !== 'starting') return this.#violation('unexpected ready');
        clearTimeout(this.#startTimer);
        this.#state = 'ready';
        this.#startWatchdog();
        for (const listener of this.#readyListeners.splice(0)) listener();
        return this.#readyResolve();
      case 'load-failed': {
        if (this.#state !== 'starting') return this.#violation('unexpected load-failed');
        clearTimeout(this.#startTimer);
        const error = new LoadError(m.error, m.phase, m.syntax);
        this.#readyReject(error);
        this.#invokes.rejectAll(error); // the commands that came with init never run
        void this.stop();
        return;
      }
      case 'hb':
        this.#stats.lastHeartbeat = Date.now();
        this.#stats.heapUsed = m.heapUsed ?? this.#stats.heapUsed;
        this.#stats.timers = m.timers ?? this.#stats.timers;
        return;
      case 'log':
        // The sandbox rate-limits its console, but a child that bypassed it could not be trusted
        // to: the host limits what it writes to its own log too.
        if (!this.#chatter.take()) return this.#dropped();
        return this.#log[m.level === 'debug' ? 'debug' : m.level](m.text, { source: 'extension' });
      case 'progress': {
        const wrong = this.#invokes.progress(m, () => this.#chatter.take() || (this.#dropped(), false));
        return wrong ? this.#violation(wrong) : undefined;
      }
      case 'result': {
        const wrong = this.#invokes.result(m);
        return wrong ? this.#violation(wrong) : undefined;
      }
      case 'call':
        this.#stats.hostCalls++;
        return this.#hostCalls.handle(m.id, m.method, m.args);
      case 'stopped':
        clearTimeout(this.#stopTimer);
        this.#child.kill();
        return;
    }
  }

  #dropped(): void {
    this.#stats.dropped++;
    const now = Date.now();
    if (now - this.#lastDropWarning > 10_000) {
      this.#lastDropWarning = now;
      this.#log.warn(
        `extension is sending messages faster than the host accepts; dropping (${this.#stats.dropped} so far)`,
      );
    }
  }

  #violation(what: string): void {
    this.#stats.violations++;
    // Logging is bounded too: a flood of garbage must not become a flood of log lines.
    if (this.#loggedViolations++ < 20) this.#log.warn(`dropped message from extension: ${what}`);
    if (this.#stats.violations > (this.#o.maxViolations ?? 100)) {
      this.kill(`too many protocol violations (${this.#stats.violations})`);
    }
  }

  #output(line: string): void {
    // V8 prints a long native stack after its out-of-memory line: remember it, not just the tail.
    if (/heap out of memory|Reached heap limit|Allocation failed - JavaScript heap/.test(line))
      this.#outOfMemory = true;
    this.#log.debug(line, { source: 'process-output' });
  }

  #startWatchdog(): void {
    const { hangMs, heartbeatMs } = this.#o.timeouts;
    this.#stats.lastHeartbeat = Date.now();
    this.#watchdog = setInterval(
      () => {
        const silent = Date.now() - this.#stats.lastHeartbeat;
        const out = this.#child.outbound?.();
        // Replies it does not take pile up in the host: past the hang time it is killed for that.
        // (Its heartbeats may be unread too: the host stops reading a process over its queue cap.)
        const notReading = out !== undefined && out.stalledMs > hangMs;
        if (this.#state === 'stopping') {
          if (this.#heartbeatOverdue() || notReading) this.#child.kill();
        } else if (notReading || (silent > hangMs && out !== undefined && out.queuedBytes >= MAX_QUEUED_OUTBOUND_BYTES))
          this.kill(
            `unresponsive: not reading its channel (${Math.ceil(out.queuedBytes / 1024)} KiB waiting for ${out.stalledMs} ms)`,
            'ETIMEDOUT',
          );
        else if (silent > hangMs) this.kill(`unresponsive: event loop blocked for more than ${hangMs} ms`, 'ETIMEDOUT');
        else this.#hostCalls.pump();
      },
      Math.max(10, Math.min(heartbeatMs, 100)),
    );
    this.#watchdog.unref();
  }

  #exited(info: ExitInfo): void {
    const wasState = this.#state;
    this.#state = 'exited';
    clearTimeout(this.#startTimer);
    clearTimeout(this.#stopTimer);
    clearInterval(this.#watchdog);
    this.#governor?.stop();
    const expected = wasState === 'stopping' && !this.#killReason;
    const reason = this.#killReason?.reason ?? (expected ? 'stopped' : this.#crashReason(info));
    const code = this.#killReason?.code ?? (this.#outOfMemory ? 'EQUOTA' : 'EINTERNAL');
    const error = new WardenError(
      code,
      expected
        ? 'the extension was stopped'
        : this.#killReason
          ? `the extension was killed: ${reason}`
          : `the extension ${reason}`,
    );
    this.#readyReject(error);
    this.#invokes.rejectAll(error);
    for (const w of this.#stopWaiters.splice(0)) w();
    this.#o.onExit({ expected, reason, info });
  }

  #crashReason(info: ExitInfo): string {
    return crashReason(info, this.#outOfMemory, this.#o.memoryMb);
  }
}
