import { afterEach, describe, expect, it } from 'vitest';
import { createTestHost, type TestHost } from '../helpers/sandbox';

let host: TestHost;
afterEach(async () => host?.close());

describe('supervisor', () => {
  it('starts an extension on its first command and returns the result', async () => {
    host = createTestHost();
    const id = await host.add({
      commands: ['hello'],
      source: `exports.activate = () => host.commands.register('hello', ({ name }) => 'hello ' + name);`,
    });
    expect(host.supervisor.status(id).state).toBe('idle');
    const result = await host.supervisor.invoke(id, 'hello', { name: 'world' });
    expect(result).toEqual({ type: 'text', text: 'hello world' });
    expect(host.supervisor.status(id).state).toBe('running');
  });

  it('persists storage across restarts', async () => {
    host = createTestHost();
    const id = await host.add({
      commands: ['put', 'get'],
      source: `exports.activate = () => {
        host.commands.register('put', async ({ v }) => { await host.storage.set('k', v); return 'ok'; });
        host.commands.register('get', async () => ({ type: 'json', value: await host.storage.get('k') }));
      };`,
    });
    await host.supervisor.invoke(id, 'put', { v: { a: [1, 2, { b: 'c' }] } });
    await host.supervisor.stop(id);
    expect(host.supervisor.status(id).state).toBe('idle');
    expect(await host.supervisor.invoke(id, 'get')).toEqual({ type: 'json', value: { a: [1, 2, { b: 'c' }] } });
  });

  // The host takes at most 256 commands in flight per extension (electron/common/limits.ts); the rest of a burst
  // is refused at once with ERATE, in the same turn and before its arguments are copied, so
  // a burst costs the host's loop one cheap check per refused call. Once calls finish, new ones
  // are taken again.
  it('takes 256 commands in flight, refuses the rest of a burst with ERATE, then takes calls again', async () => {
    host = createTestHost();
    const id = await host.add({
      commands: ['hold', 'release'],
      source: `let open = []; exports.activate = () => {
        host.commands.register('hold', ({ n }) => new Promise((r) => open.push(() => r({ type: 'json', value: n }))));
        host.commands.register('release', () => { const o = open; open = []; o.forEach((f) => f()); return String(o.length); });
      };`,
    });
    await host.supervisor.start(id);
    const first = new AbortController();
    const burst = Array.from({ length: 300 }, (_, n) =>
      host.supervisor.invoke(id, 'hold', { n }, n === 0 ? { signal: first.signal } : {}),
    );
    // A value that is not data would be EINVAL if it were copied; past the cap it is never looked at.
    await expect(host.supervisor.invoke(id, 'hold', { n: () => 0 } as never)).rejects.toMatchObject({ code: 'ERATE' });
    const refused = await Promise.allSettled(burst.slice(256));
    expect(refused.every((s) => s.status === 'rejected' && (s.reason as { code?: string }).code === 'ERATE')).toBe(
      true,
    );
    expect((refused[0] as PromiseRejectedResult).reason.message).toBe(
      'more than 256 commands of this extension are running',
    );
    // The cap counts every command: 'release' too is refused while 256 are held.
    await expect(host.supervisor.invoke(id, 'release')).rejects.toMatchObject({ code: 'ERATE' });
    // Cancelling one frees its slot at once; 'release' then gets in and the held calls answer.
    first.abort();
    await expect(burst[0]).rejects.toMatchObject({ code: 'ECANCELED' });
    expect(await host.supervisor.invoke(id, 'release')).toEqual({ type: 'text', text: '256' });
    const answered = await Promise.all(burst.slice(1, 256));
    expect(answered.map((r) => (r as { value: number }).value)).toEqual(Array.from({ length: 255 }, (_, i) => i + 1));
  });
});

describe('supervisor metrics', () => {
  // Without this sample the panel kept showing the dead process's CPU and memory until the
  // next tick (up to a second), next to a state that already said it was gone.
  it('records a sample the moment a process exits: its new state, no CPU or memory', async () => {
    host = createTestHost({ governance: { metricsIntervalMs: 60_000 } });
    const id = await host.add({
      commands: ['hello'],
      source: `exports.activate = () => host.commands.register('hello', () => 'hi');`,
    });
    expect(await host.supervisor.invoke(id, 'hello')).toEqual({ type: 'text', text: 'hi' });
    expect(host.supervisor.metrics.latest(id)).toBeUndefined(); // no tick yet
    await host.supervisor.stop(id);
    expect(host.supervisor.metrics.latest(id)).toMatchObject({ state: 'idle', cpuPercent: 0, rssBytes: 0 });
  });
});
