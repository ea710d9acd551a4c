// A CanonicalTarget is made only by the gateways' canonicalisers: other code can neither write
// one (types: the `// @ts-expect-error` lines below fail to compile if it could) nor import the
// constructor or cast to the brand (lint), and the canonicalisers give one string per target.
import fs from 'node:fs';
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import type { CanonicalString, CanonicalTarget } from '../../electron/core/gateways/target';
import { secretTarget } from '../../electron/core/gateways/target';
import { canonicalFsTarget } from '../../electron/core/gateways/fs/fs-target';
import { canonicalNetTarget } from '../../electron/core/gateways/net/net-target';
import { ROOT, tempDir } from '../helpers/sandbox';

describe('the CanonicalTarget brand', () => {
  it('cannot be written by hand', () => {
    // @ts-expect-error a plain object is not a CanonicalTarget (its canonical string is not branded)
    const forged: CanonicalTarget = { kind: 'fs', canonical: '/etc/passwd', display: '/etc/passwd' };
    // @ts-expect-error a plain string is not a canonical string
    const bare: CanonicalString = '/etc/passwd';
    expect([forged.kind, bare]).toEqual(['fs', '/etc/passwd']);
    const made: CanonicalTarget = secretTarget('TOKEN');
    const s: string = made.canonical; // but it reads as a string
    expect(s).toBe('TOKEN');
  });

  it('lint refuses the constructor and casts to the brand in the core outside the gateways', async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const probe = [
      "import { mintTarget } from '../gateways/mint';",
      "import type { CanonicalString, CanonicalTarget } from '../gateways/target';",
      "export const a = mintTarget('fs', '/x', '/x');",
      "export const b = '/x' as CanonicalString;",
      "export const c = { kind: 'fs', canonical: '/x', display: '/x' } as unknown as CanonicalTarget;",
      '',
    ].join('\n');
    const [outside] = await eslint.lintText(probe, {
      filePath: path.join(ROOT, 'electron/core/host-api/probe.ts'),
    });
    expect(outside!.messages.map((m) => m.ruleId)).toEqual([
      'no-restricted-imports',
      'no-restricted-syntax',
      'no-restricted-syntax',
    ]);
    const [inside] = await eslint.lintText(probe.replaceAll('../gateways/', '../'), {
      filePath: path.join(ROOT, 'electron/core/gateways/probe.ts'),
    });
    expect(inside!.messages).toEqual([]);
  }, 60_000);
});

describe('one canonical string per target', () => {
  it('fs: spellings of one file, through links, `..` and slashes, name its real path', async () => {
    const home = fs.realpathSync(tempDir('warden-canon-home-'));
    fs.mkdirSync(path.join(home, 'docs'));
    fs.symlinkSync(path.join(home, 'docs'), path.join(home, 'link'));
    const o = { homeDir: home, platform: process.platform };
    const spellings = ['~/docs/new.txt', '~/link/new.txt', `${home}/x/../docs//new.txt`, '~/docs/./new.txt'];
    const targets = await Promise.all(spellings.map((s) => canonicalFsTarget(s, o)));
    expect(new Set(targets.map((t) => t.canonical))).toEqual(new Set([path.join(home, 'docs', 'new.txt')]));
    expect(targets[1]).toEqual({
      kind: 'fs',
      canonical: path.join(home, 'docs', 'new.txt'),
      display: '~/docs/new.txt',
    });
    await expect(canonicalFsTarget('~other/x', o)).rejects.toMatchObject({ code: 'EINVAL' });
    await expect(canonicalFsTarget('relative/x', o)).rejects.toMatchObject({ code: 'EINVAL' });
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('net: spellings of one URL name its normalised form; unusable URLs are EINVAL', () => {
    const one = [
      'http://LOCALHOST.:80/a/../x#frag',
      'http://ｌｏｃａｌｈｏｓｔ/x',
      'http://localhost/x',
      'http:\\\\localhost\\x',
    ].map((u) => canonicalNetTarget(u).canonical);
    expect(new Set(one)).toEqual(new Set(['http://localhost/x']));
    expect(canonicalNetTarget('http://[0:0::1]:8080/%7e').canonical).toBe('http://[::1]:8080/%7e');
    expect(canonicalNetTarget('https://bücher.example/').canonical).toBe('https://xn--bcher-kva.example/');
    for (const bad of ['http://user@localhost/', 'ftp://localhost/', 'localhost/x', undefined]) {
      expect(() => canonicalNetTarget(bad)).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    }
  });
});
