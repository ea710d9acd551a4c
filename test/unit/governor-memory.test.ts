// The memory side of the governor with a scripted sampler: the limit is the manifest's memoryMb
// above the baseline measured when the sandbox is up; before that, a start-up allowance applies.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGovernor } from '../../electron/core/governance/governor';

afterEach(() => vi.useRealTimers());
const MB = 1024 * 1024;

function governor(rss: () => number) {
  vi.useFakeTimers();
  const kills: string[] = [];
  const g = createGovernor({
    pid: 1,
    limits: { memoryLimitBytes: 64 * MB, startupRssLimitBytes: 160 * MB, cpuPercent: 100 },
    timing: { cpuWindowMs: 1_000_000 },
    sample: () => ({ cpuMs: 0, rssBytes: rss() }),
    signal: () => {},
    kill: (reason) => void kills.push(reason),
  });
  return { g, kills };
}

describe('governor memory', () => {
  it('kills at memoryMb above the measured baseline and says the limit the manifest set', () => {
    let rss = 50 * MB;
    const { g, kills } = governor(() => rss);
    g.measureBaseline();
    expect(g.baselineBytes).toBe(50 * MB);
    rss = 113 * MB; // 63 MB above the baseline
    vi.advanceTimersByTime(500);
    expect(kills).toEqual([]);
    rss = 116 * MB;
    vi.advanceTimersByTime(20);
    expect(kills[0]).toBe('memory: 66 MB in use (above the 50 MB its sandbox needs), above its limit of 64 MB');
    g.stop();
  });

  it('samples every 10 ms past half the limit, every 100 ms below it', () => {
    let rss = 50 * MB;
    let reads = 0;
    const { g } = governor(() => (reads++, rss));
    g.measureBaseline();
    reads = 0;
    vi.advanceTimersByTime(1000);
    expect(reads).toBe(10);
    rss = 90 * MB; // 40 MB above: past half of 64
    vi.advanceTimersByTime(100); // the next slow tick sees it
    reads = 0;
    vi.advanceTimersByTime(100);
    expect(reads).toBe(10);
    g.stop();
  });

  it('before the baseline, the start-up allowance applies', () => {
    let rss = 150 * MB;
    const { g, kills } = governor(() => rss);
    vi.advanceTimersByTime(200);
    expect(kills).toEqual([]);
    rss = 170 * MB;
    vi.advanceTimersByTime(100);
    expect(kills[0]).toMatch(/^memory: 170 MB resident while starting, above the 160 MB allowed/);
    g.stop();
  });
});
