// Issue 11 item 3: host.storage must not make the host hold what an extension stores. Six 12 MiB
// values set and read back by an ordinary extension (storageMb 1024 needs no prompt), with a
// neighbour answering throughout: the host's resident memory may grow by at most 64 MiB and its
// event-loop delay p99 must stay under 100 ms (the goal is 50 ms: test/helpers/lag.ts). The same
// bytes are also moved through the channel without storage (command results and arguments of
// 12 MiB) as a baseline, so a loaded machine shows up in both numbers.
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import type { TestHost } from '../helpers/sandbox';
import {
  LAG_P99_BUDGET_MS,
  MiB,
  describeCase,
  measureCase,
  openCase,
  readRss,
  watchPeakRss,
  type CaseReport,
} from '../helpers/lag';

const BIG = 'bad.storage-big';
const VALUE_CHARS = 12 * MiB;
/** Generous: on a loaded machine copying 72 MiB through the sandbox takes a while. */
const SLOW = { timeoutMs: 150_000 };

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const SOURCE = `
const SIZE = ${VALUE_CHARS};
const big = (i) => String.fromCharCode(97 + i).repeat(SIZE);
const check = (v, i) => typeof v === 'string' && v.length === SIZE && v[0] === big(i)[0] && v[SIZE - 1] === v[0];
exports.activate = () => {
  host.commands.register('ping', () => 'pong');
  host.commands.register('fill', async () => {
    for (let i = 0; i < 6; i++) await host.storage.set('big' + i, big(i));
    return 'filled';
  });
  host.commands.register('read', async () => {
    const ok = [];
    for (let i = 0; i < 6; i++) ok.push(check(await host.storage.get('big' + i), i));
    return { type: 'json', value: ok };
  });
  // Baseline: the same bytes through the channel, without storage.
  host.commands.register('emit', async ({ i }) => ({ type: 'text', text: big(i) }));
  host.commands.register('take', async ({ s }) => ({ type: 'json', value: s.length }));
};`;

// A full collection before and after a case, so "retained" is what the host still holds rather
// than garbage V8 has not collected yet (the test process is the host).
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

interface Measured {
  report: CaseReport<unknown>;
  /** Peak RSS during the case over the RSS before it (MiB). */
  peakGrowthMiB: number;
  /** RSS after the case and a full collection, over the RSS before it (MiB). */
  retainedMiB: number;
}

/** Runs `work` as a measured case, with the host's own RSS sampled against its level before. */
async function measured(h: TestHost, work: () => Promise<unknown>): Promise<Measured> {
  collect();
  await new Promise((r) => setTimeout(r, 200));
  const before = readRss(process.pid)!;
  const peak = watchPeakRss(process.pid, 5);
  const report = await measureCase(h, BIG, work, { tailMs: 300 });
  const { peakBytes } = peak.stop();
  collect();
  await new Promise((r) => setTimeout(r, 200));
  const after = readRss(process.pid)!;
  return { report, peakGrowthMiB: (peakBytes - before) / MiB, retainedMiB: (after - before) / MiB };
}

describe('host.storage keeps the host bounded (issue 11 item 3)', () => {
  it('six 12 MiB sets and reads: host retains ≤ 64 MiB, peak and loop delay within bounds of a channel-only baseline, neighbour unharmed', async () => {
    const h = (host = await openCase(
      {
        id: BIG,
        commands: ['ping', 'fill', 'read', 'emit', 'take'],
        manifest: { limits: { storageMb: 1024, memoryMb: 512 } },
        source: SOURCE,
      },
      // Building and copying 12 MiB strings keeps the extension's own loop busy for a while on a
      // loaded machine; its watchdog is not what this case is about.
      { timeouts: { hangMs: 20_000 } },
    ));

    // Warm-up (not measured): the first large transfers grow the heap once.
    await h.supervisor.invoke(BIG, 'emit', { i: 0 }, SLOW);
    await h.supervisor.invoke(BIG, 'take', { s: 'w'.repeat(VALUE_CHARS) }, SLOW);

    // Baseline: the channel alone, six values in and six out.
    const channelOnly = () =>
      measured(h, async () => {
        for (let i = 0; i < 6; i++) await h.supervisor.invoke(BIG, 'emit', { i }, SLOW);
        // A fresh string each time, as each storage read makes one.
        for (let i = 0; i < 6; i++)
          await h.supervisor.invoke(BIG, 'take', { s: String.fromCharCode(97 + i).repeat(VALUE_CHARS) }, SLOW);
      });
    const base = await channelOnly();
    console.log(
      describeCase('channel baseline, 6 × 12 MiB each way', base.report, {
        peakGrowthMiB: base.peakGrowthMiB,
        retainedMiB: base.retainedMiB,
      }),
    );

    const store = await measured(h, async () => {
      const t0 = performance.now();
      expect(await h.supervisor.invoke(BIG, 'fill', {}, SLOW)).toEqual({ type: 'text', text: 'filled' });
      const t1 = performance.now();
      const read = await h.supervisor.invoke(BIG, 'read', {}, SLOW);
      const t2 = performance.now();
      return { read, setsMs: Math.round(t1 - t0), getsMs: Math.round(t2 - t1) };
    });
    console.log(
      describeCase('storage, 6 × 12 MiB set then get', store.report, {
        peakGrowthMiB: store.peakGrowthMiB,
        retainedMiB: store.retainedMiB,
        ...(store.report.outcome.ok ? { ...(store.report.outcome.value as object), read: undefined } : {}),
      }),
    );

    // The peak depends on when V8 collects: measured once more after the case, the same channel
    // work has peaked anywhere from ~80 to ~115 MiB here, so the bound takes the higher of two.
    const base2 = await channelOnly();
    const basePeak = Math.max(base.peakGrowthMiB, base2.peakGrowthMiB);

    expect(store.report.outcome.ok).toBe(true);
    const value = (store.report.outcome.ok ? store.report.outcome.value : {}) as { read?: unknown };
    expect(value.read).toEqual({ type: 'json', value: [true, true, true, true, true, true] });
    expect(store.report.neighbour.wrong).toEqual([]);
    expect(store.report.neighbour.answers).toBeGreaterThanOrEqual(1);
    expect(store.report.exitMs).toBeUndefined();
    expect(store.retainedMiB, 'host RSS retained after the case (MiB)').toBeLessThanOrEqual(64);
    // The peak includes garbage V8 has not collected yet: moving the same bytes through the
    // channel alone (the baseline) already peaks over 64 MiB here (~90-105 MiB), so the peak bound
    // is 64 MiB over that baseline (the old in-memory store peaked at 265-383 MiB).
    expect(
      store.peakGrowthMiB,
      `host peak RSS growth (MiB); baseline ${base.peakGrowthMiB.toFixed(1)}, ${base2.peakGrowthMiB.toFixed(1)}`,
    ).toBeLessThanOrEqual(Math.max(64, basePeak) + 64);
    // The bound is 50 ms; on a machine loaded by other work the channel alone may exceed it,
    // so storage may then add at most half again what the baseline measured.
    const bound = Math.max(LAG_P99_BUDGET_MS, base.report.lag.p99 * 1.5);
    expect(store.report.lag.p99, `loop delay p99 (ms); baseline ${base.report.lag.p99.toFixed(1)} ms`).toBeLessThan(
      bound,
    );
  }, 300_000);
});
