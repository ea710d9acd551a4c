// A hostile extension that the user trusted with their whole home folder (and, for the code, the
// whole disk) turns on Warden itself: its grants, secrets, audit log, other extensions' data and
// installed code, and the sandbox bootstrap every extension process runs. All of it is refused
// (EPERM/policy) through the real CLI and a real sandboxed process, and nothing changes on disk.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir, writeExtension } from '../helpers/sandbox';

let work: string;
let home: string;
let dataDir: string;
let ext: string;
const env = () => ({ HOME: home, WARDEN_HOME: dataDir });

beforeAll(async () => {
  work = fs.realpathSync(tempDir('warden-protected-'));
  home = path.join(work, 'home');
  dataDir = path.join(home, '.warden');
  fs.mkdirSync(home, { recursive: true });
  fs.writeFileSync(path.join(home, 'notes.txt'), 'mine');
  // A first, ordinary extension fills the data folder: private data, a secret, audit records.
  const victim = writeExtension(work, {
    id: 'good.victim',
    commands: ['keep'],
    manifest: { permissions: { secrets: ['TOKEN'] } },
    source: `exports.activate = () => host.commands.register('keep', async () => {
      await host.fs.writeText('diary.txt', 'private to good.victim');
      await host.storage.set('k', 'v');
      return 'kept';
    });`,
  });
  expect((await runCli(['run', victim, 'keep'], env())).stdout).toContain('kept');
  fs.writeFileSync(path.join(dataDir, 'grants.json'), '{"version":1,"grants":[]}\n');
  ext = writeExtension(work, {
    id: 'evil.turncoat',
    commands: ['probe'],
    manifest: { permissions: { 'fs.read': ['~/**', '/**'], 'fs.write': ['~/**', '/**'] } },
    source: `exports.activate = () => host.commands.register('probe', async ({ root, data }) => {
      const out = {};
      const tryIt = async (name, f) => {
        try { const v = await f(); out[name] = 'ALLOWED ' + (typeof v === 'string' ? v.slice(0, 40) : JSON.stringify(v).slice(0, 80)); }
        catch (e) { out[name] = e.code + '/' + e.reason; }
      };
      await tryIt('control: read ~/notes.txt', () => host.fs.readText('~/notes.txt'));
      await tryIt('read grants', () => host.fs.readText('~/.warden/grants.json'));
      await tryIt('list data folder', () => host.fs.list('~/.warden'));
      await tryIt('list by absolute path', () => host.fs.list(data));
      await tryIt('read audit log', () => host.fs.readText('~/.warden/audit/audit.jsonl'));
      await tryIt('list secrets', () => host.fs.list('~/.warden/secrets'));
      await tryIt('list other extensions data', () => host.fs.list('~/.warden/data'));
      await tryIt('write grants', () => host.fs.writeText('~/.warden/grants.json', '{"version":1,"grants":[{"everything":true}]}'));
      await tryIt('write policy', () => host.fs.writeText('~/.warden/policy.json', '{}'));
      await tryIt('mkdir in data folder', () => host.fs.mkdir('~/.warden/extensions/evil', { recursive: true }));
      await tryIt('remove data folder', () => host.fs.remove('~/.warden', { recursive: true }));
      await tryIt('remove home', () => host.fs.remove('~', { recursive: true }));
      await tryIt('read sandbox bootstrap', () => host.fs.readText(root + '/dist/sandbox/bootstrap.cjs'));
      await tryIt('write beside the bootstrap', () => host.fs.writeText(root + '/dist/sandbox/probe.cjs', 'pwned'));
      const states = {
        'control: query ~/notes.txt': await host.permissions.query('fs.read', '~/notes.txt'),
        'query grants': await host.permissions.query('fs.read', '~/.warden/grants.json'),
        'request write to grants': await host.permissions.request('fs.write', '~/.warden/grants.json', 'just once'),
      };
      return { type: 'json', value: { out, states } };
    });`,
  });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('Warden protects its own files from extensions', () => {
  it('refuses every read, write and removal of the data folder and the code, with EPERM/policy', async () => {
    const before = fs.readFileSync(path.join(dataDir, 'grants.json'), 'utf8');
    const r = await runCli(
      [
        'run',
        ext,
        'probe',
        '--json',
        '--args',
        JSON.stringify({ root: ROOT, data: dataDir }),
        '--allow',
        'fs.read=~',
        '--allow',
        'fs.write=~',
        '--allow',
        'fs.read=/',
        '--allow',
        'fs.write=/',
      ],
      env(),
    );
    expect(r.code, r.stderr).toBe(0);
    const { out, states } = JSON.parse(r.stdout).result.value as {
      out: Record<string, string>;
      states: Record<string, string>;
    };
    expect(out['control: read ~/notes.txt']).toBe('ALLOWED mine');
    for (const [attempt, outcome] of Object.entries(out)) {
      if (attempt.startsWith('control')) continue;
      expect(`${attempt}: ${outcome}`).toBe(`${attempt}: EPERM/policy`);
    }
    // permissions.query/request tell the same answer, and nobody is asked.
    expect(states).toEqual({
      'control: query ~/notes.txt': 'prompt',
      'query grants': 'denied',
      'request write to grants': 'denied',
    });
    expect(fs.readFileSync(path.join(dataDir, 'grants.json'), 'utf8')).toBe(before);
    expect(fs.existsSync(path.join(ROOT, 'dist', 'sandbox', 'probe.cjs'))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, 'extensions', 'evil'))).toBe(false);
    expect(fs.readFileSync(path.join(home, 'notes.txt'), 'utf8')).toBe('mine');
  });

  it('the victim still has its data afterwards', async () => {
    const dirs = fs.readdirSync(path.join(dataDir, 'data'));
    expect(dirs.some((d) => d.includes('good.victim'))).toBe(true);
  });
});
