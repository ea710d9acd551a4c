/**
 * The core's `ProcSampler` in the Electron app, read from `app.getAppMetrics()` instead of /proc.
 *
 * One poller owns the calls: `getAppMetrics()` starts a new CPU-averaging interval for every
 * process on each call, for every caller in the main process, so the array is fetched at most
 * once per `maxAgeMs` (500 ms) and every pid is looked up in that one array. The supervisor samples
 * all extensions in one tick, so one tick costs one call.
 *
 * Units: `cpu.cumulativeCPUUsage` is in seconds (→ ms); `memory.workingSetSize` is in kilobytes
 * (→ bytes). Only `Utility` processes match: an extension is never a renderer or the GPU process.
 */
import type { App, ProcessMetric } from 'electron';
import type { ProcSample, ProcSampler } from '../core';

export interface AppMetricsSamplerOptions {
  /** How long one `getAppMetrics()` result is reused (ms). */
  maxAgeMs?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** One process metric in the core's units, or undefined when it lacks a CPU total. */
export function toProcSample(metric: Pick<ProcessMetric, 'cpu' | 'memory'>): ProcSample | undefined {
  const cpuSeconds = metric.cpu.cumulativeCPUUsage;
  const workingSetKb = metric.memory.workingSetSize;
  if (typeof cpuSeconds !== 'number' || !Number.isFinite(cpuSeconds)) return undefined;
  if (typeof workingSetKb !== 'number' || !Number.isFinite(workingSetKb)) return undefined;
  return { cpuMs: cpuSeconds * 1000, rssBytes: workingSetKb * 1024 };
}

/**
 * @param app - Electron's `app` (or a fake with `getAppMetrics`).
 * @returns a ProcSampler: the pid's CPU time and working set, or undefined when it is not (or no
 *   longer) one of the app's utility processes.
 */
export function createAppMetricsSampler(
  app: Pick<App, 'getAppMetrics'>,
  options: AppMetricsSamplerOptions = {},
): ProcSampler {
  const maxAgeMs = options.maxAgeMs ?? 500;
  const now = options.now ?? Date.now;
  let cached: ReadonlyMap<number, ProcessMetric> = new Map();
  let fetchedAt = -Infinity;

  const metrics = (): ReadonlyMap<number, ProcessMetric> => {
    const t = now();
    if (t - fetchedAt < maxAgeMs) return cached;
    fetchedAt = t;
    try {
      cached = new Map(app.getAppMetrics().flatMap((m) => (m.type === 'Utility' ? [[m.pid, m] as const] : [])));
    } catch {
      cached = new Map(); // no metrics this round: the sample says `sampled: false`
    }
    return cached;
  };

  return (pid) => {
    const metric = metrics().get(pid);
    return metric ? toProcSample(metric) : undefined;
  };
}
