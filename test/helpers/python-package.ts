/**
 * A signed package of one of the Python examples, for the tamper tests: copied, built (which
 * vendors the runtime), packed with a fresh key, and installed on demand into its own data folder
 * through the real CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { EXAMPLES, runCli } from './sandbox';

export interface PackedPython {
  wext: string;
  /** Installs the package into `<work>/<name>`; returns that data folder and the installed copy. */
  install(name: string): Promise<{ dataDir: string; dir: string }>;
}

export async function packPythonExample(work: string, example: string, id: string): Promise<PackedPython> {
  const key = path.join(work, 'k.key');
  expect((await runCli(['keygen', '--out', key])).code).toBe(0);
  const src = path.join(work, 'ext');
  fs.cpSync(path.join(EXAMPLES, example), src, { recursive: true });
  expect((await runCli(['build', src])).code).toBe(0);
  const wext = path.join(work, 'ext.wext');
  const p = await runCli(['pack', src, '--key', key, '--out', wext]);
  expect(p.code, p.stderr).toBe(0);
  return {
    wext,
    async install(name) {
      const dataDir = path.join(work, name);
      const i = await runCli(['install', wext, '--yes', '--data-dir', dataDir]);
      expect(i.code, i.stderr).toBe(0);
      return { dataDir, dir: path.join(dataDir, 'extensions', id, '1.0.0') };
    },
  };
}

/**
 * A run of an installed package refused for integrity: EPERM naming the file, before any
 * interpreter started (no snapshot or cold start), and an integrity violation in the audit log.
 */
export async function expectIntegrityRefusal(
  r: { code: number | null; stdout: string; stderr: string },
  o: { id: string; dataDir: string; message: RegExp; audit: RegExp },
): Promise<void> {
  expect(r.code).not.toBe(0);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    ok: boolean;
    error: { code: string; message: string };
  };
  expect(out.ok).toBe(false);
  expect(out.error.code).toBe('EPERM');
  expect(out.error.message).toMatch(o.message);
  expect(r.stderr).not.toMatch(/python started/);
  const audit = await runCli(['audit', '--extension', o.id, '--json', '--data-dir', o.dataDir]);
  expect(audit.stdout).toMatch(o.audit);
}
