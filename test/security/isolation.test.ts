// SES does not protect availability (an infinite loop or an exhausted heap takes down everything
// in its agent), so each extension has its own process. One extension hanging, running out of
// memory or dying must never change another's answers; the host kills it with a reason, and it
// answers again after the restart.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestHost, type TestHost } from '../helpers/sandbox';
import type { SupervisorOptions } from '../../electron/core/supervision/supervisor';
import { NEIGHBOUR_COMMANDS, NEIGHBOUR_SOURCE, whileNeighbourAnswers } from './neighbour';

const NEIGHBOUR = 'good.neighbour';

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

async function open(options: Partial<SupervisorOptions>, troublemaker: { source: string; memoryMb?: number }) {
  host = createTestHost(options);
  await host.add({ id: NEIGHBOUR, commands: NEIGHBOUR_COMMANDS, source: NEIGHBOUR_SOURCE });
  const id = await host.add({
    id: 'bad.troublemaker',
    commands: ['misbehave', 'ping'],
    source: troublemaker.source,
    manifest: troublemaker.memoryMb ? { limits: { memoryMb: troublemaker.memoryMb } } : {},
  });
  expect(await host.supervisor.invoke(NEIGHBOUR, 'setup')).toEqual({ type: 'text', text: 'ok' });
  expect(await host.supervisor.invoke(id, 'ping')).toEqual({ type: 'text', text: 'pong' });
  return { host, id };
}

/** After the troublemaker is gone: the neighbour's state is intact and its held call completes. */
async function expectNeighbourUnharmed(h: TestHost, held: Promise<unknown>): Promise<void> {
  expect(await h.supervisor.invoke(NEIGHBOUR, 'release')).toEqual({ type: 'text', text: 'released' });
  expect(await held).toEqual({ type: 'text', text: 'the neighbour answered' });
  expect(await h.supervisor.invoke(NEIGHBOUR, 'owner')).toEqual({ type: 'json', value: 'neighbour' });
  expect(h.supervisor.status(NEIGHBOUR)).toMatchObject({ state: 'running', crashes: 0 });
}

describe('one extension misbehaving', () => {
  it('a blocked event loop (for(;;){}) is killed as unresponsive, the neighbour keeps answering, and it answers after restart', async () => {
    // hangMs leaves room for a noisy machine: the neighbour's heartbeats must never look late.
    const { host: h, id } = await open(
      { timeouts: { hangMs: 2000, heartbeatMs: 100 } },
      {
        source: `exports.activate = () => {
          host.commands.register('misbehave', () => { for (;;) {} });
          host.commands.register('ping', () => 'pong');
        };`,
      },
    );
    const held = h.supervisor.invoke(NEIGHBOUR, 'hold');
    held.catch(() => {}); // awaited later; if the test fails first, not an unhandled rejection
    const { settled, answers } = await whileNeighbourAnswers(h, NEIGHBOUR, h.supervisor.invoke(id, 'misbehave'));
    expect(answers).toBeGreaterThanOrEqual(1);
    expect(settled.ok).toBe(false);
    expect(settled.ok ? undefined : settled.error).toMatchObject({
      code: 'ETIMEDOUT',
      message: expect.stringMatching(/unresponsive/),
    });
    expect(h.supervisor.status(id).lastExit).toMatchObject({
      expected: false,
      reason: expect.stringMatching(/^unresponsive: event loop blocked/),
    });
    expect(h.logs.entries.some((e) => e.ext === id && e.level === 'warn' && /unresponsive/.test(e.msg))).toBe(true);
    await expectNeighbourUnharmed(h, held);

    expect(await h.supervisor.invoke(id, 'ping')).toEqual({ type: 'text', text: 'pong' });
    expect(h.supervisor.status(id)).toMatchObject({ state: 'running', restarts: 1 });
  });

  it('an exhausted heap (limits.memoryMb 32) kills only that process, the neighbour keeps answering, and it answers after restart', async () => {
    const { host: h, id } = await open(
      {},
      {
        memoryMb: 32,
        source: `exports.activate = () => {
          host.commands.register('misbehave', async () => {
            const hog = [];
            for (;;) {
              for (let i = 0; i < 2000; i++) hog.push({ a: new Array(100).fill(i), s: 'x' + i });
              await new Promise((resolve) => setTimeout(resolve, 0));
            }
          });
          host.commands.register('ping', () => 'pong');
        };`,
      },
    );
    const held = h.supervisor.invoke(NEIGHBOUR, 'hold');
    held.catch(() => {}); // awaited later; if the test fails first, not an unhandled rejection
    const { settled, answers } = await whileNeighbourAnswers(h, NEIGHBOUR, h.supervisor.invoke(id, 'misbehave'));
    expect(answers).toBeGreaterThanOrEqual(1);
    expect(settled.ok).toBe(false);
    const exit = h.supervisor.status(id).lastExit;
    expect(exit?.expected).toBe(false);
    // A launcher that reports the exit before the child's stderr is drained (Node's 'exit' event)
    // can show V8's out-of-memory abort as a bare SIGABRT; a resident-memory watchdog, where the
    // host has one, may get there first ("memory: …").
    expect(exit?.reason).toMatch(
      /ran out of memory \((heap limit|its JavaScript heap reached its limit of) 32 MB\)|^memory: |signal SIGABRT/,
    );
    // Either way the cause is on record in the host log: V8's own fatal line, or the watchdog's.
    await vi.waitFor(
      () =>
        expect(
          h.logs.entries.some(
            (e) => e.ext === id && /heap out of memory|Reached heap limit|memory: \d+ MB/.test(e.msg),
          ),
        ).toBe(true),
      { timeout: 10_000, interval: 50 },
    );
    await expectNeighbourUnharmed(h, held);

    expect(await h.supervisor.invoke(id, 'ping')).toEqual({ type: 'text', text: 'pong' });
    expect(h.supervisor.status(id)).toMatchObject({ state: 'running', restarts: 1 });
  });

  it("a process that dies mid-call (killed from outside) fails only its own call; the neighbour's in-flight call completes", async () => {
    const { host: h, id } = await open(
      {},
      {
        source: `exports.activate = () => {
          host.commands.register('misbehave', () => new Promise(() => {}));
          host.commands.register('ping', () => 'pong');
        };`,
      },
    );
    const held = h.supervisor.invoke(NEIGHBOUR, 'hold');
    held.catch(() => {}); // awaited later; if the test fails first, not an unhandled rejection
    const pending = h.supervisor.invoke(id, 'misbehave');
    const pid = h.supervisor.status(id).stats!.pid!;
    process.kill(pid, 'SIGKILL');
    const { settled, answers } = await whileNeighbourAnswers(h, NEIGHBOUR, pending);
    expect(answers).toBeGreaterThanOrEqual(1);
    expect(settled.ok).toBe(false);
    expect(h.supervisor.status(id).lastExit).toMatchObject({
      expected: false,
      reason: expect.stringMatching(/signal SIGKILL/),
    });
    await expectNeighbourUnharmed(h, held);
    expect(await h.supervisor.invoke(id, 'ping')).toEqual({ type: 'text', text: 'pong' });
  });
});
