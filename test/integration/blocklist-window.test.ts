// The moment between a catalog refresh recording a block (state.json) and the host stopping the
// extension's process: a command arriving then must be refused as blocked (EPERM), not run and
// not fail some other way. The window is opened deterministically by writing the block into the
// registry's state the way a refresh does, with no refresh of the host's own record after it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BOOTSTRAP, CODE_CACHE, tempDir } from '../helpers/sandbox';
import { createAppHost, type AppHost } from '../../electron/core/app/app-host';
import { createForkLauncher } from '../../electron/core/process/fork-launcher';
import { acquireLock, readState, writeState } from '../../electron/core/packages/install-state';
import { generateKeyPair, makePackage } from '../fixtures/packages/tools';

const work = tempDir('warden-blockwindow-');
const dataDir = path.join(work, 'home');
let host: AppHost;

beforeAll(async () => {
  fs.mkdirSync(dataDir, { recursive: true });
  host = createAppHost({
    dataDir,
    launcher: createForkLauncher({ bootstrapPath: BOOTSTRAP, codeCacheDir: CODE_CACHE }),
    mode: 'headless',
    version: '0.0.0-test',
    catalogRefreshMs: 3_600_000,
  });
  await host.start();
  const pkg = await makePackage(work, generateKeyPair(), { version: '2.0.0' });
  expect(await host.handle('extensions.install', { source: 'file', path: pkg })).toMatchObject({ ok: true });
});

afterAll(async () => {
  await host?.close();
  fs.rmSync(work, { recursive: true, force: true });
});

const hello = (runId: string) =>
  host.handle('commands.run', { runId, extensionId: 'acme.hello', commandId: 'hello', args: {} });

describe('a block recorded by the registry', () => {
  it('refuses the next command with EPERM before the host has stopped the process', async () => {
    expect(await hello('a')).toMatchObject({ ok: true, value: { result: { type: 'text', text: 'hello from 2.0.0' } } });
    const lock = await acquireLock(dataDir);
    try {
      const state = await readState(dataDir);
      state.blocklist.push({ id: 'acme.hello', version: '2.0.0', catalog: '0123456789abcdef' });
      await writeState(dataDir, state);
    } finally {
      await lock.release();
    }
    const refused = await hello('b');
    expect(refused).toMatchObject({ ok: false, error: { code: 'EPERM' } });
    expect(JSON.stringify(refused)).toMatch(/blocklisted/);
  });
});
