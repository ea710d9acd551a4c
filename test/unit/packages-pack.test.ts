// Deterministic packing: the same folder gives byte-identical .wext files, with normalised tar
// metadata, only the shipped files, and a signature that verifies.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { Header } from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { extractPackage, generateKeyPair, packExtension, verifyPackage } from '../../electron/core/packages';
import { tempDir } from '../helpers/sandbox';
import { writeExt } from '../fixtures/packages/tools';

const work = tempDir('warden-pack-');
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
const key = generateKeyPair();

function headers(bytes: Buffer): Header[] {
  const tar = bytes[0] === 0x1f && bytes[1] === 0x8b ? zlib.gunzipSync(bytes) : bytes;
  const out: Header[] = [];
  for (let off = 0; off + 512 <= tar.length;) {
    const h = new Header(tar, off);
    if (h.nullBlock) break;
    out.push(h);
    off += 512 + Math.ceil((h.size ?? 0) / 512) * 512;
  }
  return out;
}

describe('packExtension', () => {
  it("is byte-identical for the same folder, whatever the files' times, modes and creation order", async () => {
    const a = writeExt(work, { extra: { 'dist/extension.js.map': '{}', LICENSE: 'MIT' } });
    const b = path.join(work, 'copy');
    // Same content, created in another order, with other times and modes.
    fs.mkdirSync(path.join(b, 'dist'), { recursive: true });
    for (const rel of ['LICENSE', 'dist/extension.js.map', 'README.md', 'dist/extension.js', 'manifest.json']) {
      fs.copyFileSync(path.join(a, rel), path.join(b, rel));
      fs.chmodSync(path.join(b, rel), 0o755);
      fs.utimesSync(path.join(b, rel), new Date(2001, 1, 1), new Date(2002, 2, 2));
    }
    const p1 = await packExtension(a, key);
    const p2 = await packExtension(a, key);
    const p3 = await packExtension(b, key);
    expect(p1.bytes.equals(p2.bytes)).toBe(true);
    expect(p1.bytes.equals(p3.bytes)).toBe(true);
  });

  it('writes sorted entries with mtime 0, uid/gid 0, mode 0644, no owner names and no pax headers', async () => {
    const dir = writeExt(work, { extra: { 'icon.png': 'PNG' } });
    const { bytes } = await packExtension(dir, key);
    const hs = headers(bytes);
    expect(hs.map((h) => h.path)).toEqual(['README.md', 'dist/extension.js', 'manifest.json', 'warden-signature.json']);
    for (const h of hs) {
      expect(h.type).toBe('File');
      expect(h.mtime?.getTime()).toBe(0);
      expect([h.uid, h.gid, h.mode]).toEqual([0, 0, 0o644]);
      expect(h.uname ?? '').toBe('');
      expect(h.gname ?? '').toBe('');
    }
    // With --gzip: the same entries, a gzip header with no file name and mtime 0, still deterministic.
    const gz = (await packExtension(dir, key, { gzip: true })).bytes;
    expect(gz.equals((await packExtension(dir, key, { gzip: true })).bytes)).toBe(true);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    expect(gz.readUInt32LE(4)).toBe(0);
    expect(gz[3]! & 0x08).toBe(0);
    expect(headers(gz).map((h) => h.path)).toEqual(hs.map((h) => h.path));
    const file = path.join(work, 'gz.wext');
    fs.writeFileSync(file, gz);
    expect(verifyPackage(await extractPackage(file, undefined)).id).toBe('acme.hello');
  });

  it('ships manifest, bundle, map, icon, README, LICENSE, CHANGELOG, and nothing else', async () => {
    const dir = writeExt(work, {
      extra: {
        '.env': 'TOKEN=secret',
        '.git/config': 'x',
        'node_modules/lib/index.js': 'x',
        'src/extension.ts': 'x',
        'dist/extension.js.map': '{}',
        'dist/other.js': 'x',
        'LICENSE.md': 'MIT',
        'CHANGELOG.md': '1.0.0',
        'test/fixture.txt': 'x',
      },
    });
    const r = await packExtension(dir, key);
    expect(r.files).toEqual([
      'CHANGELOG.md',
      'LICENSE.md',
      'README.md',
      'dist/extension.js',
      'dist/extension.js.map',
      'manifest.json',
    ]);
    const file = path.join(work, 'shipped.wext');
    fs.writeFileSync(file, r.bytes);
    const pkg = verifyPackage(await extractPackage(file, undefined));
    expect(Object.keys(pkg.files).sort()).toEqual(r.files);
    expect(pkg.fingerprint).toBe(key.fingerprint);
  });

  it('refuses a symlinked bundle and an invalid extension', async () => {
    const dir = writeExt(work);
    fs.renameSync(path.join(dir, 'dist', 'extension.js'), path.join(dir, 'real.js'));
    fs.symlinkSync(path.join(dir, 'real.js'), path.join(dir, 'dist', 'extension.js'));
    await expect(packExtension(dir, key)).rejects.toThrow(/dist\/extension\.js is a symbolic link/);
    const bad = writeExt(work);
    fs.writeFileSync(path.join(bad, 'manifest.json'), '{"id":1}');
    await expect(packExtension(bad, key)).rejects.toThrow(/invalid extension: manifest\.json/);
  });
});
