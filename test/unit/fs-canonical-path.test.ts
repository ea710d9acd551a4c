import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { canonicalisePath } from '../../electron/core/gateways/fs/canonical-path';
import { createFsGateway } from '../../electron/core/gateways/fs/fs-gateway';
import { WardenError } from '../../electron/common/errors';

const posix = { homeDir: '/home/me', platform: 'linux' as const };
const win = { homeDir: 'C:\\Users\\me', platform: 'win32' as const };

function einval(fn: () => unknown): WardenError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(WardenError);
  expect((caught as WardenError).code).toBe('EINVAL');
  return caught as WardenError;
}

describe('canonicalisePath (POSIX)', () => {
  it.each([
    ['~', '/home/me'],
    ['~/', '/home/me'],
    ['~/Documents', '/home/me/Documents'],
    ['~/Documents/../Music/./a', '/home/me/Music/a'],
    ['~/..', '/home'],
    ['~/../../../..', '/'],
    ['/', '/'],
    ['//', '/'],
    ['/etc/../etc/./passwd', '/etc/passwd'],
    ['/..', '/'],
    ['/a//b///c/', '/a/b/c'],
    ['/a\\..\\b', '/a\\..\\b'], // backslash is an ordinary character on POSIX
    ['/%2e%2e/x', '/%2e%2e/x'], // percent-encoding is a name, not traversal
    ['/data/CON', '/data/CON'], // device names mean nothing on POSIX
    ['/data/a:b', '/data/a:b'],
    ['/tmp/café', '/tmp/café'],
  ])('%j → %j', (given, abs) => {
    expect(canonicalisePath(given, posix).abs).toBe(abs);
  });

  it('marks a final . or ..', () => {
    expect(canonicalisePath('/a/b/..', posix).endsInDots).toBe(true);
    expect(canonicalisePath('/a/b/.', posix).endsInDots).toBe(true);
    expect(canonicalisePath('/a/b/../', posix).endsInDots).toBe(true);
    expect(canonicalisePath('/a/b', posix).endsInDots).toBe(false);
    expect(canonicalisePath('/a/..b', posix).endsInDots).toBe(false);
  });

  it.each([
    ['', /empty/],
    ['relative/path', /not an absolute/],
    ['./x', /not an absolute/],
    ['../x', /not an absolute/],
    ['~user/x', /~user/],
    ['~~', /~user/],
    ['/etc/passwd\0.txt', /NUL/],
    ['~/\0', /NUL/],
    ['/a/\ud800', /Unicode/],
    ['/a/\udc00b', /Unicode/],
  ])('%j is refused', (given, why) => {
    expect(einval(() => canonicalisePath(given, posix)).message).toMatch(why);
  });

  it('refuses non-strings', () => {
    for (const v of [undefined, null, 1, {}, ['/a'], Buffer.from('/a'), new Uint8Array([47])]) {
      einval(() => canonicalisePath(v, posix));
    }
  });

  it('matches path.posix.normalize on absolute paths built from arbitrary segments', () => {
    const seg = fc.oneof(
      fc.constantFrom('.', '..', '', 'a', 'B', 'é', '~', '...', ' x '),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 5 }).filter((s) => !s.includes('/') && !s.includes('\0')),
    );
    fc.assert(
      fc.property(fc.array(seg, { maxLength: 8 }), (segs) => {
        const given = `/${segs.join('/')}`;
        const c = canonicalisePath(given, posix);
        expect(c.abs).toBe(path.posix.normalize(given).replace(/(.)\/$/, '$1'));
        expect(c.segments).not.toContain('..');
        expect(c.segments).not.toContain('.');
        expect(c.segments).not.toContain('');
      }),
    );
  });
});

describe('canonicalisePath (win32)', () => {
  it.each([
    ['~', 'C:\\Users\\me'],
    ['~/Documents', 'C:\\Users\\me\\Documents'],
    ['~\\Documents\\..\\Music', 'C:\\Users\\me\\Music'],
    ['C:\\', 'C:\\'],
    ['c:/data/x', 'C:\\data\\x'],
    ['D:\\a\\..\\..\\b', 'D:\\b'],
    ['C:\\data\\.\\x\\', 'C:\\data\\x'],
    ['C:\\data\\ leading', 'C:\\data\\ leading'],
    ['C:\\data\\report~2024-final.txt', 'C:\\data\\report~2024-final.txt'],
  ])('%j → %j', (given, abs) => {
    expect(canonicalisePath(given, win).abs).toBe(abs);
  });

  it('trusts a short name in the home folder itself (it comes from the host)', () => {
    expect(canonicalisePath('~/x', { ...win, homeDir: 'C:\\Users\\JOHNDO~1' }).abs).toBe('C:\\Users\\JOHNDO~1\\x');
  });

  it.each([
    'C:\\data\\CON',
    'C:\\data\\con.txt',
    'C:\\data\\AUX.json',
    'C:\\data\\NUL',
    'C:\\data\\nul.tar.gz',
    'C:\\data\\COM1',
    'C:\\data\\COM1 ',
    'C:\\data\\lpt9.log',
    'C:\\data\\COM\u00b9',
    'C:\\data\\CONIN$',
    'C:\\data\\CONOUT$',
    'C:\\data\\PRN.\\x',
    'C:\\CON\\x',
    '~/CON',
    '~/docs/aux.',
    'C:\\data\\file.txt::$DATA',
    'C:\\data\\file.txt:secret',
    'C:\\data\\x:\\y',
    'C:\\data\\secret.txt.',
    'C:\\data\\secret.txt ',
    'C:\\data\\dir.\\x',
    'C:\\PROGRA~1\\x',
    'C:\\data\\SECRET~1.JSO',
    '~/DOCUME~1',
    '\\\\server\\share\\x',
    '//server/share/x',
    '\\\\?\\C:\\data\\x',
    '\\\\.\\C:',
    '\\\\.\\pipe\\x',
    '//./pipe/x',
    '\\data\\x',
    '/data/x',
    'C:data\\x',
    'C:',
    'data\\x',
    'C:\\data\\a?b',
    'C:\\data\\a*b',
    'C:\\data\\a|b',
  ])('%j is refused', (given) => {
    const err = einval(() => canonicalisePath(given, win));
    expect(err.message).toContain(given.replace(/\0/g, ''));
  });

  it('a refused segment is refused wherever it sits and however it is spelt', () => {
    const bad = fc.constantFrom('CON', 'nul.txt', 'Aux.json', 'COM3 ', 'LPT1.', 'a.txt:s', 'a.', 'b ', 'PROGRA~1');
    const ok = fc.constantFrom('a', 'Docs', 'x.txt', '..', '.', '', 'é');
    fc.assert(
      fc.property(
        fc.array(ok, { maxLength: 3 }),
        bad,
        fc.array(ok, { maxLength: 3 }),
        fc.boolean(),
        (pre, b, post, fwd) => {
          const sep = fwd ? '/' : '\\';
          const given = `C:${sep}${[...pre, b, ...post].join(sep)}`;
          einval(() => canonicalisePath(given, win));
          einval(() => canonicalisePath(`~${sep}${[...pre, b, ...post].join(sep)}`, win));
        },
      ),
    );
  });
});

describe('gateway canonicalisation (win32 semantics, no file system touched)', () => {
  it('refuses every Windows trap with EINVAL before asking for permission', async () => {
    const asked: string[] = [];
    const gw = createFsGateway({
      homeDir: 'C:\\Users\\me',
      platform: 'win32',
      authorize: async (req) => {
        asked.push(req.target);
        return { allow: true, via: 'grant' };
      },
    });
    const bytes = new Uint8Array([1]);
    for (const p of [
      'C:\\Users\\me\\CON',
      '~/AUX.txt',
      '~/a.txt:x',
      '\\\\?\\C:\\x',
      '\\\\srv\\s\\x',
      '~/PROGRA~1',
      '~/a.',
    ]) {
      const calls: (() => Promise<unknown>)[] = [
        () => gw.readBytes(p),
        () => gw.writeBytes(p, bytes),
        () => gw.list(p),
        () => gw.stat(p),
        () => gw.mkdir(p, { recursive: true }),
        () => gw.remove(p, { recursive: true }),
      ];
      for (const call of calls) {
        const err = await Promise.resolve()
          .then(call)
          .then(
            () => undefined,
            (e: unknown) => e,
          );
        expect(err).toBeInstanceOf(WardenError);
        expect((err as WardenError).code).toBe('EINVAL');
      }
    }
    expect(asked).toEqual([]);
  });

  it('refuses a relative path as the caller’s bug', async () => {
    const gw = createFsGateway({
      homeDir: '/home/me',
      platform: 'linux',
      authorize: async () => ({ allow: true, via: 'grant' }),
    });
    await expect(gw.readBytes('notes.txt')).rejects.toMatchObject({ code: 'EINVAL' });
    await expect(gw.readBytes('/a/\0')).rejects.toMatchObject({ code: 'EINVAL' });
  });

  it('needs an absolute home folder', () => {
    const authorize = async () => ({ allow: true, via: 'grant' }) as const;
    expect(() => createFsGateway({ homeDir: 'home/me', platform: 'linux', authorize })).toThrow(/absolute/);
    expect(() => createFsGateway({ homeDir: '/home/me', platform: 'win32', authorize })).toThrow(/absolute/);
  });
});
