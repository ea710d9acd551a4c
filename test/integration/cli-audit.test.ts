// `warden audit` through the real CLI after real `warden run` processes (issue 12, item 17):
// private-folder and storage operations and each process start and stop are recorded; a kill
// and its strike are shown with their reason in the plain listing; an unknown extension is said
// to have no records (exit 1) rather than printing nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir, writeExtension } from '../helpers/sandbox';

let work: string;
let dataDir: string;
const env = () => ({ HOME: path.join(work, 'home'), WARDEN_HOME: dataDir });

beforeAll(async () => {
  work = fs.realpathSync(tempDir('warden-audit-'));
  dataDir = path.join(work, 'data');
  fs.mkdirSync(path.join(work, 'home'));
  const keeper = writeExtension(work, {
    id: 'acme.keeper',
    commands: ['keep'],
    source: `exports.activate = () => host.commands.register('keep', async () => {
      await host.storage.set('colour', 'blue');
      await host.storage.get('colour');
      await host.fs.writeText('notes.txt', 'private note');
      await host.fs.readText('notes.txt');
      return 'kept';
    });`,
  });
  expect((await runCli(['run', keeper, 'keep'], env())).stdout).toBe('kept\n');
  const hog = writeExtension(work, {
    id: 'acme.hog',
    commands: ['spin'],
    source: `exports.activate = () => host.commands.register('spin', () => { for (;;) {} });`,
  });
  const spun = await runCli(['run', hog, 'spin'], env());
  expect(spun.code).not.toBe(0);
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const lines = (text: string, ext: string) => text.split('\n').filter((l) => l.includes(`  ${ext}  `));

describe('warden audit', () => {
  it('records private-folder and storage operations and the process start and stop', async () => {
    const r = await runCli(['audit', '--extension', 'acme.keeper'], env());
    expect(r.code, r.stderr).toBe(0);
    const mine = lines(r.stdout, 'acme.keeper');
    const has = (re: RegExp) =>
      expect(
        mine.some((l) => re.test(l)),
        `${re}\n${r.stdout}`,
      ).toBe(true);
    has(/operation\s+storage\.set colour/);
    has(/operation\s+storage\.get colour/);
    has(/operation\s+fs\.writeText notes\.txt\s+12B/);
    has(/operation\s+fs\.readText notes\.txt\s+12B/);
    has(/lifecycle\s+started/);
    has(/lifecycle\s+stopped/);
    // Order: started before the first operation, stopped after the last.
    const first = (re: RegExp) => mine.findIndex((l) => re.test(l));
    expect(first(/started/)).toBeLessThan(first(/storage\.set/));
    expect(first(/stopped/)).toBeGreaterThan(first(/fs\.readText/));
  });

  it('shows the reason of a kill and of its strike in the plain listing', async () => {
    const r = await runCli(['audit'], env());
    expect(r.code, r.stderr).toBe(0);
    const hog = lines(r.stdout, 'acme.hog');
    expect(
      hog.some((l) => /killed.*unresponsive: event loop blocked/.test(l)),
      r.stdout,
    ).toBe(true);
    expect(
      hog.some((l) => /strike.*unresponsive: event loop blocked/.test(l)),
      r.stdout,
    ).toBe(true);
    // Every non-operation line carries words after its kind: nothing is shown as a bare arrow.
    for (const l of r.stdout.split('\n').filter(Boolean)) expect(l).not.toMatch(/(→ *$)|(→ {2})/);
  });

  it('says so when an extension has no records', async () => {
    const r = await runCli(['audit', '--extension', 'nosuch'], env());
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('no audit records for extension "nosuch"');
    expect(r.stdout).toBe('');
  });
});
