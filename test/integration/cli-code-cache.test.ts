// `warden run` loads its code through a V8 code cache kept in the user's data folder
// (extensions/sdk/cli/code-cache.ts). Through the real CLI: the cache is written there and
// nowhere else, taken on the next run, and a corrupt, altered or foreign cache is refused and
// rebuilt without the command noticing. The phase trace (WARDEN_TRACE=1) says which happened.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';

const work = tempDir('warden-code-cache-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const dir = writeExtension(work, {
  id: 'acme.cached',
  commands: ['hello'],
  source: `host.commands.register('hello', (a) => ({ type: 'text', text: 'hi ' + a.name }));`,
});
// A HOME of its own: the CLI must write under --data-dir only.
const home = tempDir('warden-code-cache-home-');
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

const run = (dataDir: string) =>
  runCli(['run', dir, 'hello', '--args', '{"name":"you"}', '--data-dir', dataDir], {
    WARDEN_TRACE: '1',
    HOME: home,
    WARDEN_HOME: '',
  });
/** `<bundle>` → what the trace said of its cache (hit, miss, corrupt, rejected). */
const cacheStates = (stderr: string) =>
  Object.fromEntries([...stderr.matchAll(/ (spare|run)\.cjs loaded \(code cache: (\w+)\)/g)].map((m) => [m[1], m[2]]));
const cacheFiles = (dataDir: string) => {
  const d = path.join(dataDir, 'cache', 'cli');
  return fs.readdirSync(d).map((f) => path.join(d, f));
};
const runCache = (dataDir: string) => cacheFiles(dataDir).find((f) => path.basename(f).startsWith('run-'))!;
const HEADER = 'warden-cli-v8c 1';
/** The run succeeds with its cache refused as `state`, and the next run takes the rebuilt cache. */
async function expectRefusedThenRebuilt(dataDir: string, state: 'corrupt' | 'rejected'): Promise<void> {
  const r = await run(dataDir);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toContain('hi you');
  expect(cacheStates(r.stderr).run).toBe(state);
  expect(cacheStates((await run(dataDir)).stderr).run).toBe('hit');
}

describe('warden run through its code cache', () => {
  const data = path.join(work, 'data');

  it('writes the cache in <data>/cache/cli on the first run and takes it on the next', async () => {
    const first = await run(data);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('hi you');
    expect(cacheStates(first.stderr)).toEqual({ spare: 'miss', run: 'miss' });
    const files = cacheFiles(data).map((f) => path.basename(f));
    expect(files.sort()).toEqual([
      expect.stringMatching(/^run-[0-9a-f]{24}-[0-9a-f]+\.v8cache$/),
      expect.stringMatching(/^spare-/),
    ]);
    if (process.platform !== 'win32') expect(fs.statSync(runCache(data)).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(home)).toEqual([]); // nothing under HOME (no ~/.warden)

    const second = await run(data);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('hi you');
    expect(cacheStates(second.stderr)).toEqual({ spare: 'hit', run: 'hit' });
  });

  it('a cache altered on disk is refused before V8 sees it, the run succeeds and the cache is rebuilt', async () => {
    const file = runCache(data);
    const bytes = fs.readFileSync(file);
    for (let i = 100; i < bytes.length; i += 997) bytes[i] = bytes[i]! ^ 0x5a;
    fs.writeFileSync(file, bytes);
    await expectRefusedThenRebuilt(data, 'corrupt');
  });

  it('a truncated or empty cache is refused and rebuilt', async () => {
    for (const cut of [(b: Buffer) => b.subarray(0, b.length >> 1), () => Buffer.alloc(0)]) {
      fs.writeFileSync(runCache(data), cut(fs.readFileSync(runCache(data))));
      await expectRefusedThenRebuilt(data, 'corrupt');
    }
  });

  it('a well-formed file whose payload V8 does not accept is rejected by V8 and rebuilt', async () => {
    // Another V8's cache, or one made for other source: its own checksum passes, V8 refuses it.
    const payload = crypto.randomBytes(64 * 1024);
    const digest = crypto.createHash('sha256').update(payload).digest();
    fs.writeFileSync(runCache(data), Buffer.concat([Buffer.from(HEADER), digest, payload]));
    await expectRefusedThenRebuilt(data, 'rejected');
  });

  it('a data folder the CLI cannot write still runs the command (no cache, no error)', async () => {
    if (process.platform === 'win32' || process.getuid?.() === 0) return; // root writes anywhere
    const ro = path.join(work, 'ro');
    fs.mkdirSync(path.join(ro, 'cache', 'cli'), { recursive: true });
    fs.chmodSync(path.join(ro, 'cache', 'cli'), 0o500);
    const r = await run(ro);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('hi you');
    expect(fs.readdirSync(path.join(ro, 'cache', 'cli'))).toEqual([]);
  });

  it('--help needs no data folder and writes no cache', async () => {
    const d = path.join(work, 'help-data');
    const r = await runCli(['run', '--help', '--data-dir', d], { HOME: home });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Usage: warden run');
    expect(fs.existsSync(d)).toBe(false);
  });
});
