// The app-metrics sampler on a fake `app.getAppMetrics()` and a fake clock.
import { describe, expect, it, vi } from 'vitest';
import { createAppMetricsSampler, toProcSample } from '../../electron/main/app-metrics';

vi.mock('electron', () => {
  throw new Error('unit tests must not load electron');
});

type Metric = Electron.ProcessMetric;

const metric = (pid: number, type: Metric['type'], cpuSeconds: number | undefined, workingSetKb: number): Metric =>
  ({
    pid,
    type,
    creationTime: 0,
    cpu: { percentCPUUsage: 0, cumulativeCPUUsage: cpuSeconds, idleWakeupsPerSecond: 0 },
    memory: { workingSetSize: workingSetKb, peakWorkingSetSize: workingSetKb },
  }) as Metric;

function fakeApp(initial: Metric[]) {
  let metrics = initial;
  const app = { getAppMetrics: vi.fn(() => metrics) };
  return { app, set: (m: Metric[]) => (metrics = m) };
}

describe('createAppMetricsSampler', () => {
  it('converts seconds to milliseconds and kilobytes to bytes', () => {
    const { app } = fakeApp([metric(101, 'Utility', 1.25, 2048)]);
    expect(createAppMetricsSampler(app)(101)).toEqual({ cpuMs: 1250, rssBytes: 2048 * 1024 });
  });

  it('matches utility processes only, by pid', () => {
    const { app } = fakeApp([
      metric(1, 'Browser', 9, 9),
      metric(2, 'Tab', 9, 9),
      metric(3, 'GPU', 9, 9),
      metric(4, 'Utility', 2, 4),
    ]);
    const sample = createAppMetricsSampler(app);
    expect(sample(1)).toBeUndefined();
    expect(sample(2)).toBeUndefined();
    expect(sample(3)).toBeUndefined();
    expect(sample(4)).toEqual({ cpuMs: 2000, rssBytes: 4096 });
    expect(sample(5)).toBeUndefined();
  });

  it('calls getAppMetrics at most once per 500 ms, however many pids are sampled', () => {
    let now = 10_000;
    const { app, set } = fakeApp([metric(1, 'Utility', 1, 1), metric(2, 'Utility', 2, 2)]);
    const sample = createAppMetricsSampler(app, { now: () => now });
    sample(1);
    sample(2);
    now += 499;
    set([metric(1, 'Utility', 5, 1), metric(2, 'Utility', 6, 2)]);
    expect(sample(1)).toEqual({ cpuMs: 1000, rssBytes: 1024 }); // still the cached array
    expect(app.getAppMetrics).toHaveBeenCalledTimes(1);
    now += 1;
    expect(sample(1)).toEqual({ cpuMs: 5000, rssBytes: 1024 });
    expect(sample(2)).toEqual({ cpuMs: 6000, rssBytes: 2048 });
    expect(app.getAppMetrics).toHaveBeenCalledTimes(2);
  });

  it('forgets a process that has gone', () => {
    let now = 0;
    const { app, set } = fakeApp([metric(1, 'Utility', 1, 1)]);
    const sample = createAppMetricsSampler(app, { now: () => now });
    expect(sample(1)).toBeDefined();
    set([]);
    now += 500;
    expect(sample(1)).toBeUndefined();
  });

  it('answers undefined when getAppMetrics throws, and recovers on the next interval', () => {
    let now = 0;
    const { app } = fakeApp([metric(1, 'Utility', 1, 1)]);
    app.getAppMetrics.mockImplementationOnce(() => {
      throw new Error('not ready');
    });
    const sample = createAppMetricsSampler(app, { now: () => now });
    expect(sample(1)).toBeUndefined();
    now += 500;
    expect(sample(1)).toEqual({ cpuMs: 1000, rssBytes: 1024 });
  });

  it('answers undefined when the CPU total is missing (not a 0 that would look idle)', () => {
    expect(toProcSample(metric(1, 'Utility', undefined, 10))).toBeUndefined();
    expect(toProcSample(metric(1, 'Utility', Number.NaN, 10))).toBeUndefined();
  });
});
