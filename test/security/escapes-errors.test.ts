// Stacks are a classic leak: V8's CallSite objects hand out the functions and receivers of every
// frame (host frames included), and stack text names host files. Guests must get no stack and
// no stack hook, and no error they can provoke may name a host path.
import { describe, expect, it } from 'vitest';
import { jsonValue, useSecuritySuite } from './harness';

const suite = useSecuritySuite();

describe('stack tricks', () => {
  it('Error.prepareStackTrace is inert: a hook assigned by the guest is never called, for any kind of error', async () => {
    const report = await suite.probe(`
      let calls = 0;
      const frames = [];
      const hook = (error, callSites) => { calls++; frames.push(callSites); return callSites; };
      await probe('assign', () => { Error.prepareStackTrace = hook; return Error.prepareStackTrace === hook; });
      await probe('define', () => { Object.defineProperty(Error, 'prepareStackTrace', { value: hook }); return 'defined'; });
      await probe('assign on TypeError', () => { TypeError.prepareStackTrace = hook; return TypeError.prepareStackTrace === hook; });
      const stacks = [];
      const collect = (e) => { try { stacks.push(e.stack); } catch (x) { stacks.push('(stack threw)'); } };
      try { throw new Error('own'); } catch (e) { collect(e); }
      try { null.x; } catch (e) { collect(e); }
      try { host.commands.register('undeclared', () => {}); } catch (e) { collect(e); }
      try { new URL('::'); } catch (e) { collect(e); }
      try { atob('%'); } catch (e) { collect(e); }
      collect(await rejection(host.fs.readText(CANARY)));
      collect(await rejection(host.storage.get('')));
      await probe('hook calls', () => calls);
      await probe('stacks', () => stacks);
      for (const f of frames) {
        await probe('call site this', () => f[0].getThis());
        await probe('call site function', () => f[0].getFunction());
      }
    `);
    expect(report.leaks).toEqual([]);
    expect(report.outcomes['hook calls']).toBe('returned 0');
    expect(report.outcomes.stacks).toBe(`returned ${JSON.stringify(Array(7).fill(''))}`);
    expect(report.outcomes.define).toMatch(/^threw TypeError/);
    // Assignments either throw or are swallowed by SES's inert accessor; the hook never sticks.
    expect(report.outcomes.assign).toMatch(/^threw TypeError|^returned false$/);
    expect(report.outcomes['assign on TypeError']).toMatch(/^threw TypeError|^returned false$/);
  });

  it('Error.captureStackTrace and Error.stackTraceLimit give a guest no stack, even with a host function as the cut-off', async () => {
    const report = await suite.probe(`
      await probe('captureStackTrace on an object', () => { const o = {}; Error.captureStackTrace(o); return o.stack; });
      await probe('captureStackTrace cut at a host function', () => {
        const o = {}; Error.captureStackTrace(o, host.storage.get); return o.stack;
      });
      await probe('captureStackTrace inside a host callback', () => new Promise((resolve) => {
        setTimeout(() => { const o = {}; Error.captureStackTrace(o); resolve(o.stack); }, 0);
      }));
      await probe('stackTraceLimit', () => { Error.stackTraceLimit = Infinity; return [Error.stackTraceLimit, new Error('x').stack]; });
      await probe('stack getter applied to a host error', async () => {
        const err = await rejection(host.fs.readText(CANARY));
        const d = Object.getOwnPropertyDescriptor(err, 'stack') || Object.getOwnPropertyDescriptor(Error.prototype, 'stack');
        return d.get ? d.get.call(err) : d.value;
      });
      await probe('getStackString', () => typeof getStackString);
    `);
    expect(report.leaks).toEqual([]);
    expect(report.outcomes).toMatchObject({
      'captureStackTrace on an object': 'returned ""',
      'captureStackTrace cut at a host function': 'returned ""',
      'captureStackTrace inside a host callback': 'returned ""',
      'stack getter applied to a host error': 'returned ""',
      getStackString: 'returned "undefined"',
    });
    expect(report.outcomes.stackTraceLimit).toMatch(/,""\]$/);
  });

  it('no error a guest can provoke (host API, endowments, engine) names a host path in its message or stack', async () => {
    const outcome = await suite.attempt({
      manifest: { permissions: { 'fs.read': ['~/Documents/**'], net: ['https://example.com/**'] } },
      source: `exports.activate = () => host.commands.register('run', async ({ canary }) => {
        const errors = [];
        const add = (what, e) => errors.push([what, String(e && e.code), String(e && e.message), String(e && e.stack)]);
        const sync = (what, fn) => { try { fn(); errors.push([what, 'no error']); } catch (e) { add(what, e); } };
        const async_ = async (what, p) => { try { await p; errors.push([what, 'no error']); } catch (e) { add(what, e); } };
        await async_('missing file', host.fs.readText('missing.txt'));
        await host.fs.mkdir('dir');
        await async_('directory read as a file', host.fs.readText('dir'));
        await async_('file listed as a directory', (async () => { await host.fs.writeText('f.txt', 'x'); return host.fs.list('f.txt/x'); })());
        await async_('canary (absolute)', host.fs.readText(canary));
        await async_('declared but not granted', host.fs.readText('~/Documents/notes.txt'));
        await async_('home', host.fs.readText('~/.ssh/id_rsa'));
        await async_('climbing out', host.fs.readText('../../x'));
        await async_('backslash', host.fs.readText('..\\\\x'));
        await async_('NUL', host.fs.writeText('a\\u0000b', 'x'));
        await async_('empty path', host.fs.stat(''));
        await async_('removing a non-empty directory', (async () => { await host.fs.writeText('dir/x', 'x'); return host.fs.remove('dir'); })());
        await async_('quota', host.storage.set('big', 'x'.repeat(6 * 1024 * 1024)));
        await async_('bytes in storage', host.storage.set('b', new Uint8Array(2)));
        await async_('net undeclared', host.net.fetch('https://evil.example/'));
        await async_('net declared', host.net.fetch('https://example.com/x'));
        await async_('secret', host.secrets.get('GITHUB_TOKEN'));
        await async_('notify', host.ui.notify('hi'));
        await async_('pick', host.fs.pickFile({}));
        await async_('unknown capability', host.permissions.query('root', '/'));
        await async_('bad argument type', host.fs.readText(42));
        await async_('function argument', host.storage.set('k', () => 1));
        sync('undeclared command', () => host.commands.register('nope', () => {}));
        sync('URL', () => new URL('::'));
        sync('URL base class', () => new (Object.getPrototypeOf(URL))('::'));
        sync('TextDecoder', () => new TextDecoder('no-such-encoding'));
        sync('atob', () => atob('%'));
        sync('structuredClone', () => structuredClone(() => 1));
        sync('getRandomValues', () => crypto.getRandomValues(new Uint8Array(70000)));
        sync('engine TypeError', () => null.x);
        sync('JSON.parse', () => JSON.parse('{'));
        sync('stack overflow', () => { const f = () => f(); f(); });
        return { type: 'json', value: errors };
      });`,
    });
    expect(outcome.error).toBeUndefined();
    const errors = jsonValue<string[][]>(outcome);
    expect(errors).toHaveLength(31);
    // Every line provoked an error (no operation succeeded), and no stack text reached the guest.
    expect(errors.filter((e) => e[1] === 'no error')).toEqual([]);
    expect(errors.filter((e) => e[3] !== '')).toEqual([]);
    // The harness already checked the result JSON for host paths and secrets; codes are still exact.
    const codes = Object.fromEntries(errors.map((e) => [e[0], e[1]]));
    expect(codes).toMatchObject({
      'missing file': 'ENOENT',
      'directory read as a file': 'EISDIR',
      'canary (absolute)': 'EPERM',
      'declared but not granted': 'EPERM',
      home: 'EPERM',
      'climbing out': 'EPERM',
      backslash: 'EINVAL',
      NUL: 'EINVAL',
      quota: 'EQUOTA',
      'net undeclared': 'EPERM',
      'net declared': 'EPERM',
      secret: 'EPERM',
    });
  });

  it('a command that throws reports EEXTENSION with a guest-only location, and rethrown host errors keep only code and message', async () => {
    const source = `
function deep() { throw new Error('boom'); }
exports.activate = () => {
  host.commands.register('throws', () => deep());
  host.commands.register('rethrows', async ({ canary }) => { await host.fs.readText(canary); });
  host.commands.register('throws-string', () => { throw 'plain string'; });
  host.commands.register('throws-hostile', () => {
    throw { get message() { host.storage.set('pwned', 1); return 'getter'; }, toString() { return 'toString'; } };
  });
  host.commands.register('throws-proxy', () => { throw new Proxy(new Error('p'), {}); });
  host.commands.register('keys', async () => ({ type: 'json', value: await host.storage.keys() }));
};`;
    const commands = ['throws', 'rethrows', 'throws-string', 'throws-hostile', 'throws-proxy', 'keys'];
    const first = await suite.attempt({ source, commands, command: 'throws' });
    expect(first.error).toMatchObject({ code: 'EEXTENSION', message: 'Error: boom' });
    expect(first.error?.location).toMatch(/^dist\/extension\.js:2:\d+$/);

    const rethrown = await suite.invoke(first.id, 'rethrows');
    expect(rethrown.error).toMatchObject({ code: 'EPERM', reason: 'undeclared' });
    expect(rethrown.error?.location).toBeUndefined();

    expect((await suite.invoke(first.id, 'throws-string')).error).toMatchObject({
      code: 'EEXTENSION',
      message: 'plain string',
    });
    const hostile = await suite.invoke(first.id, 'throws-hostile');
    expect(hostile.error?.code).toBe('EEXTENSION');
    expect((await suite.invoke(first.id, 'throws-proxy')).error?.code).toBe('EEXTENSION');
    // The hostile object's getter never ran on the host side (the sandbox reads only data properties).
    expect((await suite.invoke(first.id, 'keys')).result).toEqual({ type: 'json', value: [] });
  });
});

describe('errors from a failing load', () => {
  it('a bundle that throws while loading or in activate() fails with a message that names only the bundle', async () => {
    for (const source of [
      `throw new Error('top level');`,
      `exports.activate = () => { null.x; };`,
      `exports.activate = async () => { await host.fs.readText('/etc/shadow'); };`,
      `exports.activate = () => { host.commands.register('not-declared', () => {}); };`,
      `exports.activate = () => { let x = ; };`,
    ]) {
      const outcome = await suite.attempt({ source });
      expect(outcome.result, source).toBeUndefined();
      expect(outcome.error?.code, source).toMatch(/^(EINVAL|EEXTENSION|EPERM)$/);
      expect(outcome.error?.message ?? '', source).not.toMatch(/\/(work|root|home|tmp)\//);
    }
  });
});
