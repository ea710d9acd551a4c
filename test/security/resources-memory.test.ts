// Resource governance (docs/manifest.md, Limits), part 2: memory. The V8 heap cap (limits.memoryMb →
// --max-old-space-size) bounds JS objects only; ArrayBuffer memory is outside it
// (research/perf-floor.md T8), so the host samples resident memory from /proc and kills when it
// grows more than memoryMb above the process's baseline (its size when the sandbox said hello).
// Results cross the channel as frames of at most 32 MiB.
// Each case runs next to a neighbour that keeps answering, with the host's loop delay sampled.
import { afterEach, describe, expect, it } from 'vitest';
import type { TestHost } from '../helpers/sandbox';
import { describeCase, expectHostUnharmed, measureCase, MiB, openCase, watchPeakRss } from '../helpers/lag';

const BAD = 'bad.memory';
/** Slack for one sampling period of growth past the limit (10 ms near it), and the baseline. */
const OVERSHOOT_MB = 64;

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function open(limits: Record<string, number>, commands: string[], body: string): Promise<TestHost> {
  host = await openCase({
    id: BAD,
    commands: ['ping', ...commands],
    manifest: { limits },
    source: `exports.activate = () => {
      host.commands.register('ping', () => 'pong');
      ${body}
    };`,
  });
  return host;
}

const pidOf = (h: TestHost) => h.supervisor.status(BAD).stats?.pid;

/** Arrays of small objects, yielding now and then (heartbeats keep flowing) until the heap is full. */
const HEAP_BALLOON = `host.commands.register('balloon', async () => {
  const hog = [];
  for (;;) {
    for (let i = 0; i < 2000; i++) hog.push({ a: new Array(100).fill(i), s: 'x' + i });
    await new Promise((r) => setTimeout(r, 0));
  }
});`;

describe('memory limits', () => {
  it('a heap balloon (limits.memoryMb 48) kills only that process, within 10 s; the host and the neighbour carry on', async () => {
    const h = await open({ memoryMb: 48 }, ['balloon'], HEAP_BALLOON);
    const pid = pidOf(h)!;
    const rss = watchPeakRss(pid);
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'balloon'));
    const peak = rss.stop();
    console.log(describeCase('heap balloon', r, { peakRssMiB: Math.round(peak.peakBytes / MiB) }));

    expect(r.outcome.ok).toBe(false);
    expect(r.exitMs).toBeLessThan(10_000);
    expect(h.supervisor.status(BAD).lastExit?.expected).toBe(false);
    // The reason is not asserted here: a known defect (next test) sometimes drops "memory" from it.
    expectHostUnharmed(r);
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
    expect(pidOf(h)).not.toBe(pid);
  });

  // Regression (fixed; was a defect in extension-process.ts #output / #crashReason): the out-of-memory reason is found by
  // scanning the last 20 lines the process printed, but when V8 hits the heap limit inside a GC
  // task run from the event loop (a slowly leaking extension, as here), its report prints the
  // "FATAL ERROR: … JavaScript heap out of memory" line followed by a 20-frame native stack
  // trace (OOMErrorHandler … uv_run … _start) and then `(signal SIGABRT)`: 21 lines after the
  // FATAL line push it out of the ring, and the exit is reported as a bare "process exited
  // unexpectedly (signal SIGABRT)" with nothing about memory. Measured: 10 of 10 deaths with 20
  // objects per tick, ~2 of 12 with the fast balloon above (all output had arrived before the exit
  // event every time). Fix: set a flag when an out-of-memory line is seen, instead of searching
  // the ring at exit (or keep the line apart from the ring).
  it('a slowly leaking extension that dies at its heap cap is reported with a reason that mentions memory (3 runs)', async () => {
    const h = await open(
      { memoryMb: 48 },
      ['leak'],
      `host.commands.register('leak', async () => {
          const hog = [];
          for (;;) {
            for (let i = 0; i < 20; i++) hog.push({ a: new Array(100).fill(i), s: 'x' + i });
            await new Promise((r) => setTimeout(r, 0));
          }
        });`,
    );
    const reasons: string[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        await expect(h.supervisor.invoke(BAD, 'leak')).rejects.toThrow();
        const reason = h.supervisor.status(BAD).lastExit?.reason ?? '(none)';
        reasons.push(reason);
        expect(reason, `run ${i + 1}`).toMatch(/memory/);
        h.supervisor.release(BAD); // forgets the strikes: this test is about the reason only
      }
    } finally {
      console.log(`[resources] slow leak exit reasons: ${JSON.stringify(reasons)}`);
    }
  }, 90_000);

  it('an ArrayBuffer balloon (16 MiB Uint8Arrays kept, limits.memoryMb 48) is killed by the RSS governor near its own 48 MB', async () => {
    // The heap cap does not see these bytes: only the resident-memory governor can stop this.
    const h = await open(
      { memoryMb: 48 },
      ['balloon'],
      `host.commands.register('balloon', () => {
        const keep = [];
        for (;;) keep.push(new Uint8Array(16 * 1024 * 1024).fill(1));
      });`,
    );
    const limitMiB = 48;
    const pid = pidOf(h)!;
    const rss = watchPeakRss(pid, 2);
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'balloon'));
    const peak = rss.stop();
    const reason = h.supervisor.status(BAD).lastExit?.reason ?? '';
    const reported = Number(/^memory: (\d+) MB in use/.exec(reason)?.[1] ?? NaN);
    console.log(
      describeCase('ArrayBuffer balloon', r, {
        peakRssMiB: Math.round(peak.peakBytes / MiB),
        rssSamples: peak.samples,
        lastReportedMiB: reported,
        limitMiB,
      }),
    );

    expect(r.outcome.ok ? undefined : r.outcome.error).toMatchObject({
      code: 'EQUOTA',
      message: expect.stringMatching(
        /memory: \d+ MB in use \(above the \d+ MB its sandbox needs\), above its limit of 48 MB/,
      ),
    });
    expect(reason).toMatch(/^memory: \d+ MB in use \(above the \d+ MB its sandbox needs\), above its limit of 48 MB$/);
    const baselineMiB = Number(/above the (\d+) MB its sandbox needs/.exec(reason)?.[1] ?? NaN);
    expect(reported).toBeGreaterThan(limitMiB);
    expect(reported).toBeLessThanOrEqual(limitMiB + OVERSHOOT_MB);
    expect(peak.peakBytes / MiB, 'peak RSS polled from /proc (MiB)').toBeLessThanOrEqual(
      baselineMiB + limitMiB + OVERSHOOT_MB,
    );
    expect(r.exitMs).toBeLessThan(3000);
    expectHostUnharmed(r);
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
  });

  it('a 100 MiB string result is refused as too large, promptly; the process and the host carry on', async () => {
    const h = await open(
      { memoryMb: 512 },
      ['huge'],
      `host.commands.register('huge', () => {
        const s = 'x'.repeat(100 * 1024 * 1024);
        if (s.indexOf('y') !== -1) throw new Error('unreachable'); // flattens: 100 MiB really exist
        return s;
      });`,
    );
    const pid = pidOf(h);
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'huge'));
    console.log(describeCase('100 MiB string result', r));

    expect(r.outcome.ok ? undefined : r.outcome.error).toMatchObject({
      code: 'EINVAL',
      message: expect.stringMatching(/string longer than 16777216/),
    });
    expect(r.settledMs).toBeLessThan(5000);
    expect(r.exitMs).toBeUndefined();
    expect(pidOf(h)).toBe(pid);
    expectHostUnharmed(r);
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
  });

  /** Seven strings under the 16 MiB per-string limit: 105 MiB in all, over the 32 MiB frame limit. */
  const PARTS = `host.commands.register('parts', () => {
    const s = 'y'.repeat(15 * 1024 * 1024);
    return { type: 'json', value: ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((c) => s + c) };
  });`;

  it('a 105 MiB result made of parts never crashes the host: the call settles by its timeout, the process survives', async () => {
    const h = await open({ memoryMb: 512, callTimeoutMs: 5000 }, ['parts'], PARTS);
    const pid = pidOf(h);
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'parts'));
    console.log(describeCase('105 MiB result in parts', r));

    expect(r.outcome.ok).toBe(false);
    expect(r.settledMs).toBeLessThan(5000 + 1000);
    expect(r.exitMs).toBeUndefined();
    expect(pidOf(h)).toBe(pid);
    expectHostUnharmed(r);
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
  });

  // Regression: a result whose frame exceeded MAX_MESSAGE_BYTES (32 MiB; each string is capped at
  // 16 MiB but not the total, nor Uint8Arrays) was written anyway, skipped unread by the host, and
  // the caller waited the whole call timeout. The sandbox now measures the frame and answers E2BIG.
  it('a 105 MiB result made of parts is refused as too large, promptly (not by the call timeout)', async () => {
    const h = await open({ memoryMb: 512, callTimeoutMs: 5000 }, ['parts'], PARTS);
    const t0 = performance.now();
    const err = await h.supervisor.invoke(BAD, 'parts').catch((e: unknown) => e);
    const ms = performance.now() - t0;
    console.log(`[resources] 105 MiB result in parts: settled after ${Math.round(ms)} ms with ${String(err)}`);
    expect(err).toMatchObject({ code: 'E2BIG', message: expect.stringMatching(/too large|larger than|exceeds/) });
    expect(ms).toBeLessThan(3000);
  });
});
