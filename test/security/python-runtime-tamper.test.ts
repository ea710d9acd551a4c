// Issue 17 item 1: the Python runtime a package carries is covered by its signature at every
// start, not only at install. A file of the installed python_runtime/ changed (a modified glue, a
// swapped wasm), runtime.json rewritten to match a changed file, or the runtime deleted: the
// extension does not start, the reason names the file, and the audit log records an integrity
// violation. A .wext whose runtime was changed after signing does not install. Through the built CLI.
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/sandbox';
import { expectIntegrityRefusal, packPythonExample, type PackedPython } from '../helpers/python-package';

const ID = 'warden-examples.py-json-tools';
let work: string;
let wext: string;
let pkg: PackedPython;
beforeAll(async () => {
  work = tempDir('warden-py-tamper-');
  pkg = await packPythonExample(work, 'py-json-tools', ID);
  wext = pkg.wext;
}, 120_000);
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Installs the package in a fresh data folder; returns its installed python_runtime/ folder. */
async function install(name: string): Promise<{ dataDir: string; runtime: string }> {
  const { dataDir, dir } = await pkg.install(name);
  return { dataDir, runtime: path.join(dir, 'python_runtime') };
}

const run = (dataDir: string) =>
  runCli(['run', ID, 'py-json-tools.format', '--args', '{"text":"[1]"}', '--json', '--data-dir', dataDir], {}, 300_000);

async function expectRefused(dataDir: string, file: RegExp): Promise<void> {
  // Refused before any interpreter started: no snapshot start, no cold start.
  await expectIntegrityRefusal(await run(dataDir), {
    id: ID,
    dataDir,
    message: file,
    audit: /integrity: python_runtime\//,
  });
}

describe('a tampered vendored Python runtime', () => {
  it('a changed glue after install is refused, naming the file', async () => {
    const { dataDir, runtime } = await install('glue');
    fs.appendFileSync(path.join(runtime, 'pyodide-bundle.js'), '\n;globalThis.pwned = 1;\n');
    await expectRefused(dataDir, /python_runtime\/pyodide-bundle\.js does not match the signed package/);
  }, 300_000);

  it('a changed file with runtime.json rewritten to match is refused (runtime.json is signed too)', async () => {
    const { dataDir, runtime } = await install('info');
    const wasm = path.join(runtime, 'pyodide.asm.wasm');
    const bytes = fs.readFileSync(wasm);
    bytes[bytes.length - 1]! ^= 1;
    fs.writeFileSync(wasm, bytes);
    const infoFile = path.join(runtime, 'runtime.json');
    const info = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as { files: Record<string, string> };
    info.files['pyodide.asm.wasm'] = createHash('sha256').update(bytes).digest('hex');
    fs.writeFileSync(infoFile, JSON.stringify(info));
    await expectRefused(dataDir, /python_runtime\/runtime\.json does not match the signed package/);
  }, 300_000);

  it('a runtime deleted after install is refused rather than silently replaced by the host one', async () => {
    const { dataDir, runtime } = await install('gone');
    fs.rmSync(runtime, { recursive: true });
    await expectRefused(dataDir, /python_runtime\/runtime\.json is missing/);
  }, 300_000);

  it('a .wext whose runtime changed after signing does not install', async () => {
    const bytes = fs.readFileSync(wext);
    // The tar entry of the glue: flip one byte of its content (the header is 512 bytes before it).
    const at = bytes.indexOf(Buffer.from('python_runtime/pyodide-bundle.js'));
    expect(at).toBeGreaterThan(-1);
    bytes[at + 512 + 100]! ^= 1;
    const bad = path.join(work, 'bad.wext');
    fs.writeFileSync(bad, bytes);
    const i = await runCli(['install', bad, '--yes', '--data-dir', path.join(work, 'bad')]);
    expect(i.code).not.toBe(0);
    expect(i.stderr + i.stdout).toMatch(/python_runtime\/pyodide-bundle\.js/);
  }, 120_000);
});
