// Extension process lifecycle against real processes: start and call timeouts, cancellation,
// crashes and restarts with backoff, clean stop, onStartup activation, logs, progress, host.fs
// and the capability gate, as an extension sees them.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestHost, type TestHost } from '../helpers/sandbox';
import { WardenError } from '../../electron/common/errors';
import type { Supervisor, SupervisorOptions } from '../../electron/core/supervision/supervisor';
import { createExtensionStorage } from '../../electron/core/private-data/storage';

let host: TestHost | undefined;
afterEach(async () => {
  await host?.close();
  host = undefined;
});

function open(options: Partial<SupervisorOptions> = {}): TestHost {
  host = createTestHost(options);
  return host;
}

async function failure(p: Promise<unknown>): Promise<WardenError> {
  const err = await p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WardenError);
  return err as WardenError;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the extension's current process, once it has one. */
async function pidOf(supervisor: Supervisor, id: string): Promise<number> {
  return vi.waitFor(
    () => {
      const pid = supervisor.status(id).stats?.pid;
      if (!pid) throw new Error('no process yet');
      return pid;
    },
    { timeout: 20_000, interval: 10 },
  );
}

/** Resolves on the first supervisor event for `id` that matches. */
function nextState(supervisor: Supervisor, id: string, state: string): Promise<number> {
  return new Promise((resolve) => {
    const off = supervisor.onEvent((e) => {
      if (e.type === 'state' && e.id === id && e.state === state) {
        off();
        resolve(Date.now());
      }
    });
  });
}

/** A json command result's value. */
async function jsonOf(p: Promise<unknown>): Promise<unknown> {
  const r = (await p) as { type: string; value?: unknown };
  expect(r.type).toBe('json');
  return r.value;
}

const HANG = `host.commands.register('hang', () => { for (;;) {} });`;

describe('start', () => {
  it('kills an extension whose activate never finishes, with ETIMEDOUT', async () => {
    const { supervisor, add } = open({ timeouts: { startMs: 1500 } });
    const id = await add({
      commands: ['run'],
      source: `exports.activate = () => new Promise(() => {});`,
    });
    const call = supervisor.invoke(id, 'run');
    const pid = await pidOf(supervisor, id);
    const err = await failure(call);
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.message).toBe('the extension was killed: did not become ready within 1500 ms');
    expect(isAlive(pid)).toBe(false);
    const status = supervisor.status(id);
    expect(status.state).toBe('crashed');
    expect(status.lastExit).toMatchObject({ expected: false, reason: 'did not become ready within 1500 ms' });
  });

  it("starts an 'onStartup' extension without a command", async () => {
    const { supervisor, add } = open();
    const running = new Promise<void>((resolve) =>
      supervisor.onEvent((e) => e.type === 'state' && e.state === 'running' && resolve()),
    );
    const id = await add({
      commands: ['ping'],
      manifest: { activation: 'onStartup' },
      source: `let activatedAt = 0;
        exports.activate = () => {
          activatedAt = 1;
          host.commands.register('ping', () => ({ type: 'json', value: activatedAt }));
        };`,
    });
    await running;
    expect(supervisor.status(id).state).toBe('running');
    expect(isAlive(supervisor.status(id).stats!.pid!)).toBe(true);
    expect(await jsonOf(supervisor.invoke(id, 'ping'))).toBe(1);
    expect(supervisor.status(id).restarts).toBe(0);
  });
});

describe('calls', () => {
  const CANCELLABLE = `
    const seen = { onCancel: false, polledCancelled: false };
    exports.activate = () => {
      host.commands.register('slow', (_args, call) => {
        call.onCancel(() => { seen.onCancel = true; });
        call.progress(0, 'started');
        // Never settles by itself: it watches call.cancelled like a cooperative long task would.
        return new Promise(() => {
          const t = setInterval(() => {
            if (call.cancelled) { seen.polledCancelled = true; clearInterval(t); }
          }, 10);
        });
      });
      host.commands.register('seen', () => new Promise((resolve) => {
        const t = setInterval(() => {
          if (seen.polledCancelled) { clearInterval(t); resolve({ type: 'json', value: seen }); }
        }, 10);
      }));
    };`;

  it('rejects a call past its timeout with ETIMEDOUT, and the handler sees the cancellation', async () => {
    const { supervisor, add } = open();
    const id = await add({ commands: ['slow', 'seen'], source: CANCELLABLE });
    const err = await failure(supervisor.invoke(id, 'slow', {}, { timeoutMs: 500 }));
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.message).toBe('command "slow" did not finish within 500 ms');
    expect(await jsonOf(supervisor.invoke(id, 'seen'))).toEqual({ onCancel: true, polledCancelled: true });
    expect(supervisor.status(id).state).toBe('running');
  });

  it('uses limits.callTimeoutMs from the manifest', async () => {
    const { supervisor, add } = open();
    const id = await add({
      commands: ['slow', 'seen'],
      manifest: { limits: { callTimeoutMs: 300 } },
      source: CANCELLABLE,
    });
    expect((await failure(supervisor.invoke(id, 'slow'))).message).toBe('command "slow" did not finish within 300 ms');
  });

  it('rejects a call cancelled through its AbortSignal with ECANCELED', async () => {
    const { supervisor, add } = open();
    const id = await add({ commands: ['slow', 'seen'], source: CANCELLABLE });
    const abort = new AbortController();
    // Abort once the handler is known to be running (its first progress event).
    const call = supervisor.invoke(id, 'slow', {}, { signal: abort.signal, onProgress: () => abort.abort() });
    const err = await failure(call);
    expect(err.code).toBe('ECANCELED');
    expect(err.message).toBe('command "slow" was cancelled');
    expect(await jsonOf(supervisor.invoke(id, 'seen'))).toEqual({ onCancel: true, polledCancelled: true });
  });

  it('rejects a call whose signal is already aborted without running it', async () => {
    const { supervisor, add } = open();
    const id = await add({
      commands: ['count', 'get'],
      source: `let n = 0;
        exports.activate = () => {
          host.commands.register('count', () => { n++; return 'counted'; });
          host.commands.register('get', () => ({ type: 'json', value: n }));
        };`,
    });
    const err = await failure(supervisor.invoke(id, 'count', {}, { signal: AbortSignal.abort() }));
    expect(err.code).toBe('ECANCELED');
    expect(await jsonOf(supervisor.invoke(id, 'get'))).toBe(0);
  });

  it('delivers progress events to onProgress, in order', async () => {
    const { supervisor, add } = open();
    const id = await add({
      commands: ['work'],
      source: `const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
        exports.activate = () => host.commands.register('work', async (_a, call) => {
          call.progress(0.25, 'reading');
          await sleep(80); // the sandbox forwards at most one update per 50 ms
          call.progress(0.5);
          await sleep(80);
          call.progress(2, 'clamped');
          await sleep(80);
          call.progress(undefined, 'indeterminate');
          return 'done';
        });`,
    });
    const events: Array<[number | null, string | undefined]> = [];
    const result = await supervisor.invoke(id, 'work', {}, { onProgress: (f, m) => events.push([f, m]) });
    expect(result).toEqual({ type: 'text', text: 'done' });
    expect(events).toEqual([
      [0.25, 'reading'],
      [0.5, undefined],
      [1, 'clamped'],
      [null, 'indeterminate'],
    ]);
  });
});

describe('crashes and restarts', () => {
  it('rejects the pending call when the heap cap is hit, marks it crashed, and restarts on the next call', async () => {
    const { supervisor, add } = open({ restart: { baseMs: 50 } });
    const id = await add({
      commands: ['eat', 'ok'],
      manifest: { limits: { memoryMb: 32 } },
      source: `exports.activate = () => {
        host.commands.register('eat', () => {
          const keep = [];
          for (;;) keep.push(new Array(100000).fill(1.5));
        });
        host.commands.register('ok', () => 'fine');
      };`,
    });
    const err = await failure(supervisor.invoke(id, 'eat'));
    // A heap that runs out, or the resident-memory governor first: either way a memory quota.
    expect(err.code).toBe('EQUOTA');
    expect(err.message).toMatch(
      /^the extension (ran out of memory \(its JavaScript heap reached its limit of 32 MB\)|was killed: memory: \d+ MB in use .*above its limit of 32 MB)/,
    );
    const status = supervisor.status(id);
    expect(status.state).toBe('crashed');
    expect(status.crashes).toBe(1);
    expect(status.lastExit?.expected).toBe(false);

    expect(await supervisor.invoke(id, 'ok')).toEqual({ type: 'text', text: 'fine' });
    expect(supervisor.status(id)).toMatchObject({ state: 'running', restarts: 1 });
  });

  it('kills a blocked event loop after hangMs and restarts on the next call', async () => {
    const { supervisor, add } = open({ timeouts: { hangMs: 1000, heartbeatMs: 50 }, restart: { baseMs: 50 } });
    const id = await add({
      commands: ['hang', 'ok'],
      source: `exports.activate = () => { ${HANG} host.commands.register('ok', () => 'fine'); };`,
    });
    await supervisor.start(id);
    const pid = await pidOf(supervisor, id);
    const err = await failure(supervisor.invoke(id, 'hang'));
    expect(err.code).toBe('ETIMEDOUT');
    expect(err.message).toMatch(/^the extension .*event loop blocked for more than 1000 ms/);
    expect(isAlive(pid)).toBe(false);
    expect(supervisor.status(id).state).toBe('crashed');

    expect(await supervisor.invoke(id, 'ok')).toEqual({ type: 'text', text: 'fine' });
    const after = supervisor.status(id);
    expect(after).toMatchObject({ state: 'running', crashes: 1, restarts: 1 });
    expect(after.stats?.pid).not.toBe(pid);
  });

  it('waits longer before each restart of consecutive crashes', async () => {
    const baseMs = 200;
    const { supervisor, add } = open({
      timeouts: { hangMs: 1000, heartbeatMs: 50 },
      restart: { baseMs, maxMs: 10_000, stableMs: 60_000 },
    });
    const id = await add({
      commands: ['hang', 'ok'],
      source: `exports.activate = () => { ${HANG} host.commands.register('ok', () => 'fine'); };`,
    });
    await failure(supervisor.invoke(id, 'hang'));
    const firstCrash = supervisor.status(id).lastExit!.at;
    expect(supervisor.status(id).crashes).toBe(1);

    const firstRestart = nextState(supervisor, id, 'starting');
    await failure(supervisor.invoke(id, 'hang'));
    const secondCrash = supervisor.status(id).lastExit!.at;
    expect(supervisor.status(id).crashes).toBe(2);

    const secondRestart = nextState(supervisor, id, 'starting');
    expect(await supervisor.invoke(id, 'ok')).toEqual({ type: 'text', text: 'fine' });

    // Lower bounds only: a busy machine may add delay, never remove it.
    expect((await firstRestart) - firstCrash).toBeGreaterThanOrEqual(baseMs - 5);
    expect((await secondRestart) - secondCrash).toBeGreaterThanOrEqual(2 * baseMs - 5);
    expect(supervisor.status(id)).toMatchObject({ state: 'running', crashes: 2, restarts: 2 });
  });
});

describe('stop', () => {
  it('runs deactivate, which can still use storage, and the process exits', async () => {
    const { supervisor, add, dataDir } = open();
    const id = await add({
      commands: ['run'],
      source: `exports.activate = () => host.commands.register('run', () => 'ran');
        exports.deactivate = async () => { await host.storage.set('deactivated', { at: 'stop' }); };`,
    });
    await supervisor.invoke(id, 'run');
    const pid = await pidOf(supervisor, id);
    await supervisor.stop(id);
    expect(isAlive(pid)).toBe(false);
    expect(supervisor.status(id)).toMatchObject({ state: 'idle', lastExit: { expected: true, reason: 'stopped' } });
    // Read back through the storage module, from the extension's storage folder on disk.
    const storage = createExtensionStorage({
      dir: path.join(dataDir, 'data', id, 'storage'),
      quota: { limitBytes: () => 1024 * 1024, otherBytes: async () => 0 },
    });
    expect(await storage.keys()).toEqual(['deactivated']);
    expect(await storage.get('deactivated')).toEqual({ at: 'stop' });
  });

  it('kills an extension whose deactivate blocks, after stopMs', async () => {
    const { supervisor, add } = open({ timeouts: { stopMs: 500 } });
    const id = await add({
      commands: ['run'],
      source: `exports.activate = () => host.commands.register('run', () => 'ran');
        exports.deactivate = () => { for (;;) {} };`,
    });
    await supervisor.invoke(id, 'run');
    const pid = await pidOf(supervisor, id);
    await supervisor.stop(id);
    expect(isAlive(pid)).toBe(false);
    expect(supervisor.status(id).state).toBe('idle');
  });

  it('rejects calls still pending when the extension is stopped', async () => {
    const { supervisor, add } = open();
    const id = await add({
      commands: ['wait'],
      source: `exports.activate = () => host.commands.register('wait', (_a, call) => {
        call.progress(0);
        return new Promise(() => {});
      });`,
    });
    let started!: () => void;
    const running = new Promise<void>((r) => (started = r));
    const call = supervisor.invoke(id, 'wait', {}, { onProgress: () => started() });
    await running;
    await supervisor.stop(id);
    const err = await failure(call);
    expect(err.message).toBe('the extension was stopped');
  });
});

describe('what the extension sees', () => {
  it("forwards console output to the host logger with the extension's id", async () => {
    const { supervisor, add, logs } = open();
    const id = await add({
      commands: ['talk'],
      source: `exports.activate = () => host.commands.register('talk', () => {
        console.log('hello from the guest', 42, { a: [1, 'x'] });
        console.warn('careful');
        console.error(new TypeError('bad thing'));
        host.log.info('via host.log');
        return 'said';
      });`,
    });
    await supervisor.invoke(id, 'talk');
    const fromExt = logs.entries.filter((e) => e.source === 'extension');
    expect(fromExt.map((e) => [e.level, e.msg, e.ext])).toEqual([
      ['info', 'hello from the guest 42 { a: [ 1, "x" ] }', id],
      // warn/error say where they were called from; a logged Error, where it was made.
      ['warn', expect.stringMatching(/^careful \(at dist\/extension\.js:3:\d+\)$/), id],
      [
        'error',
        expect.stringMatching(
          /^TypeError: bad thing \(at dist\/extension\.js:4:\d+\) \(at dist\/extension\.js:4:\d+\)$/,
        ),
        id,
      ],
      ['info', 'via host.log', id],
    ]);
  });

  it('reads and writes its private data folder through host.fs with relative paths', async () => {
    const { supervisor, add, dataDir } = open();
    const id = await add({
      commands: ['io'],
      source: `exports.activate = () => host.commands.register('io', async () => {
        await host.fs.mkdir('a/b', { recursive: true });
        await host.fs.writeText('a/b/note.txt', 'héllo');
        await host.fs.writeBytes('a/raw.bin', new Uint8Array([0, 1, 255]));
        const text = await host.fs.readText('a/b/note.txt');
        const bytes = await host.fs.readBytes('a/raw.bin');
        const list = await host.fs.list('a');
        const stat = await host.fs.stat('a/b/note.txt');
        let missing;
        try { await host.fs.readText('nope.txt'); } catch (e) { missing = { code: e.code, message: e.message }; }
        let escape;
        try { await host.fs.readText('../../etc/passwd'); } catch (e) { escape = { code: e.code, reason: e.reason }; }
        await host.fs.writeText('gone.txt', 'x');
        await host.fs.remove('gone.txt');
        return { type: 'json', value: {
          text, bytes: Array.from(bytes), isBytes: bytes instanceof Uint8Array,
          list, stat: { kind: stat.kind, size: stat.size }, missing, escape,
        } };
      });`,
    });
    expect(await jsonOf(supervisor.invoke(id, 'io'))).toEqual({
      text: 'héllo',
      bytes: [0, 1, 255],
      isBytes: true,
      list: [
        { name: 'b', kind: 'directory', size: 0 },
        { name: 'raw.bin', kind: 'file', size: 3 },
      ],
      stat: { kind: 'file', size: 6 },
      missing: { code: 'ENOENT', message: 'no such file or directory: nope.txt' },
      escape: { code: 'EPERM', reason: 'denied' },
    });
    const files = path.join(dataDir, 'data', id, 'files');
    expect(fs.readFileSync(path.join(files, 'a', 'b', 'note.txt'), 'utf8')).toBe('héllo');
    expect(fs.existsSync(path.join(files, 'gone.txt'))).toBe(false);
  });

  const PROBE = `exports.activate = () => host.commands.register('probe', async () => {
    const attempt = async (what, fn) => {
      try { await fn(); return [what, 'allowed']; }
      catch (e) { return [what, e.code, e.reason ?? null, e.message]; }
    };
    return { type: 'table', columns: ['call', 'code', 'reason', 'message'], rows: [
      await attempt('readText', () => host.fs.readText('/etc/hosts')),
      await attempt('writeText', () => host.fs.writeText('~/Documents/out.txt', 'x')),
      await attempt('list', () => host.fs.list('~/Documents')),
      await attempt('fetch', () => host.net.fetch('https://api.github.com/zen')),
      await attempt('secret', () => host.secrets.get('GITHUB_TOKEN')),
      await attempt('notify', () => host.ui.notify('hello')),
    ] };
  });`;

  it("refuses what the manifest does not declare with EPERM 'undeclared'", async () => {
    const { supervisor, add } = open();
    const id = await add({ commands: ['probe'], source: PROBE });
    const result = (await supervisor.invoke(id, 'probe')) as { rows: unknown[][] };
    expect(result.rows).toEqual([
      ['readText', 'EPERM', 'undeclared', 'fs.read /etc/hosts: not declared in manifest.json permissions'],
      ['writeText', 'EPERM', 'undeclared', 'fs.write ~/Documents/out.txt: not declared in manifest.json permissions'],
      ['list', 'EPERM', 'undeclared', 'fs.read ~/Documents: not declared in manifest.json permissions'],
      ['fetch', 'EPERM', 'undeclared', 'net https://api.github.com/zen: not declared in manifest.json permissions'],
      ['secret', 'EPERM', 'undeclared', 'secrets GITHUB_TOKEN: not declared in manifest.json permissions'],
      ['notify', 'EPERM', 'undeclared', 'notifications notify: not declared in manifest.json permissions'],
    ]);
  });

  it("refuses what the manifest declares with EPERM 'denied' (no broker grants it yet)", async () => {
    const { supervisor, add } = open();
    const id = await add({
      commands: ['probe'],
      manifest: {
        permissions: {
          'fs.read': ['/etc/**', '~/Documents/**'],
          'fs.write': ['~/Documents/**'],
          net: ['https://api.github.com/**'],
          secrets: ['GITHUB_TOKEN'],
          notifications: true,
        },
      },
      source: PROBE,
    });
    const result = (await supervisor.invoke(id, 'probe')) as { rows: unknown[][] };
    expect(result.rows).toEqual([
      ['readText', 'EPERM', 'denied', 'fs.read /etc/hosts: denied'],
      ['writeText', 'EPERM', 'denied', 'fs.write ~/Documents/out.txt: denied'],
      ['list', 'EPERM', 'denied', 'fs.read ~/Documents: denied'],
      ['fetch', 'EPERM', 'denied', 'net https://api.github.com/zen: denied'],
      ['secret', 'EPERM', 'denied', 'secrets GITHUB_TOKEN: denied'],
      ['notify', 'EPERM', 'denied', 'notifications notify: denied'],
    ]);
  });

  it('keeps an EPERM the handler does not catch as the command error', async () => {
    const { supervisor, add } = open();
    const id = await add({
      commands: ['leak'],
      source: `exports.activate = () => host.commands.register('leak', () => host.fs.readText('/etc/passwd'));`,
    });
    const err = await failure(supervisor.invoke(id, 'leak'));
    expect(err.code).toBe('EPERM');
    expect(err.reason).toBe('undeclared');
  });
});
