// The package commands as a user runs them: the built CLI, real files, real processes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../extensions/sdk/cli/main';
import { BOOTSTRAP, runCli, tempDir } from '../helpers/sandbox';
import { writeExt, rewrite } from '../fixtures/packages/tools';

let work: string;
let keyFile: string;
let home: string;
beforeAll(() => {
  work = tempDir('warden-pkgcli-');
  home = path.join(work, 'home');
  keyFile = path.join(work, 'keys', 'me.key');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const cli = (...args: string[]) => runCli([...args, '--data-dir', home]);
const plain = (...args: string[]) => runCli(args);
/** What install/update print after the security brief (the outcome line). */
const outcome = (stdout: string) => stdout.replace(/^Security brief:[\s\S]*?\nadvisories[^\n]*\n(?: {2}[^\n]*\n)*/, '');

describe('warden keygen / pack / verify', () => {
  it('creates a 0600 key and its .pub, and refuses to overwrite them', async () => {
    const r = await plain('keygen', '--out', keyFile);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/fingerprint: [0-9a-f]{64}/);
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(`${keyFile}.pub`, 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    const again = await plain('keygen', '--out', keyFile);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists \(not overwriting a key\)/);
  });

  it('refuses a private key readable by others', async () => {
    const loose = path.join(work, 'loose.key');
    fs.copyFileSync(keyFile, loose);
    fs.chmodSync(loose, 0o644);
    const r = await plain('pack', writeExt(work), '--key', loose, '--out', path.join(work, 'x.wext'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/readable by others \(mode 644\); run: chmod 600/);
  });

  it('packs byte-identical output twice, verifies it, and exits 2 with one line on tampering', async () => {
    const dir = writeExt(work, { version: '1.0.0', extra: { '.env': 'TOKEN=secret', 'node_modules/x/index.js': '1' } });
    const a = path.join(work, 'a.wext');
    const b = path.join(work, 'b.wext');
    expect((await plain('pack', dir, '--key', keyFile, '--out', a)).code).toBe(0);
    expect((await plain('pack', dir, '--key', keyFile, '--out', b)).code).toBe(0);
    expect(fs.readFileSync(a).equals(fs.readFileSync(b))).toBe(true);
    const v = await plain('verify', a);
    expect(v.code, v.stderr).toBe(0);
    const fpr = (await plain('keygen', '--out', path.join(work, 'unused.key'))).code; // unrelated: just another key
    expect(fpr).toBe(0);
    expect(v.stdout).toMatch(
      /^ok: acme\.hello 1\.0\.0 \(signature and 3 file hashes verified\)\nSecurity brief: Hello acme\.hello \(acme\.hello\), install 1\.0\.0\nrisk: +LOW\n/,
    );
    expect(v.stdout).toMatch(/\npublisher: +acme\nsignature: +signed, key [0-9a-f]{64}\nkey: +first seen/);
    expect(v.stdout).toContain('\n  • read files in Documents and every folder inside it  [fs.read ~/Documents/**]\n');
    expect(v.stdout).toMatch(/\nno bill of materials\n$/);
    const bad = rewrite(
      a,
      (files) => files.map((f) => (f.path === 'dist/extension.js' ? { ...f, data: Buffer.from('x') } : f)),
      path.join(work, 'bad.wext'),
    );
    const t = await plain('verify', bad);
    expect(t.code).toBe(2);
    expect(t.stderr).toBe('warden: dist/extension.js does not match its signed hash (tampered)\n');
  });
});

describe('warden install / list / run / update / approve / rollback / uninstall', () => {
  it('walks the whole life cycle', async () => {
    const p1 = path.join(work, 'v1.wext');
    const p2 = path.join(work, 'v2.wext');
    expect((await plain('pack', writeExt(work, { version: '1.0.0' }), '--key', keyFile, '--out', p1)).code).toBe(0);
    const wide = writeExt(work, {
      version: '2.0.0',
      permissions: { 'fs.read': ['~/Documents/**'], secrets: ['API_TOKEN'] },
    });
    expect((await plain('pack', wide, '--key', keyFile, '--out', p2)).code).toBe(0);

    expect((await cli('list')).stdout).toBe('no extensions installed\n');
    const inst = await cli('install', '--yes', p1);
    expect(inst.code, inst.stderr).toBe(0);
    expect(outcome(inst.stdout)).toMatch(
      /^installed acme\.hello 1\.0\.0 \(publisher key [0-9a-f]{16}…\)\n {2}no bill of materials\n$/,
    );
    const run1 = await cli('run', 'acme.hello', 'hello');
    expect(run1.code, run1.stderr).toBe(0);
    expect(run1.stdout).toBe('hello from 1.0.0\n');
    expect(run1.stderr).toBe('');

    const up = await cli('update', '--yes', 'acme.hello', p2);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(
      /permissions compared with 1\.0\.0:\n {2}\+ use your secret "API_TOKEN" {2}\[secrets API_TOKEN\]\n/,
    );
    expect(outcome(up.stdout)).toBe(
      'acme.hello 2.0.0 asks for more permissions than 1.0.0:\n  + secrets: API_TOKEN\n' +
        '1.0.0 stays active; to switch, run: warden approve acme.hello\n',
    );
    expect((await cli('list')).stdout).toMatch(
      /acme\.hello\s+1\.0\.0\s+enabled\s+update 2\.0\.0 awaits approval\s+1\.0\.0/,
    );
    expect((await cli('run', 'acme.hello', 'hello')).stdout).toBe('hello from 1.0.0\n');
    expect((await cli('approve', 'acme.hello')).stdout).toMatch(/^updated acme\.hello 1\.0\.0 → 2\.0\.0/);
    expect((await cli('run', 'acme.hello', 'hello')).stdout).toBe('hello from 2.0.0\n');
    const listed = JSON.parse((await cli('list', '--json')).stdout);
    expect(listed[0]).toMatchObject({ id: 'acme.hello', version: '2.0.0', kept: ['2.0.0', '1.0.0'], unsigned: false });

    const replay = await cli('update', '--yes', 'acme.hello', p1);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toBe(
      'warden: acme.hello 1.0.0 is not higher than 2.0.0, already installed (an old version replayed?)\n',
    );

    expect((await cli('rollback', 'acme.hello')).stdout).toBe('rolled back acme.hello 2.0.0 → 1.0.0\n');
    expect((await cli('run', 'acme.hello', 'hello')).stdout).toBe('hello from 1.0.0\n');
    expect((await cli('uninstall', 'acme.hello')).stdout).toBe('uninstalled acme.hello 1.0.0\n');
    const gone = await cli('run', 'acme.hello', 'hello');
    expect(gone.code).toBe(2);
    expect(gone.stderr).toBe('warden: acme.hello is neither an extension folder nor an installed extension\n');
    const audit = await cli('audit', '--extension', 'acme.hello', '--json');
    const details = audit.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { detail?: string }).detail)
      .join('\n');
    expect(details).toMatch(
      /installed 1\.0\.0[\s\S]*approved update 1\.0\.0 → 2\.0\.0[\s\S]*rolled back 2\.0\.0 → 1\.0\.0[\s\S]*uninstalled 1\.0\.0/,
    );
  });

  it('installs an unsigned developer copy with --dev, marked unsigned in list', async () => {
    const dir = writeExt(work, { id: 'acme.devtool', version: '0.1.0' });
    const r = await cli('install', '--yes', '--dev', dir);
    expect(r.code, r.stderr).toBe(0);
    expect(outcome(r.stdout)).toBe('installed acme.devtool 0.1.0 (unsigned, developer mode)\n');
    expect((await cli('list')).stdout).toMatch(/acme\.devtool\s+0\.1\.0\s+enabled\s+unsigned\s+0\.1\.0/);
    expect((await cli('run', 'acme.devtool', 'hello')).stdout).toBe('hello from 0.1.0\n');
    await cli('uninstall', 'acme.devtool');
  });

  it('says "developer mode" once when a folder runs directly on a terminal', async () => {
    const dir = writeExt(work, { id: 'acme.direct' });
    let stderr = '';
    const code = await main(['run', dir, 'nope', '--data-dir', home], {
      stdout: () => {},
      stderr: (t) => (stderr += t),
      isTTY: true,
      stdinIsTTY: false,
      bootstrapPath: BOOTSTRAP,
    });
    expect(code).toBe(2);
    expect(stderr.split('\n')[0]).toBe(`warden: running unsigned extension from ${dir} (developer mode)`);
    expect(stderr.match(/developer mode/g)).toHaveLength(1);
  });
});

describe('warden catalog build / search / install <id>', () => {
  it('builds a signed index and installs from it by id, trusting the key from config.json or a flag', async () => {
    const repo = path.join(work, 'repo');
    fs.mkdirSync(repo);
    expect(
      (
        await plain(
          'pack',
          writeExt(work, { id: 'acme.words', version: '1.2.0' }),
          '--key',
          keyFile,
          '--out',
          path.join(repo, 'words.wext'),
        )
      ).code,
    ).toBe(0);
    const built = await plain('catalog', 'build', repo, '--key', keyFile);
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout).toMatch(/^wrote .*index\.json: index version 1, 1 packages, 0 blocked, expires \d{4}-/);

    const untrusted = await cli('search', 'words', '--catalog', repo);
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(/no trusted catalog keys/);

    const s = await cli('search', 'words', '--catalog', repo, '--trust-catalog-key', `${keyFile}.pub`);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/acme\.words\s+1\.2\.0\s+Hello acme\.words\s+acme/);

    fs.mkdirSync(home, { recursive: true });
    fs.writeFileSync(
      path.join(home, 'config.json'),
      JSON.stringify({ catalogKeys: [fs.readFileSync(`${keyFile}.pub`, 'utf8').trim()], catalog: repo }),
    );
    const i = await cli('install', '--yes', 'acme.words');
    expect(i.code, i.stderr).toBe(0);
    expect(outcome(i.stdout)).toMatch(/^installed acme\.words 1\.2\.0/);

    // Block it in a new index: it is marked blocked and will not run.
    expect((await plain('catalog', 'build', repo, '--key', keyFile, '--block', 'acme.words@1.2.0')).code).toBe(0);
    const s2 = await cli('search', '', '--json');
    expect(JSON.parse(s2.stdout)).toEqual([expect.objectContaining({ id: 'acme.words', blocked: true })]);
    expect((await cli('list')).stdout).toMatch(/acme\.words\s+1\.2\.0\s+blocked\s+blocked/);
    const run = await cli('run', 'acme.words', 'hello');
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('warden: acme.words@1.2.0 is blocklisted by a trusted catalog; it will not run\n');
  });
});
