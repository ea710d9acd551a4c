// Publisher key pins outlive `uninstall`: a reinstall signed by another key is refused unless the
// user says so with --accept-new-key. Through the real CLI.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import { generateKeyPair, makePackage } from '../fixtures/packages/tools';

const work = tempDir('warden-pins-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const home = path.join(work, 'home');
const cli = (...args: string[]) => runCli([...args, '--data-dir', home], { WARDEN_MACHINE_POLICY: '' });

describe('pinned publisher keys', () => {
  it('survive uninstall; another key needs --accept-new-key, which says what it means', async () => {
    const keyA = generateKeyPair();
    const keyB = generateKeyPair();
    const byA = await makePackage(work, keyA, { id: 'acme.pinned', version: '1.0.0' }, 'a.wext');
    const byB = await makePackage(work, keyB, { id: 'acme.pinned', version: '1.0.0' }, 'b.wext');

    expect((await cli('install', '--yes', byA)).code).toBe(0);
    expect((await cli('uninstall', 'acme.pinned')).stdout).toMatch(/^uninstalled acme\.pinned 1\.0\.0/);

    const swapped = await cli('install', '--yes', byB);
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toContain(`signed by key ${keyB.fingerprint.slice(0, 16)}`);
    expect(swapped.stderr).toContain(`key ${keyA.fingerprint.slice(0, 16)}… pinned`);
    expect(swapped.stderr).toMatch(/--accept-new-key/);
    expect((await cli('list')).stdout).toBe('no extensions installed\n');

    // The same key reinstalls without ceremony.
    expect((await cli('install', '--yes', byA)).code).toBe(0);
    expect((await cli('uninstall', 'acme.pinned')).code).toBe(0);

    const accepted = await cli('install', '--yes', byB, '--accept-new-key');
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toMatch(/^installed acme\.pinned 1\.0\.0/m);
    expect(accepted.stderr).toMatch(/replaced the pinned publisher key .* of acme\.pinned/);
    expect((await cli('run', 'acme.pinned', 'hello')).stdout).toBe('hello from 1.0.0\n');
    // From now on B is the pin: A is the stranger.
    expect((await cli('uninstall', 'acme.pinned')).code).toBe(0);
    expect((await cli('install', '--yes', byA)).code).toBe(2);

    const help = await runCli(['help']);
    expect(help.stdout).toMatch(/--accept-new-key\s+[^\n]*\n?[^\n]*trust a different publisher key/i);
  });
});
