/** Turns each extension's process stats and I/O counters into one metrics sample a second. */
import type { MetricsStore } from '../governance/metrics';
import type { StrikeBook } from '../governance/strikes';
import type { Entry } from './types';
import { DEFAULT_LIMITS } from '../../common/limits';

export interface UsageSampler {
  /** One sample of one extension now (also when its process has just exited). */
  sampleOne(id: string, e: Entry, now: number): void;
  close(): void;
}

export function createUsageSampler(d: {
  metrics: MetricsStore;
  strikes: StrikeBook;
  entries(): Iterable<[string, Entry]>;
  intervalMs: number;
}): UsageSampler {
  function sampleOne(id: string, e: Entry, now: number): void {
    const st = e.proc?.stats;
    const usage = e.context.usage;
    const prev = e.lastSample;
    const secs = prev ? Math.max(0.001, (now - prev.at) / 1000) : 1;
    const cur = {
      at: now,
      commands: st?.commands ?? 0,
      hostCalls: st?.hostCalls ?? 0,
      fsBytes: usage.fsBytes,
      netBytes: usage.netBytes,
    };
    const rate = (a: number, b: number | undefined) => (b === undefined || a < b ? 0 : (a - b) / secs);
    d.metrics.push(id, {
      time: now,
      state: e.state,
      cpuPercent: st?.cpuPercent ?? 0,
      rssBytes: st?.rssBytes ?? 0,
      heapUsed: st?.heapUsed ?? 0,
      callsPerSecond: rate(cur.commands, prev?.commands),
      hostCallsPerSecond: rate(cur.hostCalls, prev?.hostCalls),
      fsBytes: usage.fsBytes,
      netBytes: usage.netBytes,
      denials: usage.denials,
      prompts: usage.prompts,
      strikes: d.strikes.strikes(id).length,
      sampled: st?.sampled ?? false,
      ...(st?.throttled ? { throttled: true } : {}),
      ...(st && st.memoryBaselineBytes > 0
        ? {
            memoryLimitBytes:
              st.memoryBaselineBytes + (e.ext.manifest.limits.memoryMb ?? DEFAULT_LIMITS.memoryMb) * 1024 * 1024,
          }
        : {}),
    });
    e.lastSample = cur;
  }

  const timer = setInterval(() => {
    const now = Date.now();
    for (const [id, e] of d.entries()) sampleOne(id, e, now);
  }, d.intervalMs);
  timer.unref();

  return { sampleOne, close: () => clearInterval(timer) };
}
