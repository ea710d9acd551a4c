// The security brief before install and update, through the built CLI (issue 14 item 3): it is
// printed, the user is asked on a terminal (a real pty through `script`), nothing is installed or
// pinned before "y", and with no terminal only --yes installs.
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../extensions/sdk/cli/main';
import { BOOTSTRAP, CLI, runCli, tempDir } from '../helpers/sandbox';
import { generateKeyPair, makePackage, writeExt } from '../fixtures/packages/tools';
import type { KeyPair } from '../../electron/core/packages';

let work: string;
let key: KeyPair;
let other: KeyPair;
let wide: string;
beforeAll(async () => {
  work = tempDir('warden-brief-');
  key = generateKeyPair();
  other = generateKeyPair();
  wide = await makePackage(
    work,
    key,
    {
      id: 'acme.wide',
      permissions: { 'fs.read': ['~/**'], net: ['https://api.github.com/**'], notifications: true },
    },
    'wide.wext',
  );
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** Runs the CLI on a real pseudo-terminal (util-linux `script`), typing `answer` at its prompt. */
function onTerminal(args: string[], answer: string): Promise<{ code: number; out: string }> {
  const cmd = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  return new Promise((resolve) => {
    const child = execFile('script', ['-qec', cmd, '/dev/null'], { timeout: 60_000 }, (err, stdout) =>
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: stdout }),
    );
    // Typed once the question is on screen (a pty drops input sent before the program reads).
    let seen = '';
    let typed = false;
    child.stdout!.on('data', (c: Buffer) => {
      seen += c.toString();
      if (!typed && seen.includes('[y/N]')) {
        typed = true;
        child.stdin!.write(`${answer}\n`);
      }
    });
  });
}

const storeOf = (dataDir: string) => {
  const root = path.join(dataDir, 'extensions');
  return fs.existsSync(root) ? fs.readdirSync(root) : [];
};
const pinsOf = (dataDir: string): Record<string, unknown> => {
  const file = path.join(dataDir, 'extensions', 'state.json');
  return fs.existsSync(file)
    ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { pins: Record<string, unknown> }).pins
    : {};
};

describe('warden install: the brief, then consent', () => {
  it('verify prints the brief in words with a risk level and its reasons', async () => {
    const v = await runCli(['verify', wide, '--data-dir', path.join(work, 'verify-home')]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(
      /\nrisk: +HIGH\n {2}- it may reach files across your whole home folder \(~\/\*\*\) \(rule H1\)\n/,
    );
    expect(v.stdout).toContain('  • read any file in your home folder  [fs.read ~/**]');
    expect(v.stdout).toContain('  • connect to api.github.com  [net https://api.github.com/**]');
    expect(v.stdout).toContain('  • show notifications');
    expect(v.stdout).toMatch(/key: +first seen/);
    expect(v.stdout).toContain('limits:\n  • memory: up to 128 MB');
    const json = JSON.parse(
      (await runCli(['verify', wide, '--json', '--data-dir', path.join(work, 'verify-home')])).stdout,
    );
    expect(json.brief).toMatchObject({ kind: 'install', id: 'acme.wide', risk: { level: 'high' } });
  });

  it('with no terminal and no --yes: refuses (exit 2), installs and pins nothing', async () => {
    const home = path.join(work, 'no-tty');
    const r = await runCli(['install', wide, '--data-dir', home]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/^Security brief: Hello acme\.wide \(acme\.wide\), install 1\.0\.0\n/);
    expect(r.stderr).toMatch(/^warden: not installed: there is no terminal to ask .*pass --yes/);
    expect(storeOf(home)).toEqual([]);
    expect(pinsOf(home)).toEqual({});
    const yes = await runCli(['install', wide, '--yes', '--data-dir', home]);
    expect(yes.code, yes.stderr).toBe(0);
    expect(yes.stdout).toMatch(/\ninstalled acme\.wide 1\.0\.0 \(publisher key [0-9a-f]{16}…\)\n$/);
    expect(Object.keys(pinsOf(home))).toEqual(['acme.wide']);
  });

  it.skipIf(!hasScript)('on a terminal: "n" installs and pins nothing; "y" installs', async () => {
    const home = path.join(work, 'tty');
    const no = await onTerminal(['install', wide, '--data-dir', home], 'n');
    expect(no.out).toContain('Install? [y/N]');
    expect(no.out).toContain('not installed: you declined');
    expect(no.code).toBe(1);
    expect(storeOf(home)).toEqual([]);
    expect(pinsOf(home)).toEqual({});
    const yes = await onTerminal(['install', wide, '--data-dir', home], 'y');
    expect(yes.code, yes.out).toBe(0);
    expect(yes.out).toMatch(/installed acme\.wide 1\.0\.0/);
    expect(Object.keys(pinsOf(home))).toEqual(['acme.wide']);
    expect(fs.readdirSync(path.join(home, 'extensions', 'acme.wide'))).toContain('1.0.0');
  });

  it('through main(): an empty answer declines; --dev briefs an unsigned copy too', async () => {
    const home = path.join(work, 'main');
    let out = '';
    const ctx = (answer: string | null) => ({
      stdout: (t: string) => (out += t),
      stderr: (t: string) => (out += t),
      isTTY: true,
      stdinIsTTY: true,
      readLine: async () => answer,
      bootstrapPath: BOOTSTRAP,
    });
    const dir = writeExt(work, { id: 'acme.dev', permissions: { secrets: ['API_TOKEN'] } });
    expect(await main(['install', '--dev', dir, '--data-dir', home], ctx(''))).toBe(1);
    expect(out).toMatch(
      /risk: +MEDIUM\n {2}- it may use your secrets \(API_TOKEN\) \(rule M4\)\n {2}- it is an unsigned developer copy/,
    );
    expect(out).toContain('signature:  none — an unsigned developer copy');
    expect(storeOf(home)).toEqual([]);
    out = '';
    expect(await main(['install', '--dev', dir, '--data-dir', home], ctx('yes'))).toBe(0);
    expect(out).toMatch(/installed acme\.dev 1\.0\.0 \(unsigned, developer mode\)\n$/);
  });

  it('a key other than the pinned one is refused before asking, naming --accept-new-key', async () => {
    const home = path.join(work, 'rekey');
    const a = await makePackage(work, key, { id: 'acme.rekey' }, 'rekey-a.wext');
    const b = await makePackage(work, other, { id: 'acme.rekey' }, 'rekey-b.wext');
    expect((await runCli(['install', a, '--yes', '--data-dir', home])).code).toBe(0);
    expect((await runCli(['uninstall', 'acme.rekey', '--data-dir', home])).code).toBe(0);
    const r = await runCli(['install', b, '--yes', '--data-dir', home]);
    expect(r.code).toBe(2);
    expect(r.stdout).toMatch(/risk: +HIGH\n {2}- it is signed by a different key than the one pinned .*\(rule H4\)/);
    expect(r.stdout).toMatch(/key: +DIFFERENT from the key pinned on \d{4}-\d\d-\d\d/);
    expect(r.stderr).toMatch(/nothing was installed.*--accept-new-key/);
    expect((pinsOf(home)['acme.rekey'] as { fingerprint: string }).fingerprint).toBe(key.fingerprint);
  });
});

describe('warden update: the permission diff in words', () => {
  it('shows added and removed permissions; --yes leaves wider ones to approve, "y" on a terminal allows them', async () => {
    const home = path.join(work, 'update');
    const v1 = await makePackage(
      work,
      key,
      { id: 'acme.up', version: '1.0.0', permissions: { 'fs.read': ['~/Documents/**'], notifications: true } },
      'up1.wext',
    );
    const v2 = await makePackage(
      work,
      key,
      {
        id: 'acme.up',
        version: '2.0.0',
        permissions: { 'fs.read': ['~/Documents/**'], net: ['https://api.github.com/**'] },
      },
      'up2.wext',
    );
    expect((await runCli(['install', v1, '--yes', '--data-dir', home])).code).toBe(0);
    const r = await runCli(['update', 'acme.up', v2, '--yes', '--data-dir', home]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Security brief: Hello acme\.up \(acme\.up\), update 1\.0\.0 → 2\.0\.0\n/);
    expect(r.stdout).toMatch(/key: +pinned since \d{4}-\d\d-\d\d \(the same key as before\)/);
    expect(r.stdout).toContain(
      'permissions compared with 1.0.0:\n' +
        '  + connect to api.github.com  [net https://api.github.com/**]\n' +
        '  - show notifications\n',
    );
    expect(r.stdout).toMatch(/- this update asks for 1 permission more \(rule M7\)/);
    expect(r.stdout).toMatch(/2\.0\.0 asks for more permissions than 1\.0\.0:[\s\S]*warden approve acme\.up\n$/);

    if (!hasScript) return;
    const home2 = path.join(work, 'update-tty');
    expect((await runCli(['install', v1, '--yes', '--data-dir', home2])).code).toBe(0);
    const no = await onTerminal(['update', 'acme.up', v2, '--data-dir', home2], 'n');
    expect(no.out).toContain('Update and allow the added permissions? [y/N]');
    expect(no.code).toBe(1);
    const state = () => JSON.parse(fs.readFileSync(path.join(home2, 'extensions', 'state.json'), 'utf8'));
    expect(state().extensions['acme.up']).toMatchObject({ active: '1.0.0' });
    expect(state().extensions['acme.up'].pending).toBeUndefined();
    const yes = await onTerminal(['update', 'acme.up', v2, '--data-dir', home2], 'y');
    expect(yes.code, yes.out).toBe(0);
    expect(yes.out).toMatch(/updated acme\.up 1\.0\.0 → 2\.0\.0/);
    expect(state().extensions['acme.up']).toMatchObject({ active: '2.0.0' });
  });
});
