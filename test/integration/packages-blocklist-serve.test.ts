// The catalog blocklist reaches a running host: `warden serve` re-reads the trusted catalog at
// start and periodically; a newly blocked installed version stops at once, is shown with its
// reason (panel and `warden list`), stays visible after a restart, and can be rolled back or
// uninstalled. The real CLI and a real served bridge.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import { serveCli, type Served } from '../helpers/serve-cli';
import { generateKeyPair, packTo, writeExt } from '../fixtures/packages/tools';

const work = tempDir('warden-blockserve-');
const home = path.join(work, 'home');
const cat = path.join(work, 'catalog');
const catKey = path.join(work, 'keys', 'catalog.key');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const cli = (...args: string[]) => runCli([...args, '--data-dir', home], { WARDEN_MACHINE_POLICY: '' });

interface Summary {
  id: string;
  version: string;
  state: string;
  blocked?: string;
  rollbackTo?: string;
}
const listed = async (s: Served) =>
  ((await s.call('extensions.list')).value as Summary[]).find((e) => e.id === 'acme.hello');
const hello = (s: Served, runId: string) =>
  s.call('commands.run', { runId, extensionId: 'acme.hello', commandId: 'hello', args: {} });

beforeAll(async () => {
  fs.mkdirSync(cat, { recursive: true });
  fs.mkdirSync(home, { recursive: true });
  const key = generateKeyPair();
  await packTo(writeExt(work, { version: '1.0.0' }), key, cat);
  await packTo(writeExt(work, { version: '2.0.0' }), key, cat);
  expect((await runCli(['keygen', '--out', catKey])).code).toBe(0);
  expect((await runCli(['catalog', 'build', cat, '--key', catKey])).code).toBe(0);
  const pub = fs.readFileSync(`${catKey}.pub`, 'utf8').trim();
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ catalog: cat, catalogKeys: [pub] }));
  expect((await cli('install', '--yes', path.join(cat, 'acme.hello-1.0.0.wext'))).code).toBe(0);
  expect((await cli('update', '--yes', 'acme.hello', path.join(cat, 'acme.hello-2.0.0.wext'))).code).toBe(0);
});

describe('the blocklist reaches warden serve', () => {
  it('stops a version blocked mid-session, shows why, survives a restart, and rolls back', async () => {
    const s = await serveCli(['--data-dir', home, '--catalog-refresh', '1']);
    try {
      expect(await hello(s, 'a')).toMatchObject({
        ok: true,
        value: { result: { type: 'text', text: 'hello from 2.0.0' } },
      });
      expect((await runCli(['catalog', 'build', cat, '--key', catKey, '--block', 'acme.hello@2.0.0'])).code).toBe(0);
      await vi.waitFor(async () => expect((await listed(s))?.blocked).toMatch(/blocklisted by a trusted catalog/), {
        timeout: 20_000,
        interval: 250,
      });
      const item = await listed(s);
      expect(item).toMatchObject({ version: '2.0.0', rollbackTo: '1.0.0' });
      expect(item?.state).not.toBe('running');
      const refused = await hello(s, 'b');
      expect(refused).toMatchObject({ ok: false, error: { code: 'EPERM' } });
      expect(refused.error?.message).toMatch(/blocklisted/);
      const list = await cli('list');
      expect(list.stdout).toMatch(/acme\.hello\s+2\.0\.0\s+blocked\s+blocked\s/);
      expect(list.stdout).toMatch(
        /\nacme\.hello: acme\.hello@2\.0\.0 is blocklisted by a trusted catalog \(key [0-9a-f]{16}…\); it will not run: roll it back or uninstall it\n/,
      );
    } finally {
      const code = await s.stop();
      expect(code, s.stderr()).toBe(0);
    }

    const again = await serveCli(['--data-dir', home]);
    try {
      expect((await listed(again))?.blocked).toMatch(/blocklisted by a trusted catalog/);
      const rb = await again.call('extensions.rollback', { id: 'acme.hello' });
      expect(rb).toMatchObject({ ok: true, value: { version: '1.0.0' } });
      expect(await listed(again)).toMatchObject({ version: '1.0.0' });
      expect((await listed(again))?.blocked).toBeUndefined();
      expect(await hello(again, 'c')).toMatchObject({
        ok: true,
        value: { result: { type: 'text', text: 'hello from 1.0.0' } },
      });
    } finally {
      await again.stop();
    }
  });

  it('re-reads the catalog at start: a version blocked while it was down is shown blocked and can be uninstalled', async () => {
    expect((await runCli(['catalog', 'build', cat, '--key', catKey, '--block', 'acme.hello@1.0.0'])).code).toBe(0);
    const s = await serveCli(['--data-dir', home]);
    try {
      const item = await listed(s);
      expect(item?.version).toBe('1.0.0');
      expect(item?.blocked).toMatch(/blocklisted by a trusted catalog/);
      expect(await hello(s, 'd')).toMatchObject({ ok: false, error: { code: 'EPERM' } });
      expect(await s.call('extensions.uninstall', { id: 'acme.hello' })).toMatchObject({ ok: true });
      expect(await listed(s)).toBeUndefined();
    } finally {
      await s.stop();
    }
  });
});
