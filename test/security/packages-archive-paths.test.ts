// The extractor reads a package up to a bound whole into memory and parses it from there, and
// streams anything larger (or a gzip'd one that expands past the bound). Both paths must refuse
// the same hostile archives with the same reason, write nothing for them outside the staging
// folder, and give the same result for a good package: each case runs through both.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  extractPackage,
  generateKeyPair,
  flushesDone,
  installPackage,
  listInstalled,
  verifyPackage,
} from '../../electron/core/packages';
import { sha256Hex } from '../../electron/core/packages/verify';
import { tempDir } from '../helpers/sandbox';
import { makePackage, rawTar, readTar, withExtraEntries, writeTar, type RawEntry } from '../fixtures/packages/tools';

const key = generateKeyPair();
let work: string;
let good: string;
let n = 0;
const out = (name: string) => path.join(work, `${name}-${++n}.wext`);

/** In memory (the default bound) and streamed (a bound of 0). */
const PATHS = [
  ['in memory', {}],
  ['streamed', { memoryBytes: 0 }],
] as const;

beforeAll(async () => {
  work = tempDir('warden-pkgpaths-');
  good = await makePackage(work, key, { id: 'acme.paths', version: '1.0.0' });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Extracts into a fresh staging folder; returns the error message (or 'ok') and what was left on disk. */
interface Attempt {
  outcome: string;
  left: string[];
}
async function attempt(file: string, opts: { memoryBytes?: number }): Promise<Attempt> {
  const staging = tempDir('warden-pkgpaths-stage-');
  try {
    let outcome = 'ok';
    try {
      verifyPackage(await extractPackage(file, staging, { fsync: false, ...opts }));
    } catch (e) {
      outcome = (e as Error).message;
    }
    return { outcome, left: fs.readdirSync(staging, { recursive: true }).map(String).sort() };
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

const gz = (tar: Buffer) => zlib.gzipSync(tar);
const plainOf = (file: string) => writeTar(readTar(fs.readFileSync(file)));
const save = (name: string, bytes: Buffer) => {
  const f = out(name);
  fs.writeFileSync(f, bytes);
  return f;
};

describe('the in-memory and the streamed path agree', () => {
  const hostile: Array<[string, RawEntry[]]> = [
    ['a ../ path', [{ path: '../escape.js', data: 'x' }]],
    ['an absolute path', [{ path: '/tmp/warden-paths-abs.js', data: 'x' }]],
    ['a symbolic link', [{ path: 'dist/link.js', type: 'SymbolicLink', linkpath: '/etc/passwd' }]],
    ['a hard link', [{ path: 'dist/hard.js', type: 'Link', linkpath: 'manifest.json' }]],
    ['a FIFO entry', [{ path: 'fifo', type: 'FIFO' }]],
    ['a duplicate name', [{ path: 'README.md', data: 'second copy' }]],
    ['a case-folded duplicate', [{ path: 'readme.MD', data: 'x' }]],
    ['a file where a folder is', [{ path: 'dist', data: 'x' }]],
    ['an unsigned extra file', [{ path: 'extra.js', data: 'x' }]],
  ];
  for (const [what, entries] of hostile) {
    for (const packing of ['gzip', 'plain'] as const) {
      it(`refuses ${what} (${packing}) with the same reason on both paths`, async () => {
        const gzFile = withExtraEntries(good, entries, out('hostile'));
        const file = packing === 'gzip' ? gzFile : save('hostile-plain', zlib.gunzipSync(fs.readFileSync(gzFile)));
        const [mem, streamed] = (await Promise.all(PATHS.map(([, o]) => attempt(file, o)))) as [Attempt, Attempt];
        expect(mem.outcome).not.toBe('ok');
        expect(streamed).toEqual(mem);
        expect(fs.existsSync('/tmp/warden-paths-abs.js')).toBe(false);
        expect(fs.existsSync(path.join(work, 'escape.js'))).toBe(false);
      });
    }
  }

  it('refuses a truncated archive, garbage, more bytes than declared and trailing junk alike', async () => {
    const tar = plainOf(good);
    const declaredShort = rawTar([{ path: 'a.txt', size: 10, data: Buffer.alloc(4096, 0x61) }]);
    const cases = {
      truncated: tar.subarray(0, 700),
      'truncated gzip': gz(tar).subarray(0, 300),
      garbage: Buffer.from('this is not a tar file at all'.repeat(40)),
      'gzip of garbage': gz(Buffer.from('this is not a tar file at all'.repeat(40))),
      'a body longer than its header says': declaredShort,
      'two MiB after the end of the archive': Buffer.concat([tar, Buffer.alloc(2 * 1024 * 1024)]),
      'zstd magic (never decompressed by the parser)': Buffer.concat([Buffer.from([0x28, 0xb5, 0x2f, 0xfd]), tar]),
    };
    for (const [what, bytes] of Object.entries(cases)) {
      const file = save('bad', bytes);
      const [mem, streamed] = (await Promise.all(PATHS.map(([, o]) => attempt(file, o)))) as [Attempt, Attempt];
      expect(mem.outcome, what).not.toBe('ok');
      expect(streamed.outcome, what).toBe(mem.outcome);
    }
  });

  it("gives the same files, hashes and package hash for a good package, gzip'd or plain", async () => {
    for (const file of [good, save('plain', plainOf(good))]) {
      const results = await Promise.all(PATHS.map(([, o]) => extractPackage(file, undefined, o)));
      const [mem, streamed] = results.map((r) => ({ ...r, files: Object.fromEntries(r.files) }));
      expect(streamed).toEqual(mem);
      expect(mem!.packageSha256).toBe(sha256Hex(fs.readFileSync(file)));
      expect(mem!.packageSize).toBe(fs.statSync(file).size);
      expect(verifyPackage(results[0]!).id).toBe('acme.paths');
    }
  });
});

describe('the bound on what is held in memory', () => {
  it('streams a gzip whose size hint lies (a second, empty member) once it expands past the bound', async () => {
    const tar = plainOf(good);
    // A valid two-member gzip: its last 4 bytes are the empty member's size (0), not the tar's.
    const file = save('two-members', Buffer.concat([gz(tar), gz(Buffer.alloc(0))]));
    expect(fs.readFileSync(file).readUInt32LE(fs.statSync(file).size - 4)).toBe(0);
    const bound = fs.statSync(file).size; // the file fits, its expansion does not
    expect(tar.length).toBeGreaterThan(bound);
    const staging = tempDir('warden-pkgpaths-two-');
    const r = await extractPackage(file, staging, { fsync: false, memoryBytes: bound });
    expect(verifyPackage(r).id).toBe('acme.paths');
    for (const f of readTar(tar)) expect(fs.readFileSync(path.join(staging, f.path))).toEqual(Buffer.from(f.data));
    fs.rmSync(staging, { recursive: true, force: true });
  });

  it('still stops a bomb that fits the bound compressed', async () => {
    // ~12 KiB of gzip that expands to 12 MiB (under the bound, so expanded in memory), refused by
    // the decompressed-bytes cap as when streamed.
    const mib4 = 4 * 1024 * 1024;
    const bomb = rawTar([0, 1, 2].map((i) => ({ path: `zeros-${i}.bin`, data: Buffer.alloc(mib4) })));
    const file = save('bomb', zlib.gzipSync(bomb, { level: 9 }));
    for (const [, o] of PATHS) {
      await expect(extractPackage(file, undefined, { ...o, limits: { tarBytes: 8 * 1024 * 1024 } })).rejects.toThrow(
        /archive expands to more than 8388608 bytes/,
      );
    }
  });

  it('refuses a FIFO in place of the package at once instead of waiting for a writer', async () => {
    const fifo = path.join(work, 'pipe.wext');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo on this machine
    }
    await expect(extractPackage(fifo, undefined)).rejects.toThrow(/is not a file/);
  });

  it('reads a package through a symbolic link, as before', async () => {
    const link = path.join(work, 'link.wext');
    fs.symlinkSync(good, link);
    expect(verifyPackage(await extractPackage(link, undefined)).id).toBe('acme.paths');
  });
});

describe('a package refused after extraction', () => {
  const openDescriptors = () => (fs.existsSync('/proc/self/fd') ? fs.readdirSync('/proc/self/fd').length : 0);

  it('a package refused after extraction leaves no descriptor open and nothing behind', async () => {
    // 40 unsigned files: extracted and being flushed when the signature check refuses them.
    const extra = Array.from({ length: 40 }, (_, i) => ({ path: `assets/f${i}.txt`, data: `file ${i} `.repeat(200) }));
    const file = withExtraEntries(good, extra, out('unsigned-many'));
    const dataDir = tempDir('warden-pkgpaths-data-');
    try {
      const before = openDescriptors();
      await expect(installPackage(dataDir, file, 'install', { fsync: true })).rejects.toThrow(
        /not in the signed file list/,
      );
      expect(openDescriptors()).toBe(before);
      expect(fs.readdirSync(path.join(dataDir, 'extensions')).filter((f) => f !== '.lock')).toEqual([]);
      expect(await listInstalled(dataDir)).toEqual([]);
      // And the good one installs durably in the same folder afterwards.
      expect((await installPackage(dataDir, good, 'install', { fsync: true })).status).toBe('installed');
      await flushesDone(dataDir); // its flush follows the commit (flush.ts)
      expect(openDescriptors()).toBe(before);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
