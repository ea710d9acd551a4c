import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createDataFolder, dataPathSegments, isRelativeDataPath } from '../../electron/core/private-data/data-folder';
import { WardenError } from '../../electron/common/errors';
import { tempDir } from '../helpers/sandbox';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A data folder in a temp dir, next to an `outside` dir holding a secret file. */
function setup(limitBytes = 1024 * 1024) {
  const base = tempDir('warden-folder-');
  dirs.push(base);
  const root = path.join(base, 'files');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'SECRET');
  const folder = createDataFolder({ root, quota: { limitBytes: () => limitBytes, otherBytes: async () => 0 } });
  return { base, root, outside, folder };
}

/** The WardenError a call rejects with; its message must never carry a host path. */
async function failure(p: Promise<unknown>, base?: string): Promise<WardenError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WardenError);
  const w = err as WardenError;
  if (base) expect(w.message).not.toContain(base);
  expect(w.message).not.toMatch(/\/tmp\/|warden-folder-/);
  return w;
}

describe('data folder', () => {
  it('writes, reads, lists, stats and removes files by relative path', async () => {
    const { folder, root } = setup();
    await folder.mkdir('notes/2024', true);
    await folder.writeBytes('notes/2024/a.txt', enc('hello'));
    await folder.writeBytes('notes/b.bin', new Uint8Array([0, 255]));
    expect(dec(await folder.readBytes('notes/2024/a.txt'))).toBe('hello');
    expect(dec(await folder.readBytes('./notes/x/../2024/a.txt'))).toBe('hello');
    expect(fs.readFileSync(path.join(root, 'notes', '2024', 'a.txt'), 'utf8')).toBe('hello');

    expect(await folder.list('notes')).toEqual([
      { name: '2024', kind: 'directory', size: 0 },
      { name: 'b.bin', kind: 'file', size: 2 },
    ]);
    expect(await folder.list('')).toEqual([{ name: 'notes', kind: 'directory', size: 0 }]);
    const st = await folder.stat('notes/2024/a.txt');
    expect(st).toMatchObject({ kind: 'file', size: 5 });
    expect(Number.isInteger(st.mtimeMs)).toBe(true);
    expect((await folder.stat('notes')).kind).toBe('directory');

    await folder.writeBytes('notes/2024/a.txt', enc('hi')); // overwrite truncates
    expect(dec(await folder.readBytes('notes/2024/a.txt'))).toBe('hi');

    await folder.remove('notes/b.bin', false);
    expect((await failure(folder.stat('notes/b.bin'))).code).toBe('ENOENT');
    await folder.remove('notes', true);
    expect(await folder.list('')).toEqual([]);
  });

  it('creates nested directories only with recursive, and recursive is idempotent', async () => {
    const { folder } = setup();
    expect((await failure(folder.mkdir('a/b/c', false))).code).toBe('ENOENT');
    await folder.mkdir('a/b/c', true);
    await folder.mkdir('a/b/c', true);
    expect((await folder.stat('a/b/c')).kind).toBe('directory');
    expect((await failure(folder.mkdir('a/b/c', false))).code).toBe('EEXIST');
  });

  it.each(['..', '../outside/secret.txt', 'a/../../outside/secret.txt', 'x/y/../../../outside'])(
    'refuses the escape "%s" with EPERM',
    async (rel) => {
      const { folder, base } = setup();
      for (const op of [() => folder.readBytes(rel), () => folder.writeBytes(rel, enc('x')), () => folder.list(rel)]) {
        const err = await failure(op(), base);
        expect(err.code).toBe('EPERM');
        expect(err.reason).toBe('denied');
        expect(err.message).toBe(`"${rel}" leads outside the extension's data folder`);
      }
      expect(fs.readdirSync(path.join(base, 'outside'))).toEqual(['secret.txt']);
    },
  );

  it('refuses non-relative, NUL and backslash paths with EINVAL', async () => {
    const { folder } = setup();
    for (const rel of ['/etc/passwd', '~/x', '~', 'C:/x', '\\\\server\\share']) {
      expect((await failure(folder.readBytes(rel))).code).toBe('EINVAL');
    }
    expect((await failure(folder.readBytes('a\0b'))).message).toBe('path contains a NUL byte');
    expect((await failure(folder.writeBytes('a\\b', enc('x')))).message).toBe('use "/" as the path separator');
  });

  it('does not follow a symlink to a file outside for read, write or stat', async () => {
    const { folder, root, outside, base } = setup();
    await folder.list(''); // creates the root
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link'));

    const read = await failure(folder.readBytes('link'), base);
    expect(read.code).toBe('EPERM');
    expect(read.message).toBe('symbolic links are not followed: link');
    expect((await failure(folder.writeBytes('link', enc('pwned')), base)).code).toBe('EPERM');
    expect(fs.readFileSync(path.join(outside, 'secret.txt'), 'utf8')).toBe('SECRET');
    // stat and list describe the link itself, never its target.
    expect(await folder.stat('link')).toMatchObject({ kind: 'other', size: 0 });
    expect(await folder.list('')).toEqual([{ name: 'link', kind: 'other', size: 0 }]);
  });

  it('does not follow a symlinked directory for read, write, list or mkdir', async () => {
    const { folder, root, outside, base } = setup();
    await folder.list('');
    fs.symlinkSync(outside, path.join(root, 'dirlink'));

    for (const op of [
      () => folder.readBytes('dirlink/secret.txt'),
      () => folder.writeBytes('dirlink/new.txt', enc('x')),
      () => folder.list('dirlink'),
      () => folder.list('dirlink/'),
      () => folder.mkdir('dirlink/sub', false),
    ]) {
      expect((await failure(op(), base)).code).toBe('EPERM');
    }
    expect((await failure(folder.mkdir('dirlink/sub', true), base)).code).toBe('ENOTDIR');
    // Removing the link removes the link, not what it points to.
    await folder.remove('dirlink', true);
    expect(fs.readdirSync(outside)).toEqual(['secret.txt']);
    expect(await folder.list('')).toEqual([]);
  });

  it('does not follow a symlink that replaces the root of an intermediate directory', async () => {
    const { folder, root, outside, base } = setup();
    await folder.mkdir('a', false);
    fs.rmdirSync(path.join(root, 'a'));
    fs.symlinkSync(outside, path.join(root, 'a'));
    expect((await failure(folder.readBytes('a/secret.txt'), base)).code).toBe('EPERM');
  });

  it('refuses a write over the quota with EQUOTA and leaves no file', async () => {
    const { folder, root } = setup(100);
    await folder.writeBytes('a', new Uint8Array(60));
    const err = await failure(folder.writeBytes('b', new Uint8Array(50)));
    expect(err.code).toBe('EQUOTA');
    expect(err.message).toBe('data folder quota exceeded (110 of 100 bytes)');
    expect(fs.existsSync(path.join(root, 'b'))).toBe(false);
    // Overwriting counts the old size as freed.
    await folder.writeBytes('a', new Uint8Array(100));
    expect(await folder.usedBytes()).toBe(100);
    await folder.remove('a', false);
    expect(await folder.usedBytes()).toBe(0);
    await folder.writeBytes('b', new Uint8Array(50));
  });

  it('counts files already in the folder against the quota', async () => {
    const { root } = setup();
    fs.mkdirSync(path.join(root, 'd'), { recursive: true });
    fs.writeFileSync(path.join(root, 'd', 'old'), Buffer.alloc(90));
    const folder = createDataFolder({ root, quota: { limitBytes: () => 100, otherBytes: async () => 0 } });
    expect(await folder.usedBytes()).toBe(90);
    expect((await failure(folder.writeBytes('new', new Uint8Array(20)))).code).toBe('EQUOTA');
  });

  // Regression: writes once checked the quota against a usage figure updated only after the
  // write, so concurrent writes could each fit and together exceed it.
  it('keeps concurrent writes within the quota', async () => {
    const { folder } = setup(100);
    await Promise.allSettled(Array.from({ length: 10 }, (_, i) => folder.writeBytes(`f${i}`, new Uint8Array(30))));
    const total = (await folder.list('')).reduce((n, e) => n + e.size, 0);
    expect(total).toBeLessThanOrEqual(100);
  });

  it('maps file-system errors to codes whose messages hold only the relative path', async () => {
    const { folder, base } = setup();
    await folder.mkdir('dir', false);
    await folder.writeBytes('file', enc('x'));
    await folder.writeBytes('dir/inner', enc('y'));

    const cases: Array<[() => Promise<unknown>, string, string]> = [
      [() => folder.readBytes('missing/x'), 'ENOENT', 'no such file or directory: missing/x'],
      [() => folder.stat('missing'), 'ENOENT', 'no such file or directory: missing'],
      [() => folder.remove('missing', false), 'ENOENT', 'no such file or directory: missing'],
      [() => folder.readBytes('dir'), 'EISDIR', 'is a directory: dir'],
      [() => folder.writeBytes('dir', enc('x')), 'EISDIR', 'is a directory: dir'],
      [() => folder.readBytes(''), 'EISDIR', 'the data folder itself is a directory'],
      [() => folder.readBytes('file/x'), 'ENOTDIR', 'not a directory: file/x'],
      [() => folder.writeBytes('file/x', enc('x')), 'ENOTDIR', 'not a directory: file/x'],
      [() => folder.list('file'), 'ENOTDIR', 'not a directory: file'],
      [() => folder.mkdir('file/sub', true), 'ENOTDIR', 'not a directory: file'],
      [() => folder.mkdir('dir', false), 'EEXIST', 'already exists: dir'],
      [() => folder.mkdir('file', false), 'EEXIST', 'already exists: file'],
      [() => folder.remove('dir', false), 'EINVAL', 'directory not empty: dir (pass { recursive: true })'],
    ];
    for (const [op, code, message] of cases) {
      const err = await failure(op(), base);
      expect({ code: err.code, message: err.message }).toEqual({ code, message });
    }
    expect(dec(await folder.readBytes('dir/inner'))).toBe('y');
  });
});

describe('data path helpers', () => {
  it('tells relative data paths from the others', () => {
    for (const p of ['a', 'a/b', './a', '..', '.hidden', '~x']) expect(isRelativeDataPath(p), p).toBe(true);
    for (const p of ['/a', '~', '~/a', '\\a', 'C:x', 'c:/x']) expect(isRelativeDataPath(p), p).toBe(false);
  });

  it('resolves "." and ".." lexically inside the folder', () => {
    expect(dataPathSegments('a/./b//c/../d')).toEqual(['a', 'b', 'd']);
    expect(dataPathSegments('a/..')).toEqual([]);
    expect(() => dataPathSegments('a/../..')).toThrow(/leads outside/);
  });
});
