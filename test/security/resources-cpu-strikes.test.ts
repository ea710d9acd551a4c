// Resource governance (docs/manifest.md, Limits), part 4: CPU budget (warn → throttle with SIGSTOP/SIGCONT →
// kill) and strikes (each kill is a strike; 3 in 10 minutes quarantine the extension until the
// user releases it; crashes restart with exponential backoff).
// Each case runs next to a neighbour that keeps answering, with the host's loop delay sampled.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHost, type TestHost } from '../helpers/sandbox';
import { createStrikeBook } from '../../electron/core/governance/strikes';
import type { SupervisorEvent } from '../../electron/core/supervision/supervisor';
import {
  CASE_TIMEOUTS,
  describeCase,
  expectHostUnharmed,
  measureCase,
  NEIGHBOUR_ID,
  openCase,
  STEADY_NEIGHBOUR,
} from '../helpers/lag';

const BAD = 'bad.governed';

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

/** Resolves with the first event (of the hostile extension) that `match` accepts, or undefined after `ms`. */
function nextEvent(
  h: TestHost,
  match: (e: SupervisorEvent) => boolean,
  ms: number,
): Promise<SupervisorEvent | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      off();
      resolve(undefined);
    }, ms);
    const off = h.supervisor.onEvent((e) => {
      if (e.id !== BAD || !match(e)) return;
      clearTimeout(timer);
      off();
      resolve(e);
    });
  });
}

/** Short CPU windows so the whole escalation fits in a couple of seconds. */
const CPU_GOVERNANCE = { timing: { cpuWindowMs: 200, warnAfter: 2, throttleAfter: 3, killAfter: 8 } };

/**
 * Burns CPU in 20 ms slices and yields between them: its event loop (and heartbeat) stays alive,
 * so only the CPU governor can stop it (a plain for(;;){} would be killed by the watchdog first).
 */
const CPU_HOG = `host.commands.register('hog', async () => {
  for (;;) {
    const end = Date.now() + 20;
    while (Date.now() < end) {}
    await new Promise((r) => setTimeout(r, 0));
  }
});`;

async function openHog(): Promise<TestHost> {
  host = await openCase(
    {
      id: BAD,
      commands: ['ping', 'hog'],
      manifest: { limits: { cpuPercent: 20 } },
      source: `exports.activate = () => {
        host.commands.register('ping', () => 'pong');
        ${CPU_HOG}
      };`,
    },
    { governance: CPU_GOVERNANCE },
  );
  return host;
}

const resourceKinds = (events: Array<{ event: SupervisorEvent }>) =>
  events.flatMap(({ event }) => (event.type === 'resource' ? [event.event.type] : []));

describe('CPU budget', () => {
  it('a CPU hog (limits.cpuPercent 20) is warned, then throttled, within 3 s; the host and the neighbour carry on', async () => {
    const h = await openHog();
    let hog: Promise<unknown> | undefined;
    const r = await measureCase(h, BAD, async () => {
      hog = h.supervisor.invoke(BAD, 'hog').catch((e: unknown) => e);
      const throttled = await nextEvent(h, (e) => e.type === 'resource' && e.event.type === 'throttled', 3000);
      return { throttled, stats: h.supervisor.status(BAD).stats };
    });
    const kinds = resourceKinds(r.events);
    const at = (kind: string) =>
      r.events.find(({ event }) => event.type === 'resource' && event.event.type === kind)?.at;
    console.log(
      describeCase('CPU hog: warn + throttle', r, {
        warnedAtMs: Math.round(at('cpu-warning') ?? NaN),
        throttledAtMs: Math.round(at('throttled') ?? NaN),
        resourceEvents: kinds,
      }),
    );

    expect(r.outcome.ok).toBe(true);
    const value = r.outcome.ok ? r.outcome.value : undefined;
    expect(value?.throttled, 'a throttled event within 3 s').toMatchObject({
      type: 'resource',
      event: { type: 'throttled', cpuPercent: expect.any(Number) },
    });
    expect(kinds.slice(0, 2)).toEqual(['cpu-warning', 'throttled']);
    expect(value?.stats).toMatchObject({ throttled: true, sampled: true });
    expectHostUnharmed(r);
    await h.supervisor.stop(BAD);
    await hog;
  });

  // Regression (fixed; was a defect in governance/governor.ts, the CPU timer): the escalation to a kill never completes.
  // While throttled, a window counts as "still over" only if cpuPercent >= 0.8 × budget, but the
  // duty cycle lets the process run ~budget% (20 ms of each 100 ms period) and /proc's CPU time
  // has 10 ms ticks, so a 200 ms window reads 15 % or 20 % or 25 %; any window under 16 % resets
  // `over` to 0, three under in a row lift the throttle, and the cycle warn → throttle →
  // unthrottle repeats forever. Measured: 3 runs × 30 s, never killed (24 throttle cycles).
  // Fix: while throttled, judge by demand rather than by the share it was allowed (e.g. count
  // throttled windows where it used ≥ 0.8 × the time it was let run, or keep `over` across
  // throttling and decay it instead of resetting it on one low window).
  it('a CPU hog that keeps saturating its throttled share is killed with a cpu reason within 10 s', async () => {
    const h = await openHog();
    const exited = nextEvent(h, (e) => e.type === 'exit', 10_000);
    const kinds: string[] = [];
    const off = h.supervisor.onEvent((e) => {
      if (e.id === BAD && e.type === 'resource') kinds.push(e.event.type);
    });
    const hog = h.supervisor.invoke(BAD, 'hog').catch((e: unknown) => e);
    const exit = await exited;
    off();
    console.log(`[resources] CPU hog kill: exit ${JSON.stringify(exit)} after events ${JSON.stringify(kinds)}`);
    expect(exit).toMatchObject({
      type: 'exit',
      expected: false,
      reason: expect.stringMatching(/^cpu: above its budget of 20%/),
    });
    expect(kinds.slice(0, 2)).toEqual(['cpu-warning', 'throttled']);
    expect(await hog).toMatchObject({ code: 'EQUOTA' });
  });
});

describe('strikes and quarantine', () => {
  /** Fills the heap synchronously: with limits.memoryMb 16 the process dies within a second. */
  const CRASH = `host.commands.register('crash', () => {
    const hog = [];
    for (;;) hog.push({ a: new Array(64).fill(hog.length) });
  });`;

  it('3 crashes quarantine the extension: invoke rejects EPERM naming the quarantine; release() lets it run again', async () => {
    const h = (host = await openCase({
      id: BAD,
      commands: ['ping', 'crash'],
      manifest: { limits: { memoryMb: 16 } },
      source: `exports.activate = () => {
        host.commands.register('ping', () => 'pong');
        ${CRASH}
      };`,
    }));
    const states: string[] = [];
    const r = await measureCase(h, BAD, async () => {
      for (let i = 0; i < 3; i++) {
        await expect(h.supervisor.invoke(BAD, 'crash')).rejects.toThrow();
        states.push(h.supervisor.status(BAD).state);
      }
      return h.supervisor.invoke(BAD, 'ping').catch((e: unknown) => e);
    });
    const strikes = r.events.filter(({ event }) => event.type === 'strike').length;
    const quarantined = r.events.find(({ event }) => event.type === 'quarantine');
    console.log(
      describeCase('strikes → quarantine', r, { states, strikes, quarantinedAtMs: Math.round(quarantined?.at ?? NaN) }),
    );

    expect(states).toEqual(['crashed', 'crashed', 'quarantined']);
    expect(strikes).toBe(3);
    expect(quarantined?.event).toMatchObject({
      type: 'quarantine',
      reason: expect.stringMatching(/^3 strikes in 10 min/),
    });
    expect(r.outcome.ok ? r.outcome.value : undefined).toMatchObject({
      code: 'EPERM',
      message: expect.stringMatching(new RegExp(`^${BAD.replace('.', '\\.')} is quarantined \\(3 strikes`)),
    });
    expect(h.supervisor.status(BAD)).toMatchObject({
      state: 'quarantined',
      quarantine: { reason: expect.any(String) },
    });
    expect(r.settledMs).toBeLessThan(15_000);
    expectHostUnharmed(r);

    expect(h.supervisor.release(BAD)).toBe(true);
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
    expect(h.supervisor.status(BAD)).toMatchObject({ state: 'running', strikes: [] });
    expect(h.supervisor.status(BAD).quarantine).toBeUndefined();
  });

  it('a crash-looping extension is restarted with exponential backoff (gaps ~100, 200, 400, 800 ms) until quarantined', async () => {
    const baseMs = 100;
    const h = (host = createTestHost({
      timeouts: CASE_TIMEOUTS,
      restart: { baseMs },
      // Five strikes before quarantine, so that four restarts can be timed.
      governance: { strikes: createStrikeBook({ policy: { maxStrikes: 5, windowMs: 10 * 60_000 } }) },
    }));
    await h.add(STEADY_NEIGHBOUR);
    expect(await h.supervisor.invoke(NEIGHBOUR_ID, 'echo', { n: 0 })).toMatchObject({ type: 'json' });
    const r = await measureCase(h, BAD, async () => {
      const quarantined = nextEvent(h, (e) => e.type === 'quarantine', 20_000);
      // Started at once (onStartup); 50 ms after each activation it fills its 16 MB heap.
      await h.add({
        id: BAD,
        commands: ['ping'],
        manifest: { activation: 'onStartup', limits: { memoryMb: 16 } },
        source: `exports.activate = () => {
          host.commands.register('ping', () => 'pong');
          setTimeout(() => { const hog = []; for (;;) hog.push({ a: new Array(64).fill(hog.length) }); }, 50);
        };`,
      });
      return quarantined;
    });
    // Gap i: the i-th exit → the next 'starting' (the backoff the supervisor waited).
    const gaps: number[] = [];
    let exitAt: number | undefined;
    for (const { at, event } of r.events) {
      if (event.type === 'exit') exitAt = at;
      if (event.type === 'state' && event.state === 'starting' && exitAt !== undefined) {
        gaps.push(at - exitAt);
        exitAt = undefined;
      }
    }
    console.log(describeCase('crash-restart backoff', r, { gapsMs: gaps.map(Math.round) }));

    expect(r.outcome.ok ? r.outcome.value : undefined).toMatchObject({ type: 'quarantine' });
    expect(gaps).toHaveLength(4);
    gaps.forEach((gap, i) => {
      const want = baseMs * 2 ** i;
      expect(gap, `gap ${i + 1}`).toBeGreaterThanOrEqual(want - 5);
      expect(gap, `gap ${i + 1}`).toBeLessThan(want + 250);
    });
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThan(gaps[i - 1]! * 1.5);
    // How many restarts the status reports is pinned by the next test (a known defect).
    expect(h.supervisor.status(BAD).state).toBe('quarantined');
    expectHostUnharmed(r);
  });

  // Regression (fixed; was a defect in supervisor.ts): an automatic restart of an `onStartup` extension is counted twice:
  // onExit's restart timer does `e.restarts++` and then ensureStarted() does it again because
  // the state is still 'crashed'. Four restarts in the backoff case above show `restarts: 8`
  // (measured). Fix: count in one place (drop the increment in the timer callback).
  it('status().restarts counts each automatic restart of an onStartup extension once', async () => {
    const h = (host = createTestHost({
      timeouts: CASE_TIMEOUTS,
      restart: { baseMs: 50 },
      governance: { strikes: createStrikeBook({ policy: { maxStrikes: 2, windowMs: 10 * 60_000 } }) },
    }));
    const quarantined = nextEvent(h, (e) => e.type === 'quarantine', 20_000);
    await h.add({
      id: BAD,
      commands: ['ping'],
      manifest: { activation: 'onStartup', limits: { memoryMb: 16 } },
      source: `exports.activate = () => {
        host.commands.register('ping', () => 'pong');
        setTimeout(() => { const hog = []; for (;;) hog.push({ a: new Array(64).fill(hog.length) }); }, 50);
      };`,
    });
    expect(await quarantined).toMatchObject({ type: 'quarantine' });
    // Started once, crashed, restarted once, crashed again → quarantined.
    console.log(`[resources] restarts after one automatic restart: ${h.supervisor.status(BAD).restarts}`);
    expect(h.supervisor.status(BAD)).toMatchObject({ state: 'quarantined', restarts: 1 });
  });
});
