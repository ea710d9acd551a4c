// Issue 17 item 1: hostile wheels in a Python extension, through the real entry points. `warden
// build` refuses, naming the wheel: a hash the lock does not pin, an extra or a missing wheel,
// non-pure wheels, path traversal, absolute and link members, zip bombs, lying metadata. A wheel
// changed after the build is refused by `warden pack`, and by the sandbox itself at start (its
// SHA-256 checked against the signed index) for a folder run and for an installed copy; an
// index changed with it is refused by the host. A folder carrying a hostile wheel that never went
// through `warden build` is refused by the sandbox before Python loads.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import {
  fixtureWheel,
  lockFor,
  makeWheel,
  writePythonExtension,
  writeWheels,
  zipFile,
  type BuiltWheel,
} from '../helpers/wheels';

const LONG = 600_000; // a Python start is ~1–3 s on a quiet machine; this one is shared
let work: string;
beforeAll(() => {
  work = tempDir('warden-py-wheels-hostile-');
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const last = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const MAIN = `import host
import wardentext


@host.command("hw.slug")
def slug(args):
    return wardentext.slugify(args.get("text", "Hello World"))
`;
let n = 0;
const ext = (wheels?: BuiltWheel[]) =>
  writePythonExtension(work, { id: `acme.hw${++n}`, commands: ['hw.slug'], main: MAIN, ...(wheels ? { wheels } : {}) });
const good = () => fixtureWheel('wardentext');
/** The same distribution and version, other code: what a substituted wheel looks like. */
const evil = () =>
  makeWheel({
    name: 'warden-text',
    version: '1.2.0',
    files: { 'wardentext/__init__.py': 'raise RuntimeError("EVIL CODE RAN")\n' },
  });
const build = (dir: string, ...extra: string[]) => runCli(['build', dir, ...extra]);

describe('warden build refuses what the lock does not pin, naming the wheel', () => {
  it('a wheel whose hash matches no --hash in requirements.lock', async () => {
    const w = good();
    const dir = ext([w]);
    fs.writeFileSync(path.join(dir, 'requirements.lock'), lockFor([{ ...w, sha256: sha256(Buffer.from('other')) }]));
    const r = await build(dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      new RegExp(
        `${w.file}: its SHA-256 ${w.sha256} matches no --hash for warden-text==1\\.2\\.0 in requirements\\.lock:2`,
      ),
    );
    expect(fs.existsSync(path.join(dir, 'python_packages'))).toBe(false);
  });

  it('an extra wheel, a missing wheel, a second wheel for one pin, another version', async () => {
    const w = good();
    const extra = makeWheel({ name: 'sneaky', version: '1.0', files: { 'sneaky.py': 'x = 1\n' } });
    const d1 = ext([w]);
    writeWheels(path.join(d1, 'wheels'), [extra]);
    const r1 = await build(d1);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(`${extra.file}: sneaky is not pinned in requirements.lock (extra wheel in wheels/)`);

    const d2 = ext([w]);
    fs.appendFileSync(path.join(d2, 'requirements.lock'), lockFor([extra]));
    const r2 = await build(d2);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/requirements\.lock:\d+ pins sneaky==1\.0 but wheels\/ has no wheel for it/);

    const d3 = ext([w]);
    const retagged = { ...w, file: w.file.replace('py3-none-any', 'py2.py3-none-any') };
    writeWheels(path.join(d3, 'wheels'), [retagged]);
    const r3 = await build(d3);
    expect(r3.code).toBe(1);
    expect(r3.stderr).toMatch(/a second wheel for warden-text==1\.2\.0/);

    const d4 = ext([w]);
    fs.writeFileSync(path.join(d4, 'requirements.lock'), lockFor([{ ...w, version: '1.2.1' }]));
    const r4 = await build(d4);
    expect(r4.code).toBe(1);
    expect(r4.stderr).toContain(`${w.file}: version 1.2.0, but requirements.lock:2 pins warden-text==1.2.1`);
  });

  it('a lock that is not exact pins with hashes', async () => {
    const dir = ext([good()]);
    for (const [text, why] of [
      ['warden-text>=1.0 --hash=sha256:' + '0'.repeat(64), /not an exact pin name==version/],
      ['warden-text==1.2.0', /has no --hash=sha256/],
      ['-e ./local', /the pip option -e is not supported/],
      ['warden-text==1.2.0 --hash=md5:abc', /md5 hashes are not supported/],
    ] as const) {
      fs.writeFileSync(path.join(dir, 'requirements.lock'), `${text}\n`);
      const r = await build(dir);
      expect(r.code, text).toBe(1);
      expect(r.stderr).toMatch(why);
    }
  });

  it('wheels that are not pure Python, or whose metadata lies', async () => {
    const cases: Array<[BuiltWheel, RegExp]> = [
      [
        makeWheel({ name: 'native', version: '1.0', tag: 'cp311-cp311-manylinux_2_17_x86_64', files: { 'n.py': '' } }),
        /native-1\.0-cp311-cp311-manylinux_2_17_x86_64\.whl: not a pure-Python wheel/,
      ],
      [
        makeWheel({ name: 'impure', version: '1.0', rootIsPurelib: false, files: { 'i.py': '' } }),
        /impure-1\.0-py3-none-any\.whl: WHEEL does not say Root-Is-Purelib: true/,
      ],
      [
        makeWheel({ name: 'sneaky_so', version: '1.0', files: { 'sneaky_so/_speedups.so': '\0asm' } }),
        /sneaky_so-1\.0-py3-none-any\.whl: holds native code \(sneaky_so\/_speedups\.so\)/,
      ],
      [
        makeWheel({ name: 'liar', version: '1.0', files: { 'l.py': '' }, metadataText: 'Name: other\nVersion: 1.0\n' }),
        /liar-1\.0-py3-none-any\.whl: METADATA names other, the file name liar/,
      ],
      [
        makeWheel({ name: 'scripts', version: '1.0', files: { 'scripts-1.0.data/scripts/run': '#!/bin/sh\n' } }),
        /scripts-1\.0-py3-none-any\.whl: has a \.data folder/,
      ],
    ];
    for (const [w, why] of cases) {
      const r = await build(ext([w]));
      expect(r.code, w.file).toBe(1);
      expect(r.stderr).toMatch(why);
    }
  });

  it('path traversal, absolute paths, links and zip bombs inside a wheel', async () => {
    const cases: Array<[BuiltWheel, RegExp]> = [
      [
        makeWheel({
          name: 'trav',
          version: '1.0',
          files: { 'trav.py': '' },
          extra: [{ name: '../../escape.py', data: 'x' }],
        }),
        /trav-1\.0-py3-none-any\.whl: member "\.\.\/\.\.\/escape\.py" has a "\.\." path \(path traversal\)/,
      ],
      [
        makeWheel({
          name: 'abs',
          version: '1.0',
          files: { 'abs.py': '' },
          extra: [{ name: '/etc/evil.py', data: 'x' }],
        }),
        /abs-1\.0-py3-none-any\.whl: member "\/etc\/evil\.py" has an absolute path/,
      ],
      [
        makeWheel({
          name: 'link',
          version: '1.0',
          files: { 'link.py': '' },
          extra: [{ name: 'link/passwd', data: '/etc/passwd', mode: 0o120777 }],
        }),
        /link-1\.0-py3-none-any\.whl: member "link\/passwd" is a symbolic link/,
      ],
      [
        // 40 MiB of zeros, honestly declared: refused on the declared size before inflating.
        makeWheel({
          name: 'bomb',
          version: '1.0',
          files: { 'bomb.py': '' },
          extra: [{ name: 'bomb/zeros.bin', data: Buffer.alloc(40 * 1024 * 1024) }],
        }),
        /bomb-1\.0-py3-none-any\.whl: member "bomb\/zeros\.bin" unpacks to 41943040 bytes, above the 16777216-byte limit/,
      ],
      [
        // 20 MiB of zeros declared as 1 KiB: inflation stops at the declared size.
        makeWheel({
          name: 'liarbomb',
          version: '1.0',
          files: { 'liarbomb.py': '' },
          extra: [{ name: 'liarbomb/zeros.bin', data: Buffer.alloc(20 * 1024 * 1024), declaredSize: 1024 }],
        }),
        /liarbomb-1\.0-py3-none-any\.whl: member "liarbomb\/zeros\.bin" inflates past its declared 1024 bytes/,
      ],
    ];
    for (const [w, why] of cases) {
      const r = await build(ext([w]));
      expect(r.code, w.file).toBe(1);
      expect(r.stderr).toMatch(why);
    }
  });

  it('--wheels <dir> is the wheel folder; without it and without wheels/ the build says where to put them', async () => {
    const w = good();
    const dir = ext([w]);
    const elsewhere = path.join(work, 'wheelhouse');
    fs.renameSync(path.join(dir, 'wheels'), elsewhere);
    const r1 = await build(dir);
    expect(r1.code).toBe(1);
    expect(r1.stderr).toContain(
      'there is no wheels folder wheels/: put the pinned .whl files there or pass --wheels <dir> (Warden does not download from PyPI)',
    );
    const r2 = await build(dir, '--wheels', elsewhere);
    expect(r2.code, r2.stderr).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'python_packages'))).toContain(w.file);
  });
});

describe('a wheel changed after the build', () => {
  it(
    'is refused by warden pack, and by the sandbox when the folder is run (the substituted code never runs)',
    async () => {
      const w = good();
      const dir = ext([w]);
      expect((await build(dir)).code).toBe(0);
      fs.writeFileSync(path.join(dir, 'python_packages', w.file), evil().bytes);
      const key = path.join(work, 'k1.key');
      expect((await runCli(['keygen', '--out', key])).code).toBe(0);
      const pack = await runCli(['pack', dir, '--key', key, '--out', path.join(work, 'x.wext')]);
      expect(pack.code).toBe(2);
      expect(pack.stderr).toContain(
        `python_packages/${w.file} does not match its hash in python_packages/index.json (changed after warden build)`,
      );
      const r = await runCli(['run', dir, 'hw.slug', '--json', '--data-dir', path.join(work, 'd1')], {}, LONG);
      const out = last(r.stdout) as { ok: boolean; error: { message: string } };
      expect(out.ok).toBe(false);
      expect(out.error.message).toContain(
        `python_packages/${w.file} does not match its SHA-256 in the signed python_packages/index.json`,
      );
      expect(`${r.stdout}${r.stderr}`).not.toContain('EVIL CODE RAN');
    },
    LONG,
  );

  it(
    'in an installed copy: the sandbox refuses the wheel; an index changed to match is refused by the host',
    async () => {
      const w = good();
      const dir = ext([w]);
      const id = path.basename(dir);
      expect((await build(dir)).code).toBe(0);
      const key = path.join(work, 'k2.key');
      expect((await runCli(['keygen', '--out', key])).code).toBe(0);
      const wext = path.join(work, 'ok.wext');
      expect((await runCli(['pack', dir, '--key', key, '--out', wext])).code).toBe(0);
      const home = path.join(work, 'home');
      const inst = await runCli(['install', '--yes', wext, '--data-dir', home]);
      expect(inst.code, inst.stderr).toBe(0);
      const ok = await runCli(['run', id, 'hw.slug', '--json', '--data-dir', home], {}, LONG);
      expect(last(ok.stdout), ok.stderr).toMatchObject({ ok: true, result: { type: 'text', text: 'hello-world' } });

      const installed = findFile(home, path.join('python_packages', w.file));
      const bad = evil();
      fs.writeFileSync(installed, bad.bytes);
      const r1 = await runCli(['run', id, 'hw.slug', '--json', '--data-dir', home], {}, LONG);
      const o1 = last(r1.stdout) as { ok: boolean; error: { message: string } };
      expect(o1.ok).toBe(false);
      expect(o1.error.message).toContain(`python_packages/${w.file} does not match its SHA-256 in the signed`);
      expect(`${r1.stdout}${r1.stderr}`).not.toContain('EVIL CODE RAN');

      const indexFile = path.join(path.dirname(installed), 'index.json');
      fs.writeFileSync(indexFile, fs.readFileSync(indexFile, 'utf8').replace(w.sha256, bad.sha256));
      const r2 = await runCli(['run', id, 'hw.slug', '--json', '--data-dir', home], {}, LONG);
      const o2 = last(r2.stdout) as { ok: boolean; error: { message: string } };
      expect(o2.ok).toBe(false);
      expect(o2.error.message).toContain('python_packages/index.json does not match the signed package');
      expect(`${r2.stdout}${r2.stderr}`).not.toContain('EVIL CODE RAN');
    },
    LONG,
  );
});

describe('hostile wheels that never went through warden build: the sandbox refuses them', () => {
  /** A folder whose python_packages/ was written by hand, with an index that matches the bytes. */
  const handMade = (w: { file: string; bytes: Buffer }) => {
    const dir = ext();
    fs.mkdirSync(path.join(dir, 'python_packages'));
    fs.writeFileSync(path.join(dir, 'python_packages', w.file), w.bytes);
    const index = { format: 1, wheels: [{ file: w.file, name: 'x', version: '1.0', sha256: sha256(w.bytes) }] };
    fs.writeFileSync(path.join(dir, 'python_packages', 'index.json'), JSON.stringify(index));
    return dir;
  };

  it(
    'path traversal, a link, a lying zip bomb, native code',
    async () => {
      const cases: Array<[{ file: string; bytes: Buffer }, string]> = [
        [
          makeWheel({
            name: 'trav',
            version: '1.0',
            files: { 'trav.py': '' },
            extra: [{ name: '../../../tmp/escape.py', data: 'x' }],
          }),
          'member "../../../tmp/escape.py" has a ".." path (path traversal)',
        ],
        [
          makeWheel({
            name: 'link',
            version: '1.0',
            files: { 'link.py': '' },
            extra: [{ name: 'link/p', data: '/etc/passwd', mode: 0o120777 }],
          }),
          'member "link/p" is a symbolic link',
        ],
        [
          makeWheel({
            name: 'bomb',
            version: '1.0',
            files: { 'bomb.py': '' },
            extra: [{ name: 'bomb/z.bin', data: Buffer.alloc(20 * 1024 * 1024), declaredSize: 1024 }],
          }),
          'member "bomb/z.bin" inflates past its declared 1024 bytes',
        ],
        [
          { file: 'raw-1.0-py3-none-any.whl', bytes: zipFile([{ name: 'raw/_x.so', data: 'x' }]) },
          'holds native code (raw/_x.so)',
        ],
      ];
      for (const [w, why] of cases) {
        const r = await runCli(
          ['run', handMade(w), 'hw.slug', '--json', '--data-dir', path.join(work, 'd5')],
          {},
          LONG,
        );
        const out = last(r.stdout) as { ok: boolean; error?: { message: string } };
        expect(out.ok, w.file).toBe(false);
        expect(out.error?.message).toContain(`${w.file}: ${why}`);
      }
    },
    LONG,
  );
});

function findFile(root: string, suffix: string): string {
  for (const d of fs.readdirSync(root, { withFileTypes: true, recursive: true })) {
    const full = path.join(d.parentPath, d.name);
    if (d.isFile() && full.endsWith(suffix)) return full;
  }
  throw new Error(`${suffix} not found under ${root}`);
}
