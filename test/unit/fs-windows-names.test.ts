import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  isWindowsDeviceName,
  isWindowsShortName,
  windowsPrefixProblem,
  windowsSegmentProblem,
} from '../../electron/core/gateways/fs/windows-names';

describe('Windows device names', () => {
  it.each([
    'CON',
    'con',
    'Prn',
    'AUX',
    'NUL',
    'nul.txt',
    'AUX.json',
    'aux.tar.gz',
    'COM1',
    'com9',
    'COM0',
    'LPT1',
    'lpt9.log',
    'COM1 ',
    'COM1 .txt',
    'CON.',
    'CON..',
    'NUL:',
    'NUL:stream',
    'COM\u00b9',
    'LPT\u00b2.txt',
    'CONIN$',
    'conout$',
    'CONOUT$.txt',
  ])('%j is a device name', (name) => {
    expect(isWindowsDeviceName(name)).toBe(true);
    expect(windowsSegmentProblem(name)).toBeDefined();
  });

  it.each(['CONSOLE', 'con1', 'COM10', 'LPT', 'COM', 'AUXILIARY.txt', 'xNUL', 'NULL', 'prn_x', 'console.log'])(
    '%j is an ordinary name',
    (name) => {
      expect(isWindowsDeviceName(name)).toBe(false);
      expect(windowsSegmentProblem(name)).toBeUndefined();
    },
  );
});

describe('8.3 short names', () => {
  it.each(['PROGRA~1', 'progra~1', 'SECRET~1.JSO', 'DOCUME~2', 'A~1', 'AB12C~1F', 'X~10.TXT', '~1'])(
    '%j is refused',
    (name) => {
      expect(isWindowsShortName(name)).toBe(true);
      expect(windowsSegmentProblem(name)).toMatch(/short name/);
    },
  );

  it.each(['report~2024-final.txt', 'file~x.txt', 'tilde~', 'a.b.c~1', 'README~.md', 'longname~1.json', '~notes'])(
    '%j is not a short name',
    (name) => expect(isWindowsShortName(name)).toBe(false),
  );
});

describe('other segment rules', () => {
  it.each([
    ['file.txt::$DATA', /data streams/],
    ['file.txt:stream', /data streams/],
    ['file.txt:stream:$DATA', /data streams/],
    ['C:', /data streams/],
    ['secret.txt.', /dot or a space/],
    ['secret.txt ', /dot or a space/],
    ['dir...', /dot or a space/],
    [' ', /dot or a space/],
    ['a?b', /character/],
    ['a*b', /character/],
    ['a<b', /character/],
    ['a>b', /character/],
    ['a"b', /character/],
    ['a|b', /character/],
    ['a\u0001b', /character/],
  ])('%j is refused', (seg, why) => {
    expect(windowsSegmentProblem(seg)).toMatch(why);
  });

  it.each(['notes.txt', '.gitignore', ' leading-space', 'café', 'Ünïcödé', 'a.b.c', '..hidden', 'dir'])(
    '%j is allowed',
    (seg) => expect(windowsSegmentProblem(seg)).toBeUndefined(),
  );
});

describe('Windows path prefixes', () => {
  it.each([
    ['\\\\server\\share\\x', /UNC/],
    ['//server/share/x', /UNC/],
    ['\\\\?\\C:\\x', /UNC/],
    ['\\\\.\\C:', /UNC/],
    ['\\\\.\\pipe\\x', /UNC/],
    ['//?/C:/x', /UNC/],
    ['\\??\\C:\\x', /drive letter/],
    ['\\Windows', /drive letter/],
    ['/Windows', /drive letter/],
    ['C:foo', /drive-relative/],
    ['C:', /drive-relative/],
    ['foo\\bar', /not an absolute/],
    ['1:\\x', /not an absolute/],
  ])('%j is refused', (p, why) => {
    expect(windowsPrefixProblem(p)).toMatch(why);
  });

  it.each(['C:\\', 'c:\\Users', 'D:/data/x', 'Z:\\a/b'])('%j is a drive-absolute path', (p) => {
    expect(windowsPrefixProblem(p)).toBeUndefined();
    expect(path.win32.isAbsolute(p)).toBe(true);
  });
});

describe('properties', () => {
  const reserved = fc.constantFrom('CON', 'PRN', 'AUX', 'NUL', 'COM1', 'COM9', 'LPT1', 'LPT9', 'CONIN$', 'CONOUT$');
  const casing = (s: string) =>
    fc
      .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
      .map((flags) => [...s].map((ch, i) => (flags[i] ? ch.toLowerCase() : ch.toUpperCase())).join(''));

  it('a device name stays refused with any case, extension and trailing dots/spaces', () => {
    fc.assert(
      fc.property(
        reserved.chain(casing),
        fc.stringMatching(/^(\.[a-z0-9]{0,4}){0,2}$/),
        fc.stringMatching(/^[ .]{0,3}$/),
        (name, ext, trail) => {
          expect(windowsSegmentProblem(`${name}${trail}${ext}`)).toBeDefined();
          expect(windowsSegmentProblem(`${name}${ext}${trail}`)).toBeDefined();
        },
      ),
    );
  });

  it('no segment with a colon, or ending in a dot or space, is ever allowed', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(windowsSegmentProblem(`${a}:${b}`)).toBeDefined();
        expect(windowsSegmentProblem(`${a}${b}.`)).toBeDefined();
        expect(windowsSegmentProblem(`${a}${b} `)).toBeDefined();
      }),
    );
  });
});
