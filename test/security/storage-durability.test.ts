// host.storage on disk, through the real entry point (`warden run`): a host killed in the middle
// of a write leaves the old or the new value, never a torn one; the single-file store of earlier
// versions is migrated without losing an entry; the quota is enforced exactly (EQUOTA with the
// right numbers) and a value over the size cap is refused (E2BIG).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir, writeExtension } from '../helpers/sandbox';

const work = tempDir('warden-storage-disk-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let child: ChildProcess | undefined;
afterEach(() => {
  // The host was started in its own process group: end it and its extension process.
  if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, 'SIGKILL');
  child = undefined;
});

const ID = 'acme.keeper';
const SIZE = 4 * 1024 * 1024;

/** Values are self-checking: `<n>:` then one letter (chosen by n) SIZE times. */
const SOURCE = `
const SIZE = ${SIZE};
const make = (n) => n + ':' + String.fromCharCode(97 + (n % 26)).repeat(SIZE);
const verify = (v) => {
  if (v === undefined) return { n: -1, ok: true };
  if (typeof v !== 'string') return { ok: false, why: typeof v };
  const colon = v.indexOf(':');
  const n = Number(v.slice(0, colon));
  return { n, ok: v === make(n), length: v.length };
};
exports.activate = () => {
  host.commands.register('churn', async () => {
    // Each run goes on from the value it finds, so old and new values differ across rounds.
    for (let n = verify(await host.storage.get('k')).n + 1; ; n++) await host.storage.set('k', make(n));
  });
  host.commands.register('check', async () => ({ type: 'json', value: verify(await host.storage.get('k')) }));
  host.commands.register('dump', async () => {
    const out = {};
    for (const key of await host.storage.keys()) {
      const v = await host.storage.get(key);
      // A large string comes back as a summary: the CLI's output is read with a 1 MiB buffer.
      const value = typeof v === 'string' && v.length > 65536 ? { length: v.length, same: v === v[0].repeat(v.length) } : v;
      Object.defineProperty(out, key, { value, enumerable: true });
    }
    return { type: 'json', value: { keys: await host.storage.keys(), entries: out } };
  });
  host.commands.register('try', async ({ sets }) => {
    const results = [];
    for (const [key, chars, letter] of sets) {
      try {
        await host.storage.set(key, (letter || 'x').repeat(chars));
        results.push('ok');
      } catch (err) {
        results.push(err.code + ': ' + err.message);
      }
    }
    return { type: 'json', value: results };
  });
};`;

function extension(storageMb: number): string {
  return writeExtension(path.join(work, `ext-${storageMb}-${Math.random().toString(36).slice(2, 8)}`), {
    id: ID,
    commands: ['churn', 'check', 'dump', 'try'],
    manifest: { limits: { storageMb, memoryMb: 256 } },
    source: SOURCE,
  });
}

/**
 * `warden run … --json`; on a heavily loaded machine the extension may miss its 10 s start-up
 * deadline, which is not what these cases test: such a run is tried again (twice at most).
 */
async function runJson(dir: string, command: string, dataDir: string, args: object = {}): Promise<unknown> {
  const argv = ['run', dir, command, '--json', '--args', JSON.stringify(args), '--data-dir', dataDir];
  let r = await runCli(argv);
  for (let i = 0; i < 2 && r.code !== 0 && /did not become ready/.test(r.stderr); i++) r = await runCli(argv);
  expect(r.code, r.stderr + r.stdout.slice(0, 500)).toBe(0);
  return (JSON.parse(r.stdout) as { result: { value: unknown } }).result.value;
}

describe('host.storage on disk (warden run)', () => {
  it('a host killed in the middle of a set leaves the old or the new value, never a torn one', async () => {
    const dir = extension(64);
    const dataDir = path.join(work, 'data-crash');
    const store = path.join(dataDir, 'data', ID, 'storage');
    for (let round = 0; round < 4; round++) {
      child = spawn(process.execPath, [CLI, 'run', dir, 'churn', '--timeout', '600000', '--data-dir', dataDir], {
        stdio: 'ignore',
        detached: true,
      });
      // Wait until a value is on disk and the next write is in progress (its temp file has just
      // appeared: inotify tells at once), then, in later rounds, a little more; kill the host.
      const victim = child;
      const killedMidWrite = await new Promise<boolean>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error('no write in progress was seen in 120 s')), 120_000);
        let watcher: fs.FSWatcher | undefined;
        const poll = setInterval(() => {
          if (watcher || !fs.existsSync(store)) return;
          watcher = fs.watch(store, (_event, name) => {
            if (!name?.startsWith('.tmp-')) return;
            if (!fs.readdirSync(store).some((n) => /^[0-9a-f]{64}$/.test(n))) return;
            const kill = () => {
              const midWrite = fs.readdirSync(store).some((n) => n.startsWith('.tmp-'));
              process.kill(-victim.pid!, 'SIGKILL');
              clearTimeout(deadline);
              clearInterval(poll);
              watcher?.close();
              resolve(midWrite);
            };
            watcher?.close();
            if (round === 0) kill();
            else setTimeout(kill, round * 5);
          });
        }, 5);
      });
      await new Promise((r) =>
        victim.exitCode !== null || victim.signalCode !== null ? r(0) : victim.once('exit', r),
      );
      child = undefined;

      const check = (await runJson(dir, 'check', dataDir)) as { n: number; ok: boolean; length?: number };
      console.log(`[storage] crash round ${round}: killed mid-write ${killedMidWrite}, then ${JSON.stringify(check)}`);
      expect(check.ok).toBe(true);
      expect(check.n).toBeGreaterThanOrEqual(0);
      expect(fs.readdirSync(store).filter((n) => !n.startsWith('.tmp-'))).toHaveLength(1);
    }
  }, 300_000);

  it('migrates the single-file store of earlier versions, every entry and the quota it used', async () => {
    const dir = extension(64);
    const dataDir = path.join(work, 'data-migrate');
    const priv = path.join(dataDir, 'data', ID);
    fs.mkdirSync(priv, { recursive: true });
    const proto = JSON.parse('{"__proto__": {"polluted": true}, "x": [1, 2]}') as Record<string, unknown>;
    const entries: Record<string, unknown> = {
      runs: 42,
      'naïve key ✓': 'valeur accentuée — 中文 😀',
      nested: { list: [1, 'two', null, true, { deep: [] }], empty: {}, s: 'a "quoted" \\ back\nslash' },
      'with/slash and ..': 'path-like keys are plain keys',
      CON: 'a Windows device name',
      big: 'b'.repeat(3 * 1024 * 1024),
      '}{",': 'structural characters in a key',
    };
    Object.defineProperty(entries, '__proto__', { value: proto, enumerable: true });
    // Exactly what the old store wrote.
    fs.writeFileSync(path.join(priv, 'storage.json'), JSON.stringify({ version: 1, entries }));

    const dump = (await runJson(dir, 'dump', dataDir)) as { keys: string[]; entries: Record<string, unknown> };
    expect(dump.keys).toEqual(Object.keys(entries));
    for (const key of Object.keys(entries)) {
      const want = key === 'big' ? { length: 3 * 1024 * 1024, same: true } : entries[key];
      expect(dump.entries[key], key).toEqual(want);
    }
    expect(fs.existsSync(path.join(priv, 'storage.json')), 'the old file is removed once migrated').toBe(false);
    const records = fs.readdirSync(path.join(priv, 'storage'));
    expect(records).toHaveLength(Object.keys(entries).length);

    // And it stays: a second run reads the same from the records alone.
    const again = (await runJson(dir, 'dump', dataDir)) as { keys: string[]; entries: Record<string, unknown> };
    expect(again).toEqual(dump);
  }, 120_000);

  it('a corrupt old store is reported as EINTERNAL and left in place, not dropped', async () => {
    const dir = extension(64);
    const dataDir = path.join(work, 'data-corrupt');
    const priv = path.join(dataDir, 'data', ID);
    fs.mkdirSync(priv, { recursive: true });
    const bad = '{"version":1,"entries":{"a":1,"b":';
    fs.writeFileSync(path.join(priv, 'storage.json'), bad);
    const argv = ['run', dir, 'check', '--json', '--data-dir', dataDir];
    let r = await runCli(argv);
    for (let i = 0; i < 2 && /did not become ready/.test(r.stderr); i++) r = await runCli(argv);
    const out = JSON.parse(r.stdout) as { ok: boolean; error?: { code: string; message: string } };
    expect(out.ok).toBe(false);
    expect(out.error?.code).toBe('EINTERNAL');
    expect(out.error?.message).not.toContain(dataDir);
    expect(fs.readFileSync(path.join(priv, 'storage.json'), 'utf8')).toBe(bad);
  }, 120_000);

  it('enforces storageMb exactly with EQUOTA naming the bytes, and refuses a value over 16 MiB of JSON with E2BIG', async () => {
    const dir = extension(1);
    const dataDir = path.join(work, 'data-quota');
    // Entry sizes as counted: JSON of key + JSON of value + 2. "a": 3 + 614 402 + 2 = 614 407.
    const results = (await runJson(dir, 'try', dataDir, {
      sets: [
        ['a', 600 * 1024],
        ['b', 500 * 1024],
        ['b', 1048576 - 614407 - 3 - 2 - 2],
        ['c', 0],
      ],
    })) as string[];
    expect(results).toEqual([
      'ok',
      'EQUOTA: storage quota exceeded (1126414 of 1048576 bytes)',
      'ok',
      'EQUOTA: storage quota exceeded (1048583 of 1048576 bytes)',
    ]);

    const large = extension(64);
    const big = (await runJson(large, 'try', path.join(work, 'data-big'), {
      // 3 Mi control characters: 3 MiB through the channel, 18 MiB as JSON ("\u0001" each).
      sets: [['huge', 3 * 1024 * 1024, '\u0001']],
    })) as string[];
    expect(big).toHaveLength(1);
    expect(big[0]).toMatch(/^E2BIG: /);
  }, 120_000);
});
