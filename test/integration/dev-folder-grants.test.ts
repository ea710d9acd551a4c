// Grants of an unsigned developer folder bind to the folder's real path as well as the id it
// declares about itself (issue 12, item 8): another folder declaring the same id inherits
// nothing. Through real `warden run` processes sharing one data folder.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';
import { runCliPiped } from '../helpers/cli-stdin';

let work: string;
let home: string;
let dataDir: string;
const env = () => ({ HOME: home });
const source = `exports.activate = () => host.commands.register('read', async () => {
  try { return await host.fs.readText('~/Documents/notes.txt'); } catch (e) { return e.code + '/' + e.reason; }
});`;
const spec = {
  id: 'acme.same',
  commands: ['read'],
  manifest: { permissions: { 'fs.read': ['~/Documents/**'] } },
  source,
};

beforeAll(() => {
  work = fs.realpathSync(tempDir('warden-devgrants-'));
  home = path.join(work, 'home');
  dataDir = path.join(work, 'data');
  fs.mkdirSync(path.join(home, 'Documents'), { recursive: true });
  fs.writeFileSync(path.join(home, 'Documents', 'notes.txt'), 'the notes');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const asked = (stderr: string) => stderr.includes('asks to read');

describe('grants of developer folders', () => {
  it('bind to the folder: another folder declaring the same id is asked, not allowed', async () => {
    for (const d of ['a', 'b']) fs.mkdirSync(path.join(work, d));
    const a = writeExtension(path.join(work, 'a'), spec);
    const b = writeExtension(path.join(work, 'b'), spec);
    // Folder A: "always allow this item".
    const first = await runCliPiped(['run', a, 'read', '--prompt', '--data-dir', dataDir], 'a\n', env());
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.trim()).toBe('the notes');
    expect(asked(first.stderr)).toBe(true);

    // Folder B declares the same id: it is prompted (and denied at end of input).
    const other = await runCliPiped(['run', b, 'read', '--prompt', '--data-dir', dataDir], '', env());
    expect(other.code, other.stderr).toBe(0);
    expect(asked(other.stderr)).toBe(true);
    expect(other.stdout.trim()).toBe('EPERM/denied');

    // Folder A keeps its grant (no prompt), also when reached through a symbolic link.
    const link = path.join(work, 'link-to-a');
    fs.symlinkSync(a, link);
    for (const dir of [a, link]) {
      const again = await runCliPiped(['run', dir, 'read', '--prompt', '--data-dir', dataDir], '', env());
      expect(again.stdout.trim(), again.stderr).toBe('the notes');
      expect(asked(again.stderr)).toBe(false);
    }
    // Audited as allowed by that stored grant, with the reason.
    const audit = await runCli(['audit', '--data-dir', dataDir], env());
    expect(audit.stdout).toMatch(/→ allow \(declared; granted always \([^)]*notes\.txt\)\) via grant/);
  });
});
