// Issue 17 item 1 (the runtime in the package), through the built CLI: `warden build` vendors the
// patched Pyodide runtime into python_runtime/ and lists it in the SBOM; `warden pack` signs it
// into the .wext; `warden install` + `warden run` run the installed package on the runtime it
// carries. Bytes identical to the host's runtime run the host's copy (so the shared snapshot
// serves it); a package whose runtime differs (here: a modified glue, signed by its publisher)
// runs that runtime cold, from a verified copy, and no snapshot is made of it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES, ROOT, runCli, tempDir } from '../helpers/sandbox';

const LONG = 900_000; // a Python start is seconds on a quiet machine; this one is shared
const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const HOST_RUNTIME = JSON.parse(
  fs.readFileSync(path.join(ROOT, 'dist', 'sandbox', 'python', 'runtime.json'), 'utf8'),
) as { pyodide: string; files: Record<string, string> };

let work: string;
let key: string;
beforeAll(async () => {
  work = tempDir('warden-py-pkg-');
  key = path.join(work, 'k.key');
  expect((await runCli(['keygen', '--out', key])).code).toBe(0);
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A copy of the py-json-tools example, built (runtime vendored) and packed. */
async function buildAndPack(name: string, edit?: (dir: string) => void): Promise<{ dir: string; wext: string }> {
  const dir = path.join(work, name);
  fs.cpSync(path.join(EXAMPLES, 'py-json-tools'), dir, { recursive: true });
  const b = await runCli(['build', dir]);
  expect(b.code, b.stderr).toBe(0);
  edit?.(dir);
  const wext = path.join(work, `${name}.wext`);
  const p = await runCli(['pack', dir, '--key', key, '--out', wext]);
  expect(p.code, p.stderr).toBe(0);
  return { dir, wext };
}

async function installAndRun(wext: string, dataDir: string) {
  const i = await runCli(['install', wext, '--yes', '--data-dir', dataDir]);
  expect(i.code, i.stderr).toBe(0);
  return runCli(
    [
      'run',
      'warden-examples.py-json-tools',
      'py-json-tools.format',
      '--args',
      '{"text":"[1,2]"}',
      '--verbose',
      '--data-dir',
      dataDir,
    ],
    {},
    LONG,
  );
}

describe('the Python runtime in the package', () => {
  it(
    'build vendors it with the SBOM; pack signs it; the installed package runs on the host copy (snapshot)',
    async () => {
      const { dir, wext } = await buildAndPack('same');
      const vendored = JSON.parse(fs.readFileSync(path.join(dir, 'python_runtime', 'runtime.json'), 'utf8')) as {
        files: Record<string, string>;
      };
      expect(vendored.files).toEqual(HOST_RUNTIME.files);
      for (const [name, hash] of Object.entries(vendored.files))
        expect(sha256(fs.readFileSync(path.join(dir, 'python_runtime', name)))).toBe(hash);
      // The SBOM: Pyodide with its version and every file's SHA-256, and CPython.
      const bom = JSON.parse(fs.readFileSync(path.join(dir, 'sbom.cdx.json'), 'utf8')) as {
        components: Array<{
          name: string;
          version: string;
          purl?: string;
          components?: Array<{ name: string; hashes: Array<{ alg: string; content: string }> }>;
        }>;
      };
      const pyodide = bom.components.find((c) => c.name === 'pyodide')!;
      expect(pyodide.version).toBe(HOST_RUNTIME.pyodide);
      expect(pyodide.purl).toBe(`pkg:npm/pyodide@${HOST_RUNTIME.pyodide}`);
      expect(Object.fromEntries(pyodide.components!.map((f) => [f.name, f.hashes[0]!.content]))).toEqual(
        Object.fromEntries(Object.entries(HOST_RUNTIME.files).map(([n, h]) => [`python_runtime/${n}`, h])),
      );
      expect(bom.components.find((c) => c.name === 'cpython')?.version).toMatch(/^3\.\d+\.\d+$/);
      // Signed into the .wext: verify checks every file's hash, and the archive holds the runtime.
      const v = await runCli(['verify', wext, '--json']);
      expect(v.code, v.stderr).toBe(0);
      const entries = execFileSync('tar', ['-tf', wext], { encoding: 'utf8' }).trim().split('\n');
      for (const name of ['runtime.json', ...Object.keys(HOST_RUNTIME.files)])
        expect(entries).toContain(`python_runtime/${name}`);
      expect((JSON.parse(v.stdout) as { files: number }).files).toBe(entries.length - 1); // all but the signature
      console.log(`[python package] .wext with the runtime: ${fs.statSync(wext).size} bytes`);

      const dataDir = path.join(work, 'd-same');
      const r = await installAndRun(wext, dataDir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('[\n  1,\n  2\n]');
      // Identical bytes: the host's runtime, started from the shared snapshot.
      expect(r.stderr).toMatch(/python started in \d+ ms \(from a snapshot\)/);
      expect(fs.existsSync(path.join(dataDir, 'cache', 'v8', 'python-runtimes'))).toBe(false);
    },
    LONG,
  );

  it(
    "a package's own (different) runtime runs cold from a verified copy and is never snapshotted",
    async () => {
      const { wext } = await buildAndPack('own', (dir) => {
        // The publisher's modified glue, listed in runtime.json and signed by pack.
        const glue = path.join(dir, 'python_runtime', 'pyodide-bundle.js');
        fs.appendFileSync(glue, '// a publisher-modified glue\n');
        const infoFile = path.join(dir, 'python_runtime', 'runtime.json');
        const info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as { files: Record<string, string> };
        info.files['pyodide-bundle.js'] = sha256(fs.readFileSync(glue));
        fs.writeFileSync(infoFile, JSON.stringify(info));
      });
      const dataDir = path.join(work, 'd-own');
      const r = await installAndRun(wext, dataDir);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim()).toBe('[\n  1,\n  2\n]');
      expect(r.stderr).toMatch(/python started in \d+ ms \(cold\)/);
      const copies = fs.readdirSync(path.join(dataDir, 'cache', 'v8', 'python-runtimes'));
      expect(copies).toHaveLength(1);
      // The only snapshot is of the host's runtime (made at load), keyed by its runtime.json.
      const snaps = fs.readdirSync(path.join(dataDir, 'cache', 'v8')).filter((f) => f.endsWith('.snap'));
      expect(snaps.length).toBeLessThanOrEqual(1);
    },
    LONG,
  );
});
