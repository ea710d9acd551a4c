// Hostile packages against the real extractor, verifier and installer: every one is refused with
// a reason, nothing is written outside the staging folder, and the installed state is unchanged.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  extractPackage,
  generateKeyPair,
  installPackage,
  listInstalled,
  PackageError,
  verifyPackage,
} from '../../electron/core/packages';
import { canonicalBytes } from '../../electron/core/packages/canonical-json';
import { sign } from '../../electron/core/packages/signing';
import { encodeSignatureFile, sha256Hex, type SignedPayload } from '../../electron/core/packages/verify';
import { tempDir } from '../helpers/sandbox';
import {
  makePackage,
  rawTar,
  readTar,
  rewrite,
  withExtraEntries,
  writeTar,
  type RawEntry,
} from '../fixtures/packages/tools';

const key = generateKeyPair();
let work: string;
let good: string;

beforeAll(async () => {
  work = tempDir('warden-pkgsec-');
  good = await makePackage(work, key, { id: 'acme.hello', version: '1.0.0' });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

let n = 0;
const out = (name = 'bad') => path.join(work, `${name}-${++n}.wext`);

/** Installs into a fresh data folder; expects a PackageError matching `why`, and no trace left. */
async function expectRefused(file: string, why: RegExp): Promise<void> {
  const dataDir = tempDir('warden-pkgsec-data-');
  try {
    const err = await installPackage(dataDir, file, 'install').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err, 'should be refused').toBeInstanceOf(PackageError);
    expect((err as Error).message).toMatch(why);
    expect(await listInstalled(dataDir)).toEqual([]);
    const root = path.join(dataDir, 'extensions');
    const left = fs.existsSync(root) ? fs.readdirSync(root).filter((f) => f !== 'state.json') : [];
    expect(left, 'no staging folder or extension folder left behind').toEqual([]);
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function signedEntries(mutate: (s: SignedPayload) => SignedPayload, signer = key) {
  return (files: ReturnType<typeof readTar>) => {
    const sigEntry = files.find((f) => f.path === 'warden-signature.json')!;
    const { signed } = JSON.parse(Buffer.from(sigEntry.data).toString()) as { signed: SignedPayload };
    const next = mutate(signed);
    const data = encodeSignatureFile(next, sign(signer.privateKey, canonicalBytes(next)));
    return files.map((f) => (f === sigEntry ? { path: f.path, data } : f));
  };
}

describe('signature and hashes', () => {
  it('accepts the untouched package', async () => {
    const r = await extractPackage(good, undefined);
    expect(verifyPackage(r)).toMatchObject({ id: 'acme.hello', version: '1.0.0' });
  });

  it('refuses a tampered file', async () => {
    const f = rewrite(
      good,
      (files) => files.map((e) => (e.path === 'dist/extension.js' ? { ...e, data: Buffer.from('/* evil */') } : e)),
      out(),
    );
    await expectRefused(f, /dist\/extension\.js does not match its signed hash/);
  });

  it('refuses a tampered manifest (a wider permission slipped in)', async () => {
    const f = rewrite(
      good,
      (files) =>
        files.map((e) => {
          if (e.path !== 'manifest.json') return e;
          const m = JSON.parse(Buffer.from(e.data).toString());
          m.permissions['fs.write'] = ['~/**'];
          return { ...e, data: Buffer.from(JSON.stringify(m)) };
        }),
      out(),
    );
    await expectRefused(f, /manifest\.json does not match its signed hash/);
  });

  it('refuses a signature by another key than the one it names (wrong key)', async () => {
    const other = generateKeyPair();
    await expectRefused(
      rewrite(
        good,
        signedEntries((s) => s, other),
        out(),
      ),
      /bad signature/,
    );
  });

  it('refuses a re-signed payload whose hashes were edited without the key', async () => {
    const f = rewrite(
      good,
      (files) =>
        files.map((e) => {
          if (e.path !== 'warden-signature.json') return e;
          const sig = JSON.parse(Buffer.from(e.data).toString());
          sig.signed.files['dist/extension.js'] = sha256Hex(Buffer.from('x'));
          return { ...e, data: Buffer.from(JSON.stringify(sig)) };
        }),
      out(),
    );
    await expectRefused(f, /bad signature/);
  });

  it('refuses a missing signed file, an extra unsigned file, and no signature at all', async () => {
    await expectRefused(
      rewrite(good, (files) => files.filter((f) => f.path !== 'README.md'), out()),
      /README\.md is listed in the signature but missing/,
    );
    await expectRefused(
      rewrite(good, (files) => [...files, { path: 'extra.js', data: Buffer.from('1') }], out()),
      /extra\.js is in the package but not in the signed file list/,
    );
    await expectRefused(
      rewrite(good, (files) => files.filter((f) => f.path !== 'warden-signature.json'), out()),
      /unsigned package/,
    );
  });

  it('refuses a signed id/version that differs from the manifest', async () => {
    await expectRefused(
      rewrite(
        good,
        signedEntries((s) => ({ ...s, version: '9.0.0' })),
        out(),
      ),
      /manifest\.json version "1\.0\.0" differs from the signed version "9\.0\.0"/,
    );
  });

  it('refuses an unknown field in the signature file (nothing unsigned is used)', async () => {
    const f = rewrite(
      good,
      (files) =>
        files.map((e) => {
          if (e.path !== 'warden-signature.json') return e;
          const sig = JSON.parse(Buffer.from(e.data).toString());
          sig.permissions = { 'fs.write': ['/'] };
          return { ...e, data: Buffer.from(JSON.stringify(sig)) };
        }),
      out(),
    );
    await expectRefused(f, /warden-signature\.json is malformed/);
  });

  it('refuses a package for another engine version', async () => {
    const dir = path.join(work, 'engine');
    fs.mkdirSync(dir);
    const f = await makePackage(dir, key, { id: 'acme.future', version: '1.0.0' });
    const g = rewrite(
      f,
      (files) => {
        const next = files.map((e) => {
          if (e.path !== 'manifest.json') return e;
          const m = JSON.parse(Buffer.from(e.data).toString());
          m.engines.warden = '^9.0.0';
          return { ...e, data: Buffer.from(JSON.stringify(m)) };
        });
        const manifest = next.find((e) => e.path === 'manifest.json')!;
        return signedEntries((s) => ({ ...s, files: { ...s.files, 'manifest.json': sha256Hex(manifest.data) } }))(next);
      },
      out(),
    );
    await expectRefused(g, /needs Warden API \^9\.0\.0/);
  });
});

describe('archive entries', () => {
  const cases: Array<[string, RawEntry, RegExp]> = [
    ['a ../ path', { path: '../escape.js', data: 'x' }, /"\.\.\/escape\.js": "\.\." in path/],
    ['a nested ../ path', { path: 'dist/../../escape.js', data: 'x' }, /"\.\." in path/],
    ['an absolute path', { path: '/tmp/warden-abs-escape.js', data: 'x' }, /absolute path/],
    ['a symbolic link', { path: 'dist/link.js', type: 'SymbolicLink', linkpath: '/etc/passwd' }, /a symbolic link/],
    ['a hard link', { path: 'dist/hard.js', type: 'Link', linkpath: 'manifest.json' }, /a hard link/],
    ['a character device', { path: 'dev-null', type: 'CharacterDevice' }, /a device/],
    ['a FIFO', { path: 'fifo', type: 'FIFO' }, /a FIFO/],
    ['a backslash path', { path: 'dist\\..\\..\\x.js', data: 'x' }, /backslash/],
    ['a duplicate name', { path: 'README.md', data: 'second copy' }, /"README\.md": duplicate name/],
    ['a case-folded duplicate', { path: 'readme.MD', data: 'x' }, /duplicate name/],
    ['a file where a folder is', { path: 'dist', data: 'x' }, /a file and a folder share a name/],
    [
      'a folder entry with content',
      { path: 'docs/', type: 'Directory', data: 'x' },
      /folder entry with content|not a valid package archive/,
    ],
  ];
  for (const [what, entry, why] of cases) {
    it(`refuses ${what}`, async () => {
      await expectRefused(withExtraEntries(good, [entry], out()), why);
      expect(fs.existsSync('/tmp/warden-abs-escape.js')).toBe(false);
      expect(fs.existsSync(path.join(work, 'escape.js'))).toBe(false);
    });
  }

  it('refuses Unicode-normalisation duplicates (NFC vs NFD)', async () => {
    const f = withExtraEntries(
      good,
      [
        { path: 'caf\u00e9.txt', data: 'a' },
        { path: 'cafe\u0301.txt', data: 'b' },
      ],
      out(),
    );
    await expectRefused(f, /duplicate name/);
  });

  it('refuses an entry above the per-file cap before writing it', async () => {
    // Declares 40 MiB but carries almost nothing: refused on the header alone.
    const body = rawTar([{ path: 'big.bin', size: 40 * 1024 * 1024, data: Buffer.alloc(512) }], { end: false });
    const f = out('huge');
    fs.writeFileSync(f, zlib.gzipSync(body));
    await expectRefused(f, /"big\.bin": 41943040 bytes is above the 33554432-byte limit per file/);
  });

  it('refuses more entries than the cap', async () => {
    const entries = Array.from({ length: 30 }, (_, i) => ({ path: `f${i}.txt`, data: 'x' }));
    const f = out('many');
    fs.writeFileSync(f, zlib.gzipSync(rawTar(entries)));
    await expect(extractPackage(f, undefined, { limits: { entries: 20 } })).rejects.toThrow(/more than 20 entries/);
  });

  it('stops a tar bomb (tiny gzip, hundreds of MiB expanded) early, without filling the disk', async () => {
    // Ten 30 MiB files of zeros: each under the per-file cap, 300 MiB in total, ~300 KiB on disk.
    const gz = zlib.createGzip({ level: 9 });
    const chunks: Buffer[] = [];
    gz.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((r) => gz.on('end', r));
    const zero = Buffer.alloc(1024 * 1024);
    for (let i = 0; i < 10; i++) {
      gz.write(rawTar([{ path: `zeros-${i}.bin`, size: 30 * 1024 * 1024 }], { end: false }).subarray(0, 512));
      for (let j = 0; j < 30; j++) gz.write(zero);
    }
    gz.end(Buffer.alloc(1024));
    await done;
    const f = out('bomb');
    fs.writeFileSync(f, Buffer.concat(chunks));
    expect(fs.statSync(f).size).toBeLessThan(1024 * 1024);
    const staging = tempDir('warden-bomb-');
    const started = performance.now();
    const err = await extractPackage(f, staging).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/expands to more than 67108864 bytes/);
    expect(performance.now() - started).toBeLessThan(10_000);
    const written = fs.readdirSync(staging).reduce((s, n) => s + fs.statSync(path.join(staging, n)).size, 0);
    expect(written).toBeLessThanOrEqual(64 * 1024 * 1024);
    fs.rmSync(staging, { recursive: true, force: true });
    await expectRefused(f, /expands to more than/);
  });

  it('stops a compression bomb hidden after the end of the archive', async () => {
    const gz = zlib.createGzip({ level: 9 });
    const chunks: Buffer[] = [];
    gz.on('data', (c: Buffer) => chunks.push(c));
    const done = new Promise((r) => gz.on('end', r));
    gz.write(fs.readFileSync(good));
    const zero = Buffer.alloc(1024 * 1024);
    for (let j = 0; j < 120; j++) gz.write(zero);
    gz.end();
    await done;
    const f = out('trailing-bomb');
    fs.writeFileSync(f, Buffer.concat(chunks));
    const started = performance.now();
    await expectRefused(f, /bytes after the end of the archive/);
    expect(performance.now() - started).toBeLessThan(5_000);
    // The same bomb stops at the decompressed-bytes cap even where the end is never seen.
    const noEnd = out('no-end-bomb');
    const gz2 = zlib.createGzip({ level: 9 });
    const c2: Buffer[] = [];
    gz2.on('data', (c: Buffer) => c2.push(c));
    const done2 = new Promise((r) => gz2.on('end', r));
    gz2.write(rawTar([{ path: 'a.bin', size: 20 * 1024 * 1024 }], { end: false }).subarray(0, 512));
    for (let j = 0; j < 20; j++) gz2.write(zero);
    gz2.write(rawTar([{ path: 'b.bin', size: 20 * 1024 * 1024 }], { end: false }).subarray(0, 512));
    for (let j = 0; j < 20; j++) gz2.write(zero);
    gz2.end();
    await done2;
    fs.writeFileSync(noEnd, Buffer.concat(c2));
    await expect(extractPackage(noEnd, undefined, { limits: { tarBytes: 30 * 1024 * 1024 } })).rejects.toThrow(
      /archive expands to more than 31457280 bytes \(a compression bomb\?\)/,
    );
  });

  it('refuses garbage, an empty file and a truncated archive', async () => {
    const g = out('garbage');
    fs.writeFileSync(g, Buffer.from('this is not a tar file at all'.repeat(40)));
    await expectRefused(g, /not a valid package archive/);
    const e = out('empty');
    fs.writeFileSync(e, '');
    await expectRefused(e, /is empty/);
    const t = out('truncated');
    const tar = fs.readFileSync(good);
    fs.writeFileSync(t, tar.subarray(0, 700));
    await expectRefused(t, /not a valid package archive|truncated/);
  });

  it('reads a plain (uncompressed) tar too', async () => {
    const f = out('plain');
    fs.writeFileSync(f, writeTar(readTar(fs.readFileSync(good))));
    const r = await extractPackage(f, undefined);
    expect(verifyPackage(r).id).toBe('acme.hello');
  });
  // Each written file is flushed on its own descriptor while the archive is still parsed, a few at
  // a time (the rest by path at the end): every file lands intact, and a refusal in the middle
  // leaves no descriptor open however many flushes were in flight.
  const openDescriptors = () => (fs.existsSync('/proc/self/fd') ? fs.readdirSync('/proc/self/fd').length : 0);
  const manyFiles = (n: number): RawEntry[] =>
    Array.from({ length: n }, (_, i) => ({ path: `assets/f${i}.txt`, data: `file ${i} `.repeat(50 + i) }));

  it('extracts and flushes more files than are flushed at once, each one intact', async () => {
    const entries = manyFiles(60);
    const f = out('many');
    fs.writeFileSync(f, rawTar(entries));
    const staging = tempDir('warden-many-');
    const before = openDescriptors();
    const r = await extractPackage(f, staging, { fsync: true });
    for (const e of entries) {
      expect(fs.readFileSync(path.join(staging, e.path), 'utf8')).toBe(e.data);
      expect(r.files.get(e.path)?.sha256).toBe(sha256Hex(Buffer.from(e.data as string)));
    }
    expect(openDescriptors()).toBe(before);
    fs.rmSync(staging, { recursive: true, force: true });
  });

  it('a refusal after many written files leaves no descriptor open', async () => {
    const f = out('many-bad');
    fs.writeFileSync(f, rawTar([...manyFiles(40), { path: 'evil', type: 'SymbolicLink', linkpath: '/etc/passwd' }]));
    const staging = tempDir('warden-many-bad-');
    const before = openDescriptors();
    await expect(extractPackage(f, staging, { fsync: true })).rejects.toThrow(/symbolic link/);
    await new Promise((r) => setTimeout(r, 200)); // flushes still in the thread pool settle
    expect(openDescriptors()).toBe(before);
    fs.rmSync(staging, { recursive: true, force: true });
  });
});
