// Auto-rollback counts activation failures (an update whose activate() throws), from
// `warden run <installed-id>` as well as `warden serve`, and shows the version actually running.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import { serveCli } from '../helpers/serve-cli';
import { generateKeyPair, makePackage } from '../fixtures/packages/tools';

const work = tempDir('warden-rb-activation-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const BROKEN = `exports.activate = () => { throw new Error('broken update'); };`;
let good: string;
let broken: string;

beforeAll(async () => {
  const key = generateKeyPair();
  good = await makePackage(work, key, { version: '1.0.0' });
  broken = await makePackage(work, key, { version: '2.0.0', source: BROKEN });
});

async function installBrokenUpdate(home: string) {
  const cli = (...args: string[]) => runCli([...args, '--data-dir', home], { WARDEN_MACHINE_POLICY: '' });
  expect((await cli('install', '--yes', good)).code).toBe(0);
  expect((await cli('update', '--yes', 'acme.hello', broken)).stdout).toMatch(/updated acme\.hello 1\.0\.0 → 2\.0\.0/);
  return cli;
}

describe('auto-rollback of an update that fails to activate', () => {
  it('warden run: the third failed activation rolls back and runs the command on the previous version', async () => {
    const cli = await installBrokenUpdate(path.join(work, 'home-run'));
    for (let i = 1; i <= 2; i++) {
      const r = await cli('run', 'acme.hello', 'hello');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/broken update/);
    }
    const third = await cli('run', 'acme.hello', 'hello');
    expect(third.stderr).toMatch(/acme\.hello 2\.0\.0 failed to activate 3 times .*; rolled back to 1\.0\.0/);
    expect(third.stdout).toBe('hello from 1.0.0\n');
    expect(third.code).toBe(0);
    const list = await cli('list');
    expect(list.stdout).toMatch(/acme\.hello\s+1\.0\.0\s+enabled\s+rolled back from 2\.0\.0/);
    expect((await cli('run', 'acme.hello', 'hello')).stdout).toBe('hello from 1.0.0\n');
  });

  it('warden serve: failed activations roll back and the panel shows the version running', async () => {
    const home = path.join(work, 'home-serve');
    await installBrokenUpdate(home);
    const s = await serveCli(['--data-dir', home]);
    try {
      const run = (runId: string) =>
        s.call('commands.run', { runId, extensionId: 'acme.hello', commandId: 'hello', args: {} });
      for (let i = 1; i <= 3; i++) expect(await run(`r${i}`)).toMatchObject({ ok: false });
      await vi
        .waitFor(
          async () => {
            const list = (await s.call('extensions.list')).value as Array<{ id: string; version: string }>;
            expect(list.find((e) => e.id === 'acme.hello')?.version).toBe('1.0.0');
          },
          { timeout: 15_000, interval: 250 },
        )
        .catch((err: unknown) => {
          throw new Error(`${String(err)}\n${s.stderr()}`);
        });
      expect(await run('r4')).toMatchObject({
        ok: true,
        value: { result: { type: 'text', text: 'hello from 1.0.0' } },
      });
    } finally {
      await s.stop();
    }
  });
});
