// The administrator's policy against packages, through the real CLI and `warden serve`:
// `extensions.forbid` at install, load and run; publisher rules for signed installs (by the
// signed publisher name and by key fingerprint).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import { serveCli } from '../helpers/serve-cli';
import { generateKeyPair, makePackage, writeExt } from '../fixtures/packages/tools';

const work = fs.realpathSync(tempDir('warden-policy-pkg-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const docs = path.join(work, 'docs');
const note = path.join(docs, 'note.txt');
const keyA = generateKeyPair();
const shadyKey = generateKeyPair();
const READ = `exports.activate = () => host.commands.register('read', ({ file }) => host.fs.readText(file));`;

let home: string;
const cli = (...args: string[]) => runCli([...args, '--data-dir', home], { WARDEN_MACHINE_POLICY: '' });
const setPolicy = (p: unknown) => fs.writeFileSync(path.join(home, 'policy.json'), JSON.stringify(p));
const runRead = (id: string) =>
  cli('run', id, 'read', '--args', JSON.stringify({ file: note }), '--allow', `fs.read=${docs}`, '--json');

let evil: string;
let evilOther: string;
let shady: string;
let shadyOther: string;
beforeAll(async () => {
  fs.mkdirSync(docs);
  fs.writeFileSync(note, 'hello');
  evil = await makePackage(work, keyA, { id: 'evil.tool' });
  evilOther = await makePackage(work, keyA, { id: 'evil.other' });
  const shadySpec = { commands: ['read'], permissions: { 'fs.read': [`${docs}/**`] }, source: READ };
  shady = await makePackage(work, shadyKey, { id: 'shady.reader', ...shadySpec });
  // Same key, another publisher name: a ban by key still catches it.
  shadyOther = await makePackage(work, shadyKey, { id: 'renamed.reader', ...shadySpec });
});

describe('extensions.forbid', () => {
  it('refuses install (signed and --dev), run of a folder or an installed id; list says why; uninstall still works', async () => {
    home = tempDir('warden-policy-home-');
    expect((await cli('install', '--yes', evil)).code).toBe(0);
    setPolicy({ version: 1, extensions: { forbid: ['evil.*'] } });

    const run = await cli('run', 'evil.tool', 'hello');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/policy forbids evil\.tool \(extensions\.forbid\)/);
    const list = await cli('list');
    expect(list.stdout).toMatch(/evil\.tool\s+1\.0\.0\s+forbidden/);
    const json = JSON.parse((await cli('list', '--json')).stdout) as Array<{ id: string; forbidden?: string }>;
    expect(json[0]).toMatchObject({ id: 'evil.tool', forbidden: expect.stringMatching(/extensions\.forbid/) });

    const inst = await cli('install', '--yes', evilOther);
    expect(inst.code).toBe(2);
    expect(inst.stderr).toMatch(/policy forbids evil\.other/);
    const dev = await cli('install', '--yes', '--dev', writeExt(work, { id: 'evil.dev' }));
    expect(dev.code).toBe(2);
    expect(dev.stderr).toMatch(/policy forbids evil\.dev/);
    const folder = await cli('run', writeExt(work, { id: 'evil.folder' }), 'hello');
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/policy forbids evil\.folder/);
    expect(folder.stdout).toBe('');

    expect((await cli('uninstall', 'evil.tool')).code).toBe(0);
    expect(JSON.parse((await cli('list', '--json')).stdout)).toEqual([]);
  });

  it('warden serve shows a forbidden installed extension with the reason and never runs it', async () => {
    home = tempDir('warden-policy-home-');
    expect((await cli('install', '--yes', evil)).code).toBe(0);
    setPolicy({ version: 1, extensions: { forbid: ['evil.tool'] } });
    const s = await serveCli(['--data-dir', home]);
    try {
      const list = await s.call('extensions.list');
      expect(list.ok).toBe(true);
      const item = (list.value as Array<{ id: string; blocked?: string; state: string }>).find(
        (e) => e.id === 'evil.tool',
      );
      expect(item?.blocked).toMatch(/policy forbids evil\.tool/);
      const run = await s.call('commands.run', { runId: 'r1', extensionId: 'evil.tool', commandId: 'hello', args: {} });
      expect(run).toMatchObject({ ok: false, error: { code: 'EPERM' } });
      expect(run.error?.message).toMatch(/policy forbids evil\.tool/);
      const inst = await s.call('extensions.install', { source: 'file', path: evilOther });
      expect(inst.ok).toBe(true); // evil.other is not forbidden by this policy
      setPolicy({ version: 1, extensions: { forbid: ['evil.*'] } });
    } finally {
      expect(await s.stop()).toBe(0);
    }
    const again = await serveCli(['--data-dir', home]);
    try {
      const inst = await again.call('extensions.install', {
        source: 'folder',
        path: writeExt(work, { id: 'evil.dev' }),
      });
      expect(inst).toMatchObject({ ok: false });
      expect(inst.error?.message).toMatch(/policy forbids evil\.dev/);
      const list = (await again.call('extensions.list')).value as Array<{ id: string; blocked?: string }>;
      expect(list.map((e) => [e.id, /policy forbids/.test(e.blocked ?? '')])).toEqual([
        ['evil.other', true],
        ['evil.tool', true],
      ]);
    } finally {
      await again.stop();
    }
  });
});

describe('publisher rules reach signed installs', () => {
  it('by the signed publisher name and by key fingerprint', async () => {
    home = tempDir('warden-policy-home-');
    expect((await cli('install', '--yes', shady)).code).toBe(0);
    const ok = await runRead('shady.reader');
    expect(JSON.parse(ok.stdout), ok.stderr).toMatchObject({ ok: true, result: { type: 'text', text: 'hello' } });

    setPolicy({ version: 1, forbid: [{ capability: 'fs.read', publishers: ['shady'] }] });
    const byName = await runRead('shady.reader');
    expect(JSON.parse(byName.stdout)).toMatchObject({ ok: false, error: { code: 'EPERM', reason: 'policy' } });

    setPolicy({
      version: 1,
      forbid: [{ capability: 'fs.read', publishers: [`${shadyKey.fingerprint.slice(0, 12)}*`] }],
    });
    const byKey = await runRead('shady.reader');
    expect(JSON.parse(byKey.stdout)).toMatchObject({ ok: false, error: { code: 'EPERM', reason: 'policy' } });

    // A rule naming only the publisher (no capability, no targets) bans its extensions outright.
    setPolicy({ version: 1, forbid: [{ publishers: [shadyKey.fingerprint], note: 'compromised key' }] });
    const banned = await cli('run', 'shady.reader', 'read', '--args', JSON.stringify({ file: note }));
    expect(banned.code).toBe(2);
    expect(banned.stderr).toMatch(/policy forbids publisher shady's extensions \(compromised key\)/);
    const other = await cli('install', '--yes', shadyOther);
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/policy forbids publisher renamed's extensions/);
  });
});
