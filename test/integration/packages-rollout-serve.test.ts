// The panel's side of staged rollout, through a real `warden serve` bridge: the catalog entry and
// the extension say the update is staged (no update offered), and the panel's update is refused
// with the reason. The bucket is forced by writing install-id.json first (docs/admin.md).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import { serveCli } from '../helpers/serve-cli';
import { generateKeyPair, packTo, writeExt } from '../fixtures/packages/tools';

const work = tempDir('warden-rollserve-');
const home = path.join(work, 'home');
const cat = path.join(work, 'catalog');
const catKey = path.join(work, 'keys', 'catalog.key');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const YES = ['--yes'];

beforeAll(async () => {
  fs.mkdirSync(cat, { recursive: true });
  fs.mkdirSync(home, { recursive: true });
  const key = generateKeyPair();
  const v1 = await packTo(writeExt(work, { version: '1.0.0' }), key, work);
  await packTo(writeExt(work, { version: '2.0.0' }), key, cat);
  expect((await runCli(['keygen', '--out', catKey])).code).toBe(0);
  const built = await runCli(['catalog', 'build', cat, '--key', catKey, '--rollout', 'acme.hello@2.0.0=20']);
  expect(built.code, built.stderr).toBe(0);
  const pub = fs.readFileSync(`${catKey}.pub`, 'utf8').trim();
  fs.writeFileSync(path.join(home, 'config.json'), JSON.stringify({ catalog: cat, catalogKeys: [pub] }));
  fs.writeFileSync(path.join(home, 'install-id.json'), JSON.stringify({ bucket: 30 }));
  const i = await runCli(['install', v1, ...YES, '--data-dir', home], { WARDEN_MACHINE_POLICY: '' });
  expect(i.code, i.stderr).toBe(0);
});

describe('staged rollout in the served panel', () => {
  it('says the update is staged, offers none, and refuses it with the reason', async () => {
    const s = await serveCli(['--data-dir', home]);
    try {
      const note = '2.0.0 is rolling out to 20% of installations; not yet to this one';
      const entries = (await s.call('catalog.list', {})).value as { id: string; staged?: string }[];
      expect(entries).toEqual([expect.objectContaining({ id: 'acme.hello', staged: note })]);
      const ext = (
        (await s.call('extensions.list')).value as { id: string; staged?: string; updateAvailable?: string }[]
      ).find((e) => e.id === 'acme.hello');
      expect(ext).toMatchObject({ version: '1.0.0', staged: note });
      expect(ext?.updateAvailable).toBeUndefined();
      const up = await s.call('extensions.update', { id: 'acme.hello' });
      expect(up.ok).toBe(false);
      expect(up.error?.message).toContain(note);
    } finally {
      const code = await s.stop();
      expect(code, s.stderr()).toBe(0);
    }
  });
});
