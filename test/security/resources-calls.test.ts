// Resource governance (docs/manifest.md, Limits), part 3: calls. Host calls are bounded in the sandbox (1 000
// pending per process), in the host (256 in flight per extension, hostCallsPerSecond budget),
// and every command call has a timeout. A flood in either direction must end in refusals
// (ERATE) or settled calls, never in a stalled host or a call that hangs.
// Each case runs next to a neighbour that keeps answering, with the host's loop delay sampled.
import { afterEach, describe, expect, it } from 'vitest';
import type { TestHost } from '../helpers/sandbox';
import { describeCase, expectHostUnharmed, measureCase, openCase } from '../helpers/lag';

const BAD = 'bad.calls';

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function open(commands: string[], body: string): Promise<TestHost> {
  host = await openCase({
    id: BAD,
    commands: ['ping', ...commands],
    source: `exports.activate = () => {
      host.commands.register('ping', () => 'pong');
      ${body}
    };`,
  });
  return host;
}

const pidOf = (h: TestHost) => h.supervisor.status(BAD).stats?.pid;

/** Counts settled host calls by outcome: 'ok', or the error code and the start of its message. */
const COUNT = `const count = (settled, into) => {
  for (const s of settled) {
    const k = s.status === 'fulfilled' ? 'ok' : String(s.reason && s.reason.code) + ': ' + String(s.reason && s.reason.message).replace(/^storage\\.get: /, '').slice(0, 40);
    into[k] = (into[k] || 0) + 1;
  }
  return into;
};`;

/** 100 000 host calls fired without awaiting any of them, then all awaited together. */
const UNAWAITED_FLOOD = `${COUNT}
host.commands.register('flood', async () => {
  const calls = [];
  for (let i = 0; i < 100000; i++) calls.push(host.storage.get('k'));
  return { type: 'json', value: count(await Promise.allSettled(calls), {}) };
});`;

type Counts = Record<string, number>;
const total = (c: Counts) => Object.values(c).reduce((a, b) => a + b, 0);

describe('call floods', () => {
  it('100 000 unawaited host calls: the host stays responsive and the neighbour answers; the command settles within 20 s', async () => {
    const h = await open(['flood'], UNAWAITED_FLOOD);
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'flood'));
    console.log(describeCase('unawaited flood (host side)', r));

    expect(r.settledMs).toBeLessThan(20_000);
    expectHostUnharmed(r);
    expect(await h.supervisor.invoke(BAD, 'ping')).toEqual({ type: 'text', text: 'pong' });
  });

  // Regression (fixed; was a defect in sandbox rpc-client.ts `call`): a refused call is expensive. Each one copies its
  // arguments (copyDataValue) and only then finds 1 000 calls pending, and rejects with a new
  // compartment Error (SES-tamed, stack captured): ~33 µs per refusal in the guest's event loop,
  // all of it retained until awaited. 100 000 unawaited calls block the extension's loop for
  // ~3.4 s (+2.1 s to settle, measured with hangMs 20 000), so the watchdog kills it as
  // "unresponsive" — with the test's hangMs 1 000 and with the default 5 000 alike — instead of
  // the extension getting 99 000 prompt ERATE refusals. Fix: check `waiting.size` first and
  // reject with one pre-built, hardened ERATE error (or a cheap error without a stack).
  it('100 000 unawaited host calls end in ERATE refusals, and the extension survives', async () => {
    const h = await open(['flood'], UNAWAITED_FLOOD);
    const pid = pidOf(h);
    const t0 = performance.now();
    const result = await h.supervisor.invoke(BAD, 'flood').catch((e: unknown) => e);
    console.log(
      `[resources] unawaited flood (refusals): ${Math.round(performance.now() - t0)} ms → ${JSON.stringify(result)}`,
    );
    expect(result).toMatchObject({ type: 'json' });
    const counts = (result as { value: Counts }).value;
    expect(total(counts)).toBe(100_000);
    expect(counts.ok).toBeGreaterThan(0);
    expect(counts['ERATE: more than 1000 host calls pending']).toBeGreaterThan(90_000);
    expect(pidOf(h)).toBe(pid);
  });

  it('a sustained flood (100 000 host calls in waves of 1 000) is refused with ERATE past the budget; host fine, extension alive', async () => {
    const h = await open(
      ['flood'],
      `${COUNT}
      host.commands.register('flood', async () => {
        const counts = {};
        for (let done = 0; done < 100000; done += 1000) {
          const wave = [];
          for (let i = 0; i < 1000; i++) wave.push(host.storage.get('k'));
          count(await Promise.allSettled(wave), counts);
        }
        return { type: 'json', value: counts };
      });`,
    );
    const pid = pidOf(h);
    const r = await measureCase(h, BAD, () => h.supervisor.invoke(BAD, 'flood'));
    console.log(describeCase('sustained flood', r, { counts: r.outcome.ok ? r.outcome.value : undefined }));

    expect(r.outcome.ok).toBe(true);
    const counts = (r.outcome.ok ? r.outcome.value : { value: {} }) as { type: string; value: Counts };
    expect(counts.type).toBe('json');
    expect(total(counts.value)).toBe(100_000);
    expect(counts.value.ok).toBeGreaterThan(0);
    // Over 2 000 calls a second (the default budget) or 256 in flight: refused, not queued.
    const refused = Object.entries(counts.value).filter(([k]) => k !== 'ok');
    expect(refused.length).toBeGreaterThan(0);
    // The guest keeps 40 characters of each message: "host.storage.get: over its host call budget …".
    const RATE = 'ERATE: host.storage.get: over its host call';
    for (const [k] of refused) {
      expect(k.startsWith(RATE) || k.startsWith('ERATE: more than 256 host calls in flight'), k).toBe(true);
    }
    expect(refused.some(([k]) => k.startsWith(RATE))).toBe(true);
    expect(r.settledMs).toBeLessThan(30_000);
    expect(r.exitMs).toBeUndefined();
    expect(pidOf(h)).toBe(pid);
    expectHostUnharmed(r);
  });

  /** Invokes `one {n}` N times at once and sorts the outcomes: right answers, ERATE refusals, anything else. */
  async function burst(h: TestHost, N: number) {
    const settled = await Promise.allSettled(
      Array.from({ length: N }, (_, n) => h.supervisor.invoke(BAD, 'one', { n })),
    );
    const counts: Counts = {};
    const wrong: string[] = [];
    settled.forEach((s, n) => {
      if (s.status === 'fulfilled') {
        if (JSON.stringify(s.value) !== JSON.stringify({ type: 'json', value: n })) wrong.push(`#${n}`);
        counts.ok = (counts.ok ?? 0) + 1;
      } else {
        const e = s.reason as { code?: string; message?: string };
        const k = `${e.code}: ${e.message?.replace(/^.*?: /, '')}`;
        counts[k] = (counts[k] ?? 0) + 1;
      }
    });
    return { settled: settled.length, counts, wrong };
  }

  const ONE = `host.commands.register('one', async ({ n }) => {
    await host.storage.get('k');
    return { type: 'json', value: n };
  });`;

  it('5 000 concurrent invokes of one command from the host: all settle (some maybe ERATE), none hang, right answers', async () => {
    const h = await open(['one'], ONE);
    const pid = pidOf(h);
    const r = await measureCase(h, BAD, () => burst(h, 5000));
    console.log(describeCase('5 000 concurrent invokes', r, r.outcome.ok ? { counts: r.outcome.value.counts } : {}));

    const b = r.outcome.ok ? r.outcome.value : undefined;
    expect(b?.settled).toBe(5000);
    expect(b?.wrong).toEqual([]);
    expect(b?.counts.ok).toBeGreaterThan(0);
    for (const k of Object.keys(b?.counts ?? {}).filter((k) => k !== 'ok')) expect(k).toMatch(/^ERATE: /);
    // Well under the 30 s call timeout: nothing waited for a timeout.
    expect(r.settledMs).toBeLessThan(15_000);
    expect(r.exitMs).toBeUndefined();
    expect(pidOf(h)).toBe(pid);
    expect(r.neighbour.wrong).toEqual([]);
    expect(r.neighbour.answers).toBeGreaterThanOrEqual(1);
    // The host's loop delay in this case is pinned by the next test (a known defect).
  });

  // Regression (fixed; was a defect in extension-process.ts invoke / #receive, supervisor.invoke): the host does all the
  // work of a burst synchronously. 5 000 invokes issued together are serialized, framed
  // (encodeFrame allocates a fresh Uint8Array + DataView per message) and written one by one in
  // one run of microtasks, and the ~4 000 ERATE answers are each parsed by zod and turned into a
  // WardenError with a captured stack (~13 µs each), plus the GC all this causes. Measured
  // standalone with a 1 ms timer: every burst stalls the host loop 1-3 times for 72-189 ms.
  // Host loop delay p99 over one burst (the test above): 31 / 88 / 159 / 233 / 68 / 51 ms in six
  // runs. One burst gives only one or two stalled samples, which a p99 over ~60 samples may skip,
  // so this case runs five bursts back to back (p99 79 / 97 / 99 ms in three runs). Fix: cap the
  // invokes in flight per extension in the host and queue the rest (the sandbox refuses all but
  // ~1 000 anyway), write frames in batches (cork/uncork, or one writev per tick), and build
  // errors from child data without capturing a stack.
  it('5 bursts of 5 000 concurrent invokes keep the host event-loop delay p99 under 100 ms', async () => {
    const h = await open(['one'], ONE);
    const r = await measureCase(h, BAD, async () => {
      const bursts = [];
      for (let i = 0; i < 5; i++) bursts.push(await burst(h, 5000));
      return bursts;
    });
    console.log(describeCase('5 × 5 000 concurrent invokes', r));
    expect(r.outcome.ok).toBe(true);
    expectHostUnharmed(r);
  });
});
