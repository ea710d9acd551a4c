// Resource governance (docs/manifest.md, Limits), part 1: extensions that hold their own event loop hostage.
// Each case runs a real hostile extension in its own process next to a well-behaved neighbour
// that is asked again and again; the host's event-loop delay is sampled throughout. SES does not
// protect availability: the watchdog (heartbeats, hangMs) and per-call timeouts must.
import { afterEach, describe, expect, it } from 'vitest';
import type { TestHost } from '../helpers/sandbox';
import { CASE_TIMEOUTS, describeCase, expectHostUnharmed, measureCase, openCase } from '../helpers/lag';

const BAD = 'bad.hang';
const { hangMs } = CASE_TIMEOUTS;

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

const source = (commands: string) => `exports.activate = () => {
  host.commands.register('ping', () => 'pong');
  ${commands}
};`;

async function open(commands: string[], body: string): Promise<TestHost> {
  host = await openCase({ id: BAD, commands: ['ping', ...commands], source: source(body) });
  return host;
}

const pidOf = (h: TestHost) => h.supervisor.status(BAD).stats?.pid;

describe('a blocked or flooded event loop in an extension', () => {
  it('an infinite loop (for(;;){}) is killed as unresponsive just after hangMs; the host and the neighbour carry on', async () => {
    const h = await open(['spin'], `host.commands.register('spin', () => { for (;;) {} });`);
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'spin'));
    console.log(describeCase('infinite loop', r));

    expect(r.outcome.ok).toBe(false);
    expect(r.outcome.ok ? undefined : r.outcome.error).toMatchObject({
      code: 'ETIMEDOUT',
      message: expect.stringMatching(/unresponsive: event loop blocked for more than 1000 ms/),
    });
    // The watchdog may fire up to one heartbeat early (the last beat was before the loop began)
    // and up to one check interval late; 1 s of slack is for the noisy VM.
    expect(r.exitMs).toBeGreaterThan(hangMs - CASE_TIMEOUTS.heartbeatMs - 50);
    expect(r.exitMs).toBeLessThan(hangMs + 1000);
    expect(h.supervisor.status(BAD).lastExit).toMatchObject({
      expected: false,
      reason: expect.stringMatching(/^unresponsive/),
    });
    expectHostUnharmed(r);
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
  });

  it('deep synchronous recursion ends as a RangeError reported as an extension error; the process survives', async () => {
    const h = await open(
      ['recurse', 'recurseCaught'],
      `host.commands.register('recurse', () => { const f = (n) => f(n + 1) + 1; return f(0); });
      host.commands.register('recurseCaught', () => {
        let depth = 0;
        const f = (n) => { depth = n; return f(n + 1) + 1; };
        try { f(0); } catch (e) { return { type: 'json', value: { name: e.name, isRangeError: e instanceof RangeError, depth } }; }
        return 'unreachable';
      });`,
    );
    const pid = pidOf(h);
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'recurse'));
    console.log(describeCase('deep sync recursion', r));

    expect(r.outcome.ok).toBe(false);
    expect(r.outcome.ok ? undefined : r.outcome.error).toMatchObject({
      code: 'EEXTENSION',
      message: expect.stringMatching(/^RangeError: Maximum call stack size exceeded/),
    });
    expect(r.settledMs).toBeLessThan(2000);
    expect(r.exitMs, 'the process must not exit').toBeUndefined();
    expectHostUnharmed(r);
    // The guest can also catch it itself; either way the same process goes on answering.
    const caught = await h.supervisor.invoke(BAD, 'recurseCaught');
    expect(caught).toMatchObject({ type: 'json', value: { name: 'RangeError', isRangeError: true } });
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
    expect(h.supervisor.status(BAD)).toMatchObject({ state: 'running', crashes: 0, restarts: 0 });
    expect(pidOf(h)).toBe(pid);
  });

  it('deep async recursion (an unbounded chain of awaits) is killed (unresponsive or out of memory); the host carries on', async () => {
    // Every `await null` continues in a microtask: the loop never reaches its timers again, so
    // no heartbeat leaves, while the chain of pending promises grows towards the heap cap.
    const h = await open(
      ['recurse'],
      `host.commands.register('recurse', () => { const f = async (n) => { await null; return f(n + 1); }; return f(0); });`,
    );
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'recurse'));
    console.log(describeCase('deep async recursion', r));

    expect(r.outcome.ok).toBe(false);
    expect(r.exitMs).toBeLessThan(hangMs + 4000);
    expect(h.supervisor.status(BAD).lastExit).toMatchObject({
      expected: false,
      reason: expect.stringMatching(/unresponsive|memory/),
    });
    expectHostUnharmed(r);
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
  });

  it('a promise storm (millions of resolved promises in a microtask loop) is killed by the heartbeat watchdog', async () => {
    const h = await open(
      ['storm'],
      `host.commands.register('storm', () => {
        const spin = () => { Promise.resolve().then(spin); };
        spin();
        return new Promise(() => {});
      });`,
    );
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'storm'));
    console.log(describeCase('promise storm', r));

    expect(r.outcome.ok ? undefined : r.outcome.error).toMatchObject({
      code: 'ETIMEDOUT',
      message: expect.stringMatching(/unresponsive/),
    });
    expect(r.exitMs).toBeGreaterThan(hangMs - CASE_TIMEOUTS.heartbeatMs - 50);
    expect(r.exitMs).toBeLessThan(hangMs + 1000);
    expect(h.supervisor.status(BAD).lastExit?.reason).toMatch(/^unresponsive/);
    expectHostUnharmed(r);
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
  });

  it('a timer storm (setInterval(0) x 20 000) is refused past 10 000 live timers and the process stays responsive', async () => {
    const h = await open(
      ['storm', 'clear'],
      `const ids = [];
      host.commands.register('storm', () => {
        let refused;
        for (let i = 0; i < 20000; i++) {
          try { ids.push(setInterval(() => {}, 0)); } catch (e) { refused = refused || { name: e.name, message: e.message, at: i }; }
        }
        return { type: 'json', value: { live: ids.length, refused } };
      });
      host.commands.register('clear', () => { for (const id of ids.splice(0)) clearInterval(id); return 'cleared'; });`,
    );
    const pid = pidOf(h);
    const pings: number[] = [];
    let timersSeen = 0;
    const r = await measureCase(h, BAD, async () => {
      const result = await h.supervisor.invoke(BAD, 'storm');
      // With 10 000 intervals firing every millisecond, the process must still answer promptly
      // and keep its heartbeats (which report the live timers) coming.
      const until = performance.now() + 2000;
      while (performance.now() < until) {
        const t0 = performance.now();
        expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
        pings.push(performance.now() - t0);
        timersSeen = Math.max(timersSeen, h.supervisor.status(BAD).stats?.timers ?? 0);
        await new Promise((res) => setTimeout(res, 50));
      }
      return result;
    });
    console.log(
      describeCase('timer storm', r, {
        pings: pings.length,
        slowestPingMs: Math.round(Math.max(...pings)),
        timersSeen,
      }),
    );

    expect(r.outcome.ok ? r.outcome.value : r.outcome.error).toEqual({
      type: 'json',
      value: {
        live: 10_000,
        refused: { name: 'RangeError', message: 'too many live timers (limit 10000)', at: 10_000 },
      },
    });
    expect(pings.length).toBeGreaterThanOrEqual(10);
    expect(Math.max(...pings), 'slowest ping of the storming process (ms)').toBeLessThan(500);
    expect(timersSeen).toBe(10_000);
    expect(r.exitMs, 'the process must not be killed').toBeUndefined();
    expect(h.supervisor.status(BAD)).toMatchObject({ state: 'running', crashes: 0 });
    expect(pidOf(h)).toBe(pid);
    expectHostUnharmed(r);
    expect(await h.supervisor.invoke(BAD, 'clear')).toEqual({ type: 'text', text: 'cleared' });
  });

  it('an extension that ignores cancellation: each caller gets ETIMEDOUT promptly, the host is unaffected', async () => {
    // The handler never looks at call.cancelled and keeps looping with awaits in between, so its
    // event loop is alive (no watchdog kill) but the call never ends by itself.
    const h = await open(
      ['forever'],
      `host.commands.register('forever', async () => {
        for (;;) { await new Promise((r) => setTimeout(r, 5)); await host.storage.get('k'); }
      });`,
    );
    const pid = pidOf(h);
    const timeoutMs = 300;
    const elapsed: number[] = [];
    const r = await measureCase(
      h,
      BAD,
      async () => {
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          const err = await h.supervisor.invoke(BAD, 'forever', {}, { timeoutMs }).catch((e: unknown) => e);
          elapsed.push(performance.now() - t0);
          expect(err).toMatchObject({
            code: 'ETIMEDOUT',
            message: `command "forever" did not finish within ${timeoutMs} ms`,
          });
        }
        return elapsed;
      },
      { tailMs: 1500 },
    );
    console.log(describeCase('ignores cancellation', r, { elapsedMs: elapsed.map(Math.round) }));

    expect(r.outcome.ok).toBe(true);
    for (const ms of elapsed) {
      expect(ms).toBeGreaterThanOrEqual(timeoutMs - 1);
      expect(ms).toBeLessThan(timeoutMs + 200);
    }
    // The abandoned loops go on inside the process; it is still alive and answering.
    expect(r.exitMs).toBeUndefined();
    expect(pidOf(h)).toBe(pid);
    expectHostUnharmed(r);
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
  });
});
