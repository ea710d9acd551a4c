/**
 * Measuring a resource-governance case from the host's side: the host's own event-loop delay
 * (perf_hooks.monitorEventLoopDelay), the peak resident memory of a child read straight from
 * /proc (not from the product's governor), and a well-behaved neighbour extension that is asked
 * again and again while the case runs, each answer checked.
 */
import fs from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { expect } from 'vitest';
import type { SupervisorEvent, SupervisorOptions } from '../../electron/core/supervision/supervisor';
import { createTestHost, type FixtureSpec, type TestHost } from './sandbox';

export const MiB = 1024 * 1024;

export interface LagReport {
  /** Milliseconds, as recorded by the histogram (a sample is the full gap between two ticks). */
  p50: number;
  p99: number;
  max: number;
  mean: number;
  samples: number;
}

/**
 * Starts sampling the event-loop delay of this process (the host). Values are converted from
 * ns to ms and include the sampling period itself (~`resolution` ms for an idle loop).
 */
export function startLagMonitor(resolution = 10): { stop(): LagReport } {
  const h = monitorEventLoopDelay({ resolution });
  h.enable();
  return {
    stop() {
      h.disable();
      const ms = (ns: number) => ns / 1e6;
      return {
        p50: ms(h.percentile(50)),
        p99: ms(h.percentile(99)),
        max: ms(h.max),
        mean: Number.isFinite(h.mean) ? ms(h.mean) : 0,
        samples: h.count,
      };
    },
  };
}

/** Resident set size of a process from /proc/<pid>/statm, or undefined once it is gone. */
export function readRss(pid: number): number | undefined {
  try {
    return Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
  } catch {
    return undefined;
  }
}

/** Polls /proc/<pid>/statm every `intervalMs` and keeps the largest reading (bytes). */
export function watchPeakRss(pid: number, intervalMs = 2): { stop(): { peakBytes: number; samples: number } } {
  let peakBytes = 0;
  let samples = 0;
  const poll = () => {
    const rss = readRss(pid);
    if (rss === undefined) return;
    samples++;
    if (rss > peakBytes) peakBytes = rss;
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      poll();
      return { peakBytes, samples };
    },
  };
}

export const NEIGHBOUR_ID = 'good.steady';
export const STEADY_NEIGHBOUR = {
  id: NEIGHBOUR_ID,
  commands: ['echo'],
  /** Each answer goes through host storage and back, so it exercises the host too. */
  source: `exports.activate = () => {
  host.commands.register('echo', async ({ n }) => {
    await host.storage.set('n', n);
    return { type: 'json', value: { n, square: n * n, stored: await host.storage.get('n') } };
  });
};`,
};

export interface NeighbourReport {
  answers: number;
  /** Answers that were not exactly right, or calls that failed (with what happened). */
  wrong: string[];
  /** Slowest round trip seen (ms). */
  slowestMs: number;
}

/**
 * Asks the neighbour `echo {n}` in a loop (with `gapMs` between calls, so its own CPU share stays
 * well under any budget) until stopped; every answer must be `{ n, square, stored: n }`.
 */
export function keepAsking(host: TestHost, id = NEIGHBOUR_ID, gapMs = 20): { stop(): Promise<NeighbourReport> } {
  let running = true;
  const report: NeighbourReport = { answers: 0, wrong: [], slowestMs: 0 };
  const loop = (async () => {
    for (let n = 1; running; n++) {
      const t0 = performance.now();
      try {
        const r = await host.supervisor.invoke(id, 'echo', { n });
        const v = r.type === 'json' ? (r.value as { n?: unknown; square?: unknown; stored?: unknown }) : undefined;
        if (!v || v.n !== n || v.square !== n * n || v.stored !== n) report.wrong.push(`#${n}: ${JSON.stringify(r)}`);
        else report.answers++;
      } catch (err) {
        report.wrong.push(`#${n}: ${String(err)}`);
      }
      report.slowestMs = Math.max(report.slowestMs, performance.now() - t0);
      if (running && gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return report;
    },
  };
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error & { code?: string } };

export interface CaseReport<T> {
  outcome: Outcome<T>;
  /** Invoke → settled (ms). */
  settledMs: number;
  /** Invoke → the hostile process's exit event (ms), if it exited during the case. */
  exitMs?: number;
  exitReason?: string;
  events: Array<{ at: number; event: SupervisorEvent }>;
  lag: LagReport;
  neighbour: NeighbourReport;
}

/**
 * Runs one hostile case: the neighbour keeps answering and the host's event-loop delay is
 * sampled from just before `work` starts until it settles, plus `tailMs` for cases whose effect
 * outlives the call; a window is at least `minWindowMs` long so that a case that settles at once
 * still has delay samples (and neighbour answers) to judge.
 */
export async function measureCase<T>(
  host: TestHost,
  hostileId: string,
  work: () => Promise<T>,
  opts: { tailMs?: number; minWindowMs?: number; neighbourGapMs?: number } = {},
): Promise<CaseReport<T>> {
  const events: CaseReport<T>['events'] = [];
  const t0 = performance.now();
  const off = host.supervisor.onEvent((event) => {
    if (event.id === hostileId) events.push({ at: performance.now() - t0, event });
  });
  const lag = startLagMonitor();
  const neighbour = keepAsking(host, NEIGHBOUR_ID, opts.neighbourGapMs);
  let outcome: Outcome<T>;
  try {
    outcome = { ok: true, value: await work() };
  } catch (error) {
    outcome = { ok: false, error: error as Error & { code?: string } };
  }
  const settledMs = performance.now() - t0;
  const rest = Math.max(opts.tailMs ?? 0, (opts.minWindowMs ?? 500) - settledMs);
  if (rest > 0) await new Promise((r) => setTimeout(r, rest));
  const lagReport = lag.stop();
  const neighbourReport = await neighbour.stop();
  off();
  const exit = events.find((e) => e.event.type === 'exit');
  return {
    outcome,
    settledMs,
    ...(exit ? { exitMs: exit.at, exitReason: (exit.event as { reason: string }).reason } : {}),
    events,
    lag: lagReport,
    neighbour: neighbourReport,
  };
}

/** One line per case for the test log: what the final report quotes. */
export function describeCase(name: string, r: CaseReport<unknown>, extra: Record<string, unknown> = {}): string {
  const f = (v: number) => Math.round(v * 10) / 10;
  return `[resources] ${name}: ${JSON.stringify({
    outcome: r.outcome.ok
      ? 'ok'
      : `${r.outcome.error.code ?? r.outcome.error.name}: ${r.outcome.error.message.slice(0, 120)}`,
    settledMs: f(r.settledMs),
    ...(r.exitMs !== undefined ? { exitMs: f(r.exitMs), exitReason: r.exitReason } : {}),
    lagP99Ms: f(r.lag.p99),
    lagMaxMs: f(r.lag.max),
    lagSamples: r.lag.samples,
    neighbourAnswers: r.neighbour.answers,
    neighbourWrong: r.neighbour.wrong.length,
    neighbourSlowestMs: f(r.neighbour.slowestMs),
    loadavg1: f(os.loadavg()[0]!),
    ...extra,
  })}`;
}

/** Short watchdog settings for the hostile cases (docs/manifest.md, Limits): a blocked loop dies after ~1 s. */
export const CASE_TIMEOUTS = { hangMs: 1000, heartbeatMs: 100 };
/**
 * The host's event loop must stay responsive: p99 of the delay histogram, in ms. The goal is 50 ms
 * (every case logs its p99 beside the load average); the test fails at twice that, because on the
 * shared 2-core CI machine the same case on the same code measured 33–96 ms from run to run. A
 * host that a child can freeze shows delays of seconds, far past either number.
 */
export const LAG_P99_GOAL_MS = 50;
export const LAG_P99_BUDGET_MS = 2 * LAG_P99_GOAL_MS;

/**
 * A host with the steady neighbour and one hostile extension (which must register `ping`), both
 * started and answering before the case begins, so start-up work is not part of any measurement.
 */
export async function openCase(
  hostile: FixtureSpec & { id: string },
  options: Partial<SupervisorOptions> = {},
): Promise<TestHost> {
  const host = createTestHost({ ...options, timeouts: { ...CASE_TIMEOUTS, ...options.timeouts } });
  try {
    await host.add(STEADY_NEIGHBOUR);
    await host.add(hostile);
    expect(await host.supervisor.invoke(NEIGHBOUR_ID, 'echo', { n: 0 })).toEqual({
      type: 'json',
      value: { n: 0, square: 0, stored: 0 },
    });
    expect(await host.supervisor.invoke(hostile.id, 'ping')).toEqual({ type: 'text', text: 'pong' });
  } catch (err) {
    await host.close();
    throw err;
  }
  return host;
}

/** The host stayed responsive and the neighbour answered, every answer right, throughout. */
export function expectHostUnharmed(r: CaseReport<unknown>, budgetMs = LAG_P99_BUDGET_MS): void {
  expect(r.neighbour.wrong, 'every neighbour answer must be right').toEqual([]);
  expect(r.neighbour.answers, 'the neighbour must answer during the case').toBeGreaterThanOrEqual(1);
  expect(r.lag.p99, `host event-loop delay p99 (ms), max ${r.lag.max.toFixed(1)} ms`).toBeLessThan(budgetMs);
}
