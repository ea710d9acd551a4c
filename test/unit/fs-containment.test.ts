import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { isInside, splitAbsolute } from '../../electron/core/gateways/fs/containment';

describe('isInside (POSIX)', () => {
  const yes: [string, string][] = [
    ['/data', '/data'],
    ['/data', '/data/'],
    ['/data/', '/data'],
    ['/data', '/data/x'],
    ['/data/', '/data/x/y'],
    ['/data', '/data//x'],
    ['/data', '/data/./x'],
    ['/data', '/data/x/../y'],
    ['/', '/'],
    ['/', '/etc/passwd'],
    ['/', '/data-evil'],
    ['//', '/x'],
    ['/home/me', '/home/me/Documents/a b/c.txt'],
  ];
  const no: [string, string][] = [
    ['/data', '/data-evil'],
    ['/data', '/data-evil/x'],
    ['/data', '/database'],
    ['/data', '/dat'],
    ['/data', '/'],
    ['/data/x', '/data'],
    ['/data', '/data/..'],
    ['/data', '/data/../data-evil/x'],
    ['/data', '/Data/x'], // case-sensitive on POSIX
    ['/data', 'data/x'],
    ['data', 'data/x'],
    ['/data', ''],
    ['', '/data'],
    ['/data', '/data/\0x'],
    ['/data', '/data\\x'], // a backslash is part of a POSIX name
  ];
  it.each(yes)('%j contains %j', (root, c) => expect(isInside(root, c, 'linux')).toBe(true));
  it.each(no)('%j does not contain %j', (root, c) => expect(isInside(root, c, 'linux')).toBe(false));

  it('is not a string prefix test', () => {
    expect('/data-evil/x'.startsWith('/data')).toBe(true);
    expect(isInside('/data', '/data-evil/x', 'darwin')).toBe(false);
  });
});

describe('isInside (win32)', () => {
  const yes: [string, string][] = [
    ['C:\\data', 'C:\\data'],
    ['C:\\data', 'C:\\data\\'],
    ['C:\\data\\', 'C:\\data\\x'],
    ['C:\\data', 'c:\\DATA\\X'],
    ['c:/data', 'C:\\Data\\x'],
    ['C:\\Users\\Straße', 'C:\\USERS\\straße\\x'],
    ['C:\\', 'C:\\anything'],
    ['C:/', 'c:/'],
  ];
  const no: [string, string][] = [
    ['C:\\data', 'C:\\data-evil'],
    ['C:\\data', 'C:\\DATA-EVIL\\x'],
    ['C:\\data', 'D:\\data\\x'],
    ['C:\\data', 'C:\\'],
    ['C:\\data', 'C:\\data\\..\\data-evil'],
    ['C:\\Users\\Straße', 'C:\\Users\\STRASSE\\x'], // ß does not fold to SS on NTFS
    ['C:\\k', 'C:\\\u212a\\x'], // Kelvin sign is not K
    ['C:\\data', '\\\\?\\C:\\data\\x'],
    ['C:\\data', '\\\\server\\share\\data'],
    ['C:\\data', 'C:data\\x'],
    ['C:\\data', '\\data\\x'],
    ['\\\\server\\share', '\\\\server\\share\\x'],
  ];
  it.each(yes)('%j contains %j', (root, c) => expect(isInside(root, c, 'win32')).toBe(true));
  it.each(no)('%j does not contain %j', (root, c) => expect(isInside(root, c, 'win32')).toBe(false));
});

describe('splitAbsolute', () => {
  it('normalises segments and roots', () => {
    expect(splitAbsolute('/a//b/./c/../d/', 'linux')).toEqual({ root: '/', segments: ['a', 'b', 'd'] });
    expect(splitAbsolute('/../..', 'linux')).toEqual({ root: '/', segments: [] });
    expect(splitAbsolute('c:/a\\b', 'win32')).toEqual({ root: 'C:', segments: ['a', 'b'] });
    expect(splitAbsolute('a/b', 'linux')).toBeUndefined();
  });
});

describe('isInside properties', () => {
  const seg = fc.constantFrom('a', 'b', 'data', 'data-evil', 'Data', 'x.txt', '..', '.', '', 'é', 'e\u0301');
  const segs = fc.array(seg, { maxLength: 6 });
  const abs = segs.map((s) => `/${s.join('/')}`);

  it('agrees with path.relative on POSIX', () => {
    fc.assert(
      fc.property(abs, abs, (root, c) => {
        const rel = path.posix.relative(path.posix.normalize(root), path.posix.normalize(c));
        const expected = rel === '' || (rel !== '..' && !rel.startsWith('../') && !path.posix.isAbsolute(rel));
        expect(isInside(root, c, 'linux')).toBe(expected);
      }),
    );
  });

  it('a root contains itself and everything joined below it, and nothing it is a mere prefix of', () => {
    fc.assert(
      fc.property(abs, fc.array(fc.constantFrom('a', 'b', 'x.txt', 'é'), { maxLength: 4 }), (root, below) => {
        const r = path.posix.normalize(root);
        expect(isInside(root, path.posix.join(r, ...below), 'linux')).toBe(true);
        if (r !== '/') {
          expect(isInside(root, `${r.replace(/\/$/, '')}-evil`, 'linux')).toBe(false);
          expect(isInside(root, `${r.replace(/\/$/, '')}x/y`, 'linux')).toBe(false);
        }
      }),
    );
  });

  it('win32 containment ignores ASCII case and separator style', () => {
    const wseg = fc.constantFrom('a', 'B', 'data', 'DATA-evil', 'x.TXT');
    fc.assert(
      fc.property(fc.array(wseg, { maxLength: 4 }), fc.array(wseg, { maxLength: 3 }), (root, below) => {
        const r = `C:\\${root.join('\\')}`;
        const c = `c:/${[...root, ...below].join('/')}`;
        expect(isInside(r, c.toUpperCase(), 'win32')).toBe(true);
        expect(isInside(r.toLowerCase(), c, 'win32')).toBe(true);
      }),
    );
  });
});
