/**
 * Watches one extension process from outside: resident memory (the heap cap does not bound
 * ArrayBuffers) and CPU share. Memory is judged against the extension's own `limits.memoryMb`
 * on top of the process's baseline: its resident size when the sandbox said hello (Node, SES,
 * the sandbox runtime; none of the extension's code has run yet). Until that baseline is known,
 * a start-up allowance applies. Over its memory limit → killed. Over its CPU budget for a
 * sustained window → a warning, then throttling (POSIX stop/continue duty cycle), then a kill if
 * it still saturates what it is allowed. Decisions use OS readings, never the child's own report.
 */
import type { ProcSampler } from './proc-stats';

export interface GovernorLimits {
  /** Memory the extension may add above the baseline (`limits.memoryMb`). */
  memoryLimitBytes: number;
  /** Resident size allowed before the baseline is measured (the runtime starting up). */
  startupRssLimitBytes: number;
  /** Budget as a percentage of one core. */
  cpuPercent: number;
}

export interface GovernorTiming {
  memorySampleMs: number;
  /** Memory sampling period once the process uses more than half its limit. */
  memoryFastSampleMs: number;
  cpuWindowMs: number;
  /** Consecutive over-budget windows before a warning, throttling, and a kill while throttled. */
  warnAfter: number;
  throttleAfter: number;
  killAfter: number;
  throttlePeriodMs: number;
}

export const DEFAULT_GOVERNOR_TIMING: GovernorTiming = {
  memorySampleMs: 100,
  memoryFastSampleMs: 10,
  cpuWindowMs: 1000,
  warnAfter: 3,
  throttleAfter: 5,
  killAfter: 15,
  throttlePeriodMs: 100,
};

export type GovernorEvent =
  { type: 'cpu-warning'; cpuPercent: number } | { type: 'throttled'; cpuPercent: number } | { type: 'unthrottled' };

export interface GovernorDeps {
  pid: number;
  limits: GovernorLimits;
  timing?: Partial<GovernorTiming>;
  sample: ProcSampler;
  /** Sends a signal to the process (process.kill); throttling needs SIGSTOP/SIGCONT. */
  signal(pid: number, sig: 'SIGSTOP' | 'SIGCONT'): void;
  kill(reason: string): void;
  onEvent?(e: GovernorEvent): void;
}

export interface Governor {
  readonly cpuPercent: number;
  readonly rssBytes: number;
  /** Resident size at the baseline (0 until measured). */
  readonly baselineBytes: number;
  /** Measures the baseline now (when the sandbox is up and before the extension's code runs). */
  measureBaseline(): void;
  /** The process is being stopped: CPU is no longer judged (nor throttled); memory still is. */
  retire(): void;
  readonly throttled: boolean;
  /** False when this platform gives no readings. */
  readonly sampled: boolean;
  stop(): void;
}

const MB = 1024 * 1024;

export function createGovernor(deps: GovernorDeps): Governor {
  const t: GovernorTiming = { ...DEFAULT_GOVERNOR_TIMING, ...deps.timing };
  const canThrottle = process.platform !== 'win32';
  let cpuPercent = 0;
  let rssBytes = 0;
  let baselineBytes = 0;
  let sampled = false;
  let over = 0;
  let under = 0;
  let throttled = false;
  let warned = false;
  let stopped = false;
  let lastCpu: { cpuMs: number; waitMs?: number; at: number } | undefined;
  /** CPU share plus the share spent waiting to run: how much CPU the process wanted. */
  let demandPercent = 0;
  let throttleTimer: NodeJS.Timeout | undefined;
  let resumeTimer: NodeJS.Timeout | undefined;

  let memoryTimer: NodeJS.Timeout | undefined;
  /** Memory in use by the extension: above the baseline once known, else all of it. */
  const inUse = (rss: number) => (baselineBytes > 0 ? rss - baselineBytes : rss);
  const limitNow = () => (baselineBytes > 0 ? deps.limits.memoryLimitBytes : deps.limits.startupRssLimitBytes);
  const sampleMemory = () => {
    if (stopped) return;
    const s = deps.sample(deps.pid);
    if (s) {
      sampled = true;
      rssBytes = s.rssBytes;
      const used = inUse(s.rssBytes);
      if (used > limitNow()) {
        // Rounded up: a reading just over the limit must not print as equal to it.
        const limitMb = Math.round(limitNow() / MB);
        deps.kill(
          baselineBytes > 0
            ? `memory: ${Math.ceil(used / MB)} MB in use (above the ${Math.round(baselineBytes / MB)} MB its sandbox needs), above its limit of ${limitMb} MB`
            : `memory: ${Math.ceil(used / MB)} MB resident while starting, above the ${limitMb} MB allowed before it runs`,
        );
        return;
      }
      // Close to the limit, look often: a process filling buffers grows by many MB per 100 ms.
      const fast = used > limitNow() / 2;
      memoryTimer = setTimeout(sampleMemory, fast ? t.memoryFastSampleMs : t.memorySampleMs);
    } else memoryTimer = setTimeout(sampleMemory, t.memorySampleMs);
    memoryTimer.unref();
  };
  memoryTimer = setTimeout(sampleMemory, t.memorySampleMs);
  memoryTimer.unref();

  const startThrottle = () => {
    if (!canThrottle || throttled) return;
    throttled = true;
    // Stopped for the share of each period above the budget: the process gets ~its budget.
    const stopMs = Math.max(10, Math.round(t.throttlePeriodMs * (1 - deps.limits.cpuPercent / 100)));
    throttleTimer = setInterval(() => {
      try {
        deps.signal(deps.pid, 'SIGSTOP');
      } catch {
        return;
      }
      resumeTimer = setTimeout(() => {
        try {
          deps.signal(deps.pid, 'SIGCONT');
        } catch {
          // gone
        }
      }, stopMs);
    }, t.throttlePeriodMs);
  };
  const endThrottle = () => {
    if (!throttled) return;
    throttled = false;
    clearInterval(throttleTimer);
    clearTimeout(resumeTimer);
    try {
      deps.signal(deps.pid, 'SIGCONT');
    } catch {
      // gone
    }
    deps.onEvent?.({ type: 'unthrottled' });
  };

  const cpuTimer = setInterval(() => {
    const s = deps.sample(deps.pid);
    if (!s || retired) return;
    const now = Date.now();
    if (lastCpu) {
      const span = Math.max(1, now - lastCpu.at);
      cpuPercent = ((s.cpuMs - lastCpu.cpuMs) / span) * 100;
      const waited = s.waitMs !== undefined && lastCpu.waitMs !== undefined ? s.waitMs - lastCpu.waitMs : 0;
      demandPercent = cpuPercent + (Math.max(0, waited) / span) * 100;
    }
    lastCpu = { cpuMs: s.cpuMs, waitMs: s.waitMs, at: now };
    // While throttled the process cannot exceed its budget by much: "still over" means it wants
    // most of the time it is let run (on the CPU, or runnable and waiting for one: on a loaded
    // machine a starved hog uses little CPU but is no less a hog). CPU time comes in 10 ms ticks,
    // so short windows are noisy: a quiet window decays the count instead of resetting it, a
    // warning is given once per episode, and only a clearly idle process (wanting a third of its
    // budget) is let out of throttling.
    const budget = deps.limits.cpuPercent;
    const isOver = throttled ? demandPercent >= budget * 0.6 : cpuPercent > budget;
    if (!isOver) {
      over = Math.max(0, over - 1);
      if (over === 0) warned = false;
      if (throttled && demandPercent < budget / 3 && ++under >= 3) {
        over = 0;
        warned = false;
        endThrottle();
      }
      return;
    }
    under = 0;
    over++;
    if (!warned && over >= t.warnAfter) {
      warned = true;
      deps.onEvent?.({ type: 'cpu-warning', cpuPercent });
    }
    if (!throttled && over >= t.throttleAfter) {
      startThrottle();
      deps.onEvent?.({ type: 'throttled', cpuPercent });
    }
    if (over >= t.killAfter)
      deps.kill(`cpu: above its budget of ${budget}% for ${Math.round((over * t.cpuWindowMs) / 1000)} s`);
  }, t.cpuWindowMs);

  cpuTimer.unref();
  let retired = false;

  return {
    get cpuPercent() {
      return cpuPercent;
    },
    get rssBytes() {
      return rssBytes;
    },
    get throttled() {
      return throttled;
    },
    get baselineBytes() {
      return baselineBytes;
    },
    measureBaseline() {
      const s = deps.sample(deps.pid);
      if (s && baselineBytes === 0) baselineBytes = s.rssBytes;
    },
    retire() {
      retired = true;
      clearInterval(cpuTimer);
      endThrottle();
    },
    get sampled() {
      return sampled;
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearTimeout(memoryTimer);
      clearInterval(cpuTimer);
      endThrottle();
    },
  };
}
