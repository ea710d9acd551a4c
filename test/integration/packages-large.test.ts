// A package above the extractor's in-memory bound (16 MiB) is streamed instead of read whole:
// through the real CLI, `warden verify` and `warden install` treat it exactly like a small one
// (same hash of the file as stored, the bundle intact on disk, and it runs).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../electron/core/packages';
import { sha256Hex } from '../../electron/core/packages/verify';
import { runCli, tempDir } from '../helpers/sandbox';
import { makePackage } from '../fixtures/packages/tools';

let work: string;
let big: string;
let source: string;

beforeAll(async () => {
  work = tempDir('warden-pkglarge-');
  // ~18 MiB of incompressible text (a bundle is capped at 16 MiB, so the README carries part):
  // above the bound as stored, whatever the packing.
  const filler = (mib: number) => crypto.randomBytes(mib * 1024 * 1024).toString('base64');
  source = `exports.activate = () => { host.commands.register('hello', () => 'hello from 1.0.0'); };\n/* ${filler(7)} */\n`;
  big = await makePackage(work, generateKeyPair(), {
    id: 'acme.large',
    version: '1.0.0',
    source,
    extra: { 'README.md': `# large\n\n${filler(6)}\n` },
  });
  expect(fs.statSync(big).size).toBeGreaterThan(16 * 1024 * 1024);
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('a package above the in-memory bound', () => {
  it('verifies, installs and runs through the CLI, hashed as stored', async () => {
    const dataDir = tempDir('warden-pkglarge-data-');
    try {
      const v = await runCli(['verify', '--json', big, '--data-dir', dataDir]);
      expect(v.code, v.stderr).toBe(0);
      expect(JSON.parse(v.stdout)).toMatchObject({
        ok: true,
        id: 'acme.large',
        sha256: sha256Hex(fs.readFileSync(big)),
      });
      const i = await runCli(['install', '--yes', big, '--data-dir', dataDir]);
      expect(i.code, i.stderr).toBe(0);
      const bundle = path.join(dataDir, 'extensions', 'acme.large', '1.0.0', 'dist', 'extension.js');
      expect(fs.readFileSync(bundle, 'utf8')).toBe(source);
      const r = await runCli(['run', 'acme.large', 'hello', '--data-dir', dataDir]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('hello from 1.0.0\n');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
