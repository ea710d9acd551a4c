// The first command of an extension that is not running travels right behind its `init`
// (electron/core/supervision/early-invoke.ts): the child holds it until activate() has finished,
// which saves the host's turn and a round trip after `ready` on every cold start. What a caller
// sees must not change: the start's own errors, the command's own timeout counted from `ready`,
// cancellation, and a command never run when its extension fails to load.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultServices, createForkLauncher, type Launcher } from '../../electron/core/index';
import { BOOTSTRAP, createTestHost, tempDir, type TestHost } from '../helpers/sandbox';

let host: TestHost;
afterEach(async () => host?.close());

/** A real launcher whose channel records what went each way, in order. */
function recordingLauncher(log: string[]): Launcher {
  const inner = createForkLauncher({ bootstrapPath: BOOTSTRAP });
  return {
    wall: inner.wall,
    launch(spec) {
      const child = inner.launch(spec);
      child.onMessage((m) => log.push(`child:${(m as { t: string }).t}`));
      return {
        get pid() {
          return child.pid;
        },
        onMessage: child.onMessage,
        onViolation: child.onViolation,
        onOutput: child.onOutput,
        onExit: child.onExit,
        send(m, onFlushed) {
          log.push(`host:${m.t}`);
          child.send(m, onFlushed);
        },
        ...(child.outbound ? { outbound: () => child.outbound!() } : {}),
        kill: () => child.kill(),
      };
    },
  };
}

describe('the first command of an extension that is not running', () => {
  it('is sent right behind init, before the extension is ready, and answered once it is', async () => {
    const log: string[] = [];
    host = createTestHost({ launcher: recordingLauncher(log) });
    const id = await host.add({
      commands: ['hello'],
      source: `exports.activate = () => host.commands.register('hello', () => 'hi');`,
    });
    expect(await host.supervisor.invoke(id, 'hello')).toEqual({ type: 'text', text: 'hi' });
    const order = log.filter((l) => /^(host:(init|invoke)|child:(hello|ready|result))$/.test(l));
    expect(order).toEqual(['child:hello', 'host:init', 'host:invoke', 'child:ready', 'child:result']);
    // A second command to the running extension goes the usual way.
    expect(await host.supervisor.invoke(id, 'hello')).toEqual({ type: 'text', text: 'hi' });
  });

  it('runs after an asynchronous activate() has registered its commands', async () => {
    host = createTestHost();
    const id = await host.add({
      commands: ['late'],
      source: `exports.activate = async () => {
        await new Promise((r) => setTimeout(r, 150));
        host.commands.register('late', () => 'registered after an await');
      };`,
    });
    expect(await host.supervisor.invoke(id, 'late')).toEqual({ type: 'text', text: 'registered after an await' });
  });

  it('keeps its own timeout, counted from ready (a slow activate() does not use it up)', async () => {
    host = createTestHost();
    const id = await host.add({
      commands: ['quick', 'slow'],
      source: `exports.activate = async () => {
        await new Promise((r) => setTimeout(r, 400));
        host.commands.register('quick', () => 'done');
        host.commands.register('slow', () => new Promise(() => {}));
      };`,
    });
    expect(await host.supervisor.invoke(id, 'quick', {}, { timeoutMs: 200 })).toEqual({ type: 'text', text: 'done' });
    await expect(host.supervisor.invoke(id, 'slow', {}, { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'ETIMEDOUT',
    });
  });

  it('has its clock running when its first host call opens a prompt, which pauses it', async () => {
    const work = fs.realpathSync(tempDir('warden-first-prompt-'));
    const file = path.join(work, 'notes.txt');
    fs.writeFileSync(file, 'the notes');
    const asked: string[] = [];
    // The user takes 800 ms to answer; the command may run for 300 ms of its own time.
    const services = createDefaultServices(path.join(work, 'data'), {
      prompter: {
        prompt: async (request) => {
          asked.push(request.capability);
          await new Promise((r) => setTimeout(r, 800));
          return { kind: 'allow-once' };
        },
      },
    });
    host = createTestHost({ services });
    try {
      const id = await host.add({
        commands: ['read'],
        manifest: { permissions: { 'fs.read': [path.join(work, '**')] } },
        source: `exports.activate = () =>
          host.commands.register('read', ({ p }) => host.fs.readText(p));`,
      });
      const result = await host.supervisor.invoke(id, 'read', { p: file }, { timeoutMs: 300 });
      expect(result).toEqual({ type: 'text', text: 'the notes' });
      expect(asked).toEqual(['fs.read']);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });

  it('cancelled while the extension starts, never runs', async () => {
    host = createTestHost();
    const id = await host.add({
      commands: ['mark', 'read'],
      source: `exports.activate = async () => {
        await new Promise((r) => setTimeout(r, 400));
        host.commands.register('mark', async () => { await host.storage.set('ran', true); return 'marked'; });
        host.commands.register('read', async () => ({ type: 'json', value: (await host.storage.get('ran')) ?? false }));
      };`,
    });
    const cancel = new AbortController();
    const marked = host.supervisor.invoke(id, 'mark', {}, { signal: cancel.signal });
    // Wait until init and the command have gone to the child, then cancel before activate() ends.
    const t0 = Date.now();
    while (host.supervisor.status(id).state !== 'starting' && Date.now() - t0 < 5000)
      await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 150));
    cancel.abort();
    await expect(marked).rejects.toMatchObject({ code: 'ECANCELED' });
    expect(await host.supervisor.invoke(id, 'read')).toEqual({ type: 'json', value: false });
  });

  it('fails with the load error, and never runs, when activate() throws', async () => {
    host = createTestHost();
    const id = await host.add({
      commands: ['hello'],
      source: `exports.activate = () => { throw new Error('no config'); };`,
    });
    await expect(host.supervisor.invoke(id, 'hello')).rejects.toThrow(/activate\(\) failed: (Error: )?no config/);
    expect(host.supervisor.status(id).state).toBe('failed');
    // The held command is dropped by the child, not answered after the failure (which the host
    // would count as a protocol violation: a second result for a settled call).
    await new Promise((r) => setTimeout(r, 200));
    expect(host.logs.entries.filter((e) => /dropped message/.test(e.msg))).toEqual([]);
  });

  it('fails with the located syntax error when the bundle does not parse', async () => {
    host = createTestHost();
    const id = await host.add({
      commands: ['hello'],
      source: `exports.activate = () => {\n  host.commands.register('hello', () => 'hi'\n};`,
    });
    await expect(host.supervisor.invoke(id, 'hello')).rejects.toThrow(/extension\.js:\d+:\d+/);
  });

  it('is bounded while the extension starts: past 256 a burst is refused with ERATE', async () => {
    host = createTestHost();
    const id = await host.add({
      commands: ['n'],
      source: `exports.activate = async () => {
        await new Promise((r) => setTimeout(r, 200));
        host.commands.register('n', ({ n }) => ({ type: 'json', value: n }));
      };`,
    });
    const burst = await Promise.allSettled(
      Array.from({ length: 300 }, (_, n) => host.supervisor.invoke(id, 'n', { n })),
    );
    const answered = burst.filter((s) => s.status === 'fulfilled');
    const refused = burst.filter((s) => s.status === 'rejected');
    expect(answered).toHaveLength(256);
    expect(refused.every((s) => (s as PromiseRejectedResult).reason.code === 'ERATE')).toBe(true);
    expect((answered as PromiseFulfilledResult<{ value: number }>[]).map((s) => s.value.value)).toEqual(
      Array.from({ length: 256 }, (_, i) => i),
    );
  });
});
