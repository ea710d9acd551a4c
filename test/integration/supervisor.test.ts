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
});
