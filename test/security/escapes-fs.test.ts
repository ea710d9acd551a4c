// File-system escapes: an extension's relative paths live in its private data folder and must
// never leave it (`..`, symlinks planted in the folder, another extension's folder), and paths
// outside it (absolute, `~`) are refused until a broker grants them. The canary file is the
// target throughout; the harness checks after every attempt that it was neither read nor changed.
import fs from 'node:fs';
import path from 'node:path';
import { createExtensionStorage } from '../../electron/core/private-data/storage';
import { describe, expect, it } from 'vitest';
import { privateDataDir } from '../../electron/core/private-data/private-data';
import { outcomesNotMatching, reportOf, useSecuritySuite } from './harness';

const suite = useSecuritySuite();

/** Guest code: probe each [name, () => promise] and record the error code, or what it returned. */
const CODES = `
  const code = async (name, fn) => probe(name, async () => {
    const e = await rejection(fn());
    return e === 'resolved' ? 'resolved' : e.code;
  });
`;

describe('paths outside the data folder', () => {
  it('the canary by absolute path is refused with EPERM by every fs method', async () => {
    const report = await suite.probe(`${CODES}
      const dir = CANARY.slice(0, CANARY.lastIndexOf('/'));
      await code('readText', () => host.fs.readText(CANARY));
      await code('readBytes', () => host.fs.readBytes(CANARY));
      await code('writeText', () => host.fs.writeText(CANARY, 'pwned'));
      await code('writeBytes', () => host.fs.writeBytes(CANARY, new Uint8Array([1])));
      await code('list', () => host.fs.list(dir));
      await code('stat', () => host.fs.stat(CANARY));
      await code('mkdir', () => host.fs.mkdir(dir + '/new', { recursive: true }));
      await code('remove', () => host.fs.remove(CANARY));
      await code('remove dir', () => host.fs.remove(dir, { recursive: true }));
      await code('double slash', () => host.fs.readText('/' + CANARY));
      await code('dot segments', () => host.fs.readText(dir + '/./../' + dir.slice(dir.lastIndexOf('/') + 1) + '/canary.txt'));
    `);
    expect(report.leaks).toEqual([]);
    expect(Object.keys(report.outcomes)).toHaveLength(11);
    expect(outcomesNotMatching(report, /^returned "EPERM"$/)).toEqual([]);
  });

  it('a path the manifest declares is still refused: declaring is not granting', async () => {
    const outcome = await suite.attempt({
      manifest: { permissions: { 'fs.read': [`${suite.canary.dir}/**`], 'fs.write': [`${suite.canary.dir}/**`] } },
      body: `${CODES}
        await code('read', () => host.fs.readText(CANARY));
        await code('write', () => host.fs.writeText(CANARY, 'pwned'));
        await probe('reason', async () => (await rejection(host.fs.readText(CANARY))).reason);`,
    });
    expect(outcome.result).toMatchObject({
      value: {
        leaks: [],
        outcomes: {
          read: 'returned "EPERM"',
          write: 'returned "EPERM"',
          // No prompter answers in this host: refused, not "undeclared".
          reason: expect.stringMatching(/^returned "(denied|timeout|policy)"$/),
        },
      },
    });
  });

  it('home paths (~/…, ~) are refused with EPERM; ~user/… is only a name inside the data folder', async () => {
    const outcome = await suite.attempt({
      body: `${CODES}
        await code('~/.ssh/id_rsa', () => host.fs.readText('~/.ssh/id_rsa'));
        await code('~', () => host.fs.list('~'));
        await code('write ~/pwned', () => host.fs.writeText('~/pwned', 'x'));
        await code('~ + canary', () => host.fs.readText('~/' + CANARY));
        await code('~root/x', () => host.fs.readText('~root/x'));
        await host.fs.mkdir('~root');
        await code('write ~root/x', () => host.fs.writeText('~root/x', 'inside'));`,
    });
    expect(outcome.result).toMatchObject({
      value: {
        leaks: [],
        outcomes: {
          '~/.ssh/id_rsa': 'returned "EPERM"',
          '~': 'returned "EPERM"',
          'write ~/pwned': 'returned "EPERM"',
          '~ + canary': 'returned "EPERM"',
          '~root/x': 'returned "ENOENT"',
          'write ~root/x': 'returned "resolved"',
        },
      },
    });
    expect(fs.readFileSync(path.join(suite.filesDir(outcome.id), '~root', 'x'), 'utf8')).toBe('inside');
  });
});

describe('relative paths', () => {
  it('cannot climb out of the data folder: ../, a/../../x, ./.., backslashes, NUL, device names', async () => {
    const report = await suite.probe(`${CODES}
      const up = '../'.repeat(30) + CANARY.slice(1);
      await code('up to the canary (read)', () => host.fs.readText(up));
      await code('up to the canary (write)', () => host.fs.writeText(up, 'pwned'));
      await code('..', () => host.fs.list('..'));
      await code('../storage.json', () => host.fs.readText('../storage.json'));
      await code('a/../../x', () => host.fs.readText('a/../../x'));
      await code('./../x', () => host.fs.readText('./../x'));
      await code('a/./../../x', () => host.fs.readText('a/./../../x'));
      await code('stat ..', () => host.fs.stat('..'));
      await code('mkdir ../x', () => host.fs.mkdir('../x'));
      await code('mkdir -p a/../../x', () => host.fs.mkdir('a/../../x', { recursive: true }));
      await code('remove .. recursively', () => host.fs.remove('..', { recursive: true }));
      await code('remove the data folder itself', () => host.fs.remove('.', { recursive: true }));
      await code('backslash ..\\\\x', () => host.fs.readText('..\\\\x'));
      await code('NUL', () => host.fs.readText('a\\u0000/../../x'));
      await code('overlong', () => host.fs.readText('a/'.repeat(3000)));
      await code('C: drive', () => host.fs.readText('C:\\\\Windows\\\\win.ini'));
      await code('UNC', () => host.fs.readText('\\\\\\\\server\\\\share\\\\x'));
      await code('%2e%2e is a literal name', () => host.fs.readText('%2e%2e/x'));
      await code('... is a literal name', () => host.fs.readText('.../x'));
    `);
    expect(report.leaks).toEqual([]);
    const codes = Object.fromEntries(Object.entries(report.outcomes).map(([k, v]) => [k, v.replace(/^returned /, '')]));
    const climbing = ['up to the canary (read)', 'up to the canary (write)', '..', '../storage.json', 'a/../../x'];
    climbing.push('./../x', 'a/./../../x', 'stat ..', 'mkdir ../x', 'mkdir -p a/../../x', 'remove .. recursively');
    for (const name of climbing) expect(codes[name], name).toBe('"EPERM"');
    // Not paths inside the folder at all: refused, as invalid or as outside.
    for (const name of ['backslash ..\\x', 'NUL', 'overlong', 'C: drive', 'UNC']) {
      expect(codes[name], name).toMatch(/^"(EINVAL|EPERM)"$/);
    }
    expect(codes['remove the data folder itself']).toBe('"EISDIR"');
    // Odd but ordinary names stay inside the folder.
    expect(codes['%2e%2e is a literal name']).toBe('"ENOENT"');
    expect(codes['... is a literal name']).toBe('"ENOENT"');
    expect(Object.keys(codes)).toHaveLength(19);
  });

  it("one extension cannot reach another extension's files or storage through relative paths", async () => {
    const victim = await suite.attempt({
      source: `exports.activate = () => host.commands.register('run', async () => {
        await host.fs.writeText('secret.txt', 'victim data');
        await host.storage.set('token', 'victim token');
        return 'ok';
      });`,
    });
    expect(victim.result).toEqual({ type: 'text', text: 'ok' });
    const report = await suite.probe(
      `${CODES}
      const v = args.victim;
      await code('../../victim/files/secret.txt', () => host.fs.readText('../../' + v + '/files/secret.txt'));
      await code('../victim/storage.json', () => host.fs.readText('../' + v + '/storage.json'));
      await code('write into the victim', () => host.fs.writeText('../../' + v + '/files/secret.txt', 'overwritten'));
      await code('list ../..', () => host.fs.list('../..'));
      await code('remove the victim', () => host.fs.remove('../../' + v, { recursive: true }));
      await probe('storage is private', () => host.storage.get('token'));
    `,
      { args: { victim: victim.id } },
    );
    expect(report.leaks).toEqual([]);
    const { 'storage is private': own, ...attempts } = report.outcomes;
    expect(outcomesNotMatching({ leaks: [], outcomes: attempts }, /^returned "EPERM"$/)).toEqual([]);
    expect(own).toBe('returned undefined');
    const victimDir = privateDataDir(suite.host.dataDir, victim.id);
    expect(fs.readFileSync(path.join(victimDir, 'files', 'secret.txt'), 'utf8')).toBe('victim data');
    const victimStorage = createExtensionStorage({
      dir: path.join(victimDir, 'storage'),
      quota: { limitBytes: () => 1024 * 1024, otherBytes: async () => 0 },
    });
    expect(await victimStorage.get('token')).toBe('victim token');
  });
});

describe('symbolic links planted in the data folder', () => {
  it('a link to the canary file is never followed: read, write, stat, remove touch only the link', async () => {
    const outcome = await suite.attempt({
      before({ filesDir }) {
        fs.symlinkSync(suite.canary.file, path.join(filesDir, 'link.txt'));
        fs.mkdirSync(path.join(filesDir, 'nested'));
        fs.symlinkSync(suite.canary.file, path.join(filesDir, 'nested', 'link.txt'));
      },
      body: `${CODES}
        await code('readText', () => host.fs.readText('link.txt'));
        await code('readBytes', () => host.fs.readBytes('link.txt'));
        await code('readText nested', () => host.fs.readText('nested/link.txt'));
        await code('readText via ..', () => host.fs.readText('nested/../link.txt'));
        await code('writeText', () => host.fs.writeText('link.txt', 'pwned'));
        await code('writeBytes', () => host.fs.writeBytes('nested/link.txt', new Uint8Array([1])));
        await code('list the link', () => host.fs.list('link.txt'));
        await probe('stat sees a link, not the canary', () => host.fs.stat('link.txt').then((s) => [s.kind, s.size]));
        await probe('list shows the link as other', () => host.fs.list('.').then((l) => l.map((e) => [e.name, e.kind, e.size])));
        await code('remove the nested link', () => host.fs.remove('nested/link.txt'));`,
    });
    expect(outcome.result).toMatchObject({
      value: {
        leaks: [],
        outcomes: {
          readText: 'returned "EPERM"',
          readBytes: 'returned "EPERM"',
          'readText nested': 'returned "EPERM"',
          'readText via ..': 'returned "EPERM"',
          writeText: 'returned "EPERM"',
          writeBytes: 'returned "EPERM"',
          'list the link': 'returned "EPERM"',
          'stat sees a link, not the canary': 'returned ["other",0]',
          'list shows the link as other': 'returned [["link.txt","other",0],["nested","directory",0]]',
          'remove the nested link': 'returned "resolved"',
        },
      },
    });
    // Removing the link removed the link only.
    expect(fs.existsSync(path.join(suite.filesDir(outcome.id), 'nested', 'link.txt'))).toBe(false);
  });

  it("a link to the canary's folder is never traversed: read, write, mkdir, list and remove through it are refused", async () => {
    const outcome = await suite.attempt({
      before({ filesDir }) {
        fs.symlinkSync(suite.canary.dir, path.join(filesDir, 'linkdir'));
        fs.mkdirSync(path.join(filesDir, 'a', 'b'), { recursive: true });
        fs.symlinkSync(suite.canary.dir, path.join(filesDir, 'a', 'b', 'deep'));
      },
      body: `${CODES}
        await code('read through', () => host.fs.readText('linkdir/canary.txt'));
        await code('read through, nested', () => host.fs.readText('a/b/deep/canary.txt'));
        await code('write through', () => host.fs.writeText('linkdir/canary.txt', 'pwned'));
        await code('create through', () => host.fs.writeText('linkdir/new.txt', 'planted'));
        await code('mkdir through', () => host.fs.mkdir('linkdir/sub'));
        await code('mkdir -p through', () => host.fs.mkdir('a/b/deep/sub/x', { recursive: true }));
        await code('list through', () => host.fs.list('linkdir'));
        await code('stat through', () => host.fs.stat('linkdir/canary.txt'));
        await code('remove through', () => host.fs.remove('linkdir/canary.txt'));
        await code('remove the link recursively', () => host.fs.remove('a/b/deep', { recursive: true }));`,
    });
    const report = reportOf(outcome);
    expect(report.leaks).toEqual([]);
    const { 'remove the link recursively': removal, 'mkdir -p through': mkdirp, ...through } = report.outcomes;
    expect(Object.keys(through)).toHaveLength(8);
    expect(outcomesNotMatching({ leaks: [], outcomes: through }, /^returned "EPERM"$/)).toEqual([]);
    expect(mkdirp).toMatch(/^returned "(EPERM|ENOTDIR)"$/);
    // rm on a link removes the link, never the folder it points at (the harness checks the canary).
    expect(removal).toBe('returned "resolved"');
  });
});
