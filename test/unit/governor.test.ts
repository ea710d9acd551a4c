// The CPU side of the governor with a scripted sampler: what it decides from OS readings. A
// throttled hog that a loaded machine starves (little CPU, long waits to run) is still a hog and
// is killed; a process that truly went idle is let out of throttling.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGovernor, type GovernorEvent } from '../../electron/core/governance/governor';

afterEach(() => vi.useRealTimers());

/** Per 1 s window: ms on the CPU and ms runnable-but-waiting, as schedstat would report them. */
function run(windows: Array<{ cpu: number; wait?: number }>, withWait = true) {
  vi.useFakeTimers();
  let cpuMs = 0;
  let waitMs = 0;
  let i = -1;
  const events: Array<GovernorEvent['type'] | 'kill'> = [];
  const signals: string[] = [];
  let killed: string | undefined;
  const g = createGovernor({
    pid: 1234,
    limits: { memoryLimitBytes: 1e12, startupRssLimitBytes: 1e12, cpuPercent: 20 },
    timing: { memorySampleMs: 1_000_000 },
    sample: () => ({ cpuMs, rssBytes: 1, ...(withWait ? { waitMs } : {}) }),
    signal: (_pid, sig) => void signals.push(sig),
    kill: (reason) => {
      killed ??= reason;
      events.push('kill');
    },
    onEvent: (e) => events.push(e.type),
  });
  // The first sample only sets the baseline.
  vi.advanceTimersByTime(1000);
  for (i = 0; i < windows.length && !killed; i++) {
    cpuMs += windows[i]!.cpu;
    waitMs += windows[i]!.wait ?? 0;
    vi.advanceTimersByTime(1000);
  }
  g.stop();
  return { events, killed, signals, windowsRun: i };
}

describe('governor: CPU', () => {
  it('warns, throttles, then kills a hog that keeps using its throttled share', () => {
    const r = run([...Array(5).fill({ cpu: 950 }), ...Array(20).fill({ cpu: 190 })]);
    expect(r.events.slice(0, 2)).toEqual(['cpu-warning', 'throttled']);
    expect(r.killed).toMatch(/^cpu: above its budget of 20% for 15 s$/);
    expect(r.signals).toContain('SIGSTOP');
  });

  it('kills a throttled hog starved by a loaded machine: little CPU, but runnable all the time', () => {
    const r = run([...Array(5).fill({ cpu: 950 }), ...Array(20).fill({ cpu: 40, wait: 160 })]);
    expect(r.killed).toMatch(/^cpu: above its budget/);
    expect(r.events.slice(0, r.events.indexOf('kill'))).toEqual(['cpu-warning', 'throttled']);
  });

  it('without wait readings, the same starved hog looks idle and is let out of throttling', () => {
    const r = run([...Array(5).fill({ cpu: 950 }), ...Array(6).fill({ cpu: 40, wait: 160 })], false);
    expect(r.events).toContain('unthrottled');
    expect(r.killed).toBeUndefined();
  });

  it('lets a process that went idle out of throttling, and does not kill it', () => {
    const r = run([...Array(5).fill({ cpu: 950 }), ...Array(15).fill({ cpu: 5, wait: 1 })]);
    expect(r.events).toEqual(['cpu-warning', 'throttled', 'unthrottled']);
    expect(r.killed).toBeUndefined();
    expect(r.signals.at(-1)).toBe('SIGCONT');
  });
});
