// Package paths Windows opens as something else (device names such as `CON.js` or `aux.txt`, names
// ending in a dot or a space): refused by `warden pack`, and by `warden install` / the installer
// even when properly signed, on every platform (a package signed here may be installed there).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateKeyPair,
  installPackage,
  listInstalled,
  PackageError,
  writeKeyPair,
} from '../../electron/core/packages';
import { canonicalBytes } from '../../electron/core/packages/canonical-json';
import { sign } from '../../electron/core/packages/signing';
import { encodeSignatureFile, sha256Hex, type SignedPayload } from '../../electron/core/packages/verify';
import { runCli, tempDir } from '../helpers/sandbox';
import { makePackage, rewrite, writeExt } from '../fixtures/packages/tools';

const key = generateKeyPair();
let work: string;
let good: string;

beforeAll(async () => {
  work = tempDir('warden-winnames-');
  good = await makePackage(work, key, { id: 'acme.hello', version: '1.0.0' });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const BAD_NAMES = ['CON.js', 'aux.txt', 'dist/nul', 'dist/Com1.map', 'lpt9', 'assets/CONOUT$.json', 'prn .md'];

/** The good package plus one extra file, listed and hashed in a valid signature by the same key. */
function signedWith(name: string): string {
  const data = Buffer.from('extra');
  return rewrite(
    good,
    (files) => {
      const next = files.map((f) => {
        if (f.path !== 'warden-signature.json') return f;
        const { signed } = JSON.parse(Buffer.from(f.data).toString()) as { signed: SignedPayload };
        const payload = { ...signed, files: { ...signed.files, [name]: sha256Hex(data) } };
        return { path: f.path, data: encodeSignatureFile(payload, sign(key.privateKey, canonicalBytes(payload))) };
      });
      return [...next, { path: name, data }];
    },
    path.join(work, `extra-${Math.random().toString(36).slice(2)}.wext`),
  );
}

describe('Windows device names in packages', () => {
  it('install refuses a signed package holding a device name, through the CLI and the installer', async () => {
    for (const name of BAD_NAMES) {
      const file = signedWith(name);
      const dataDir = tempDir('warden-winnames-data-');
      try {
        if (name === BAD_NAMES[0] || name === BAD_NAMES[BAD_NAMES.length - 1]) {
          const cli = await runCli(['install', '--yes', file, '--data-dir', dataDir]);
          expect(cli.code, `${name}: ${cli.stdout}`).not.toBe(0);
          expect(cli.stderr, name).toMatch(/device name|dot or a space/i);
        }
        const err = await installPackage(dataDir, file, 'install').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, name).toBeInstanceOf(PackageError);
        expect(await listInstalled(dataDir)).toEqual([]);
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
    // The same construction with an ordinary name installs: the refusal is about the name.
    const dataDir = tempDir('warden-winnames-data-');
    try {
      await expect(installPackage(dataDir, signedWith('assets/console.js'), 'install')).resolves.toBeDefined();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('`warden pack` refuses a main bundle with a device name', async () => {
    const dir = writeExt(work, { id: 'acme.devname' });
    const manifestFile = path.join(dir, 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as Record<string, unknown>;
    fs.renameSync(path.join(dir, 'dist', 'extension.js'), path.join(dir, 'dist', 'aux.js'));
    fs.writeFileSync(manifestFile, JSON.stringify({ ...manifest, main: 'dist/aux.js' }));
    const keyFile = path.join(work, `key-${Math.random().toString(36).slice(2)}`);
    writeKeyPair(keyFile);
    const out = path.join(work, 'devname.wext');
    const r = await runCli(['pack', dir, '--key', keyFile, '--out', out]);
    expect(r.code, r.stdout).not.toBe(0);
    expect(r.stderr).toMatch(/device name/i);
    expect(fs.existsSync(out)).toBe(false);
  });
});
