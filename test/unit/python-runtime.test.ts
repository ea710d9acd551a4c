// Issue 17: the pieces of the Python runtime that need no interpreter: the wasm memory cap (on
// the shipped Pyodide module), the manifest's runtime/main pairing, and which .py files a Python
// extension ships.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { capWasmMemory, wasmMemoryMax } from '../../electron/sandbox/wasm-memory-cap';
import { parseManifest } from '../../electron/common/manifest';
import { pythonSourceFiles, readPythonFiles } from '../../electron/core/supervision/python-files';
import { parseHostMessage } from '../../electron/sandbox/host-message';
import { HostMessageSchema } from '../../electron/common/protocol';
import { ROOT, tempDir } from '../helpers/sandbox';

const WASM = path.join(ROOT, 'dist', 'sandbox', 'python', 'pyodide.asm.wasm');

describe('capWasmMemory', () => {
  it('rewrites the maximum of the shipped Pyodide module on a copy, in place, and it still compiles', async () => {
    const original = fs.readFileSync(WASM);
    expect(wasmMemoryMax(original)).toBe(65_536);
    const capped = capWasmMemory(original, 2048);
    expect(wasmMemoryMax(capped)).toBe(2048);
    expect(capped.length).toBe(original.length);
    expect(wasmMemoryMax(original)).toBe(65_536); // the input is untouched
    // Only the 3 LEB128 bytes of the maximum differ.
    let diff = 0;
    for (let i = 0; i < original.length; i++) if (original[i] !== capped[i]) diff++;
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(3);
    await expect(WebAssembly.compile(new Uint8Array(capped))).resolves.toBeInstanceOf(WebAssembly.Module);
  });

  it('never lowers the maximum below the minimum, nor raises it, and refuses a non-module', () => {
    const original = fs.readFileSync(WASM);
    expect(wasmMemoryMax(capWasmMemory(original, 1))).toBe(480);
    expect(wasmMemoryMax(capWasmMemory(original, 1e6))).toBe(65_536);
    expect(() => capWasmMemory(Buffer.from('not wasm at all'), 10)).toThrow(/not a WebAssembly module/);
  });
});

describe('manifest runtime', () => {
  const base = { id: 'a.b', name: 'B', version: '1.0.0', publisher: 'a', engines: { warden: '^1.0.0' } };
  it('accepts runtime python with a .py main, and JavaScript as before', () => {
    expect(parseManifest({ ...base, runtime: 'python', main: 'main.py' }).ok).toBe(true);
    expect(parseManifest({ ...base }).ok).toBe(true);
    expect(parseManifest({ ...base, runtime: 'javascript', main: 'dist/x.js' }).ok).toBe(true);
  });
  it('refuses a mismatch either way, and unknown runtimes', () => {
    const py = parseManifest({ ...base, runtime: 'python' });
    expect(py.ok ? [] : py.errors.join('\n')).toMatch(/main: expected a \.py file/);
    const js = parseManifest({ ...base, main: 'main.py' });
    expect(js.ok ? [] : js.errors.join('\n')).toMatch(/needs "runtime": "python"/);
    expect(parseManifest({ ...base, runtime: 'ruby', main: 'x.rb' }).ok).toBe(false);
  });
});

describe('pythonSourceFiles', () => {
  it('lists every .py beneath main, skipping hidden folders, __pycache__ and node_modules', () => {
    const dir = tempDir('warden-pyfiles-');
    const write = (rel: string, text = 'x = 1\n') => {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), text);
    };
    for (const f of [
      'main.py',
      'pkg/util.py',
      'pkg/__pycache__/util.cpython.py',
      '.venv/x.py',
      'node_modules/y.py',
      'notes.txt',
    ])
      write(f);
    expect(pythonSourceFiles(dir, 'main.py')).toEqual(['main.py', 'pkg/util.py']);
    expect(readPythonFiles(dir, 'main.py')).toEqual({ 'pkg/util.py': 'x = 1\n' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('init.python', () => {
  const init = {
    t: 'init',
    extension: { id: 'a.b', version: '1.0.0', name: 'B' },
    source: 'import host\n',
    sourceUrl: 'ext://a.b/main.py',
    commands: ['c'],
    heartbeatMs: 250,
  };
  const python = {
    main: 'main.py',
    files: { 'u.py': '' },
    memoryMb: 128,
    snapshot: { file: '/x.snap', sha256: 'a'.repeat(64) },
  };
  it('the sandbox parser and the schema agree', () => {
    for (const m of [
      { ...init, python },
      { ...init, python: { ...python, snapshot: undefined } },
      { ...init, python: { ...python, memoryMb: 0 } },
      { ...init, python: { ...python, extra: 1 } },
      { ...init, python: { ...python, snapshot: { file: '/x', sha256: 'nothex' } } },
    ]) {
      const clean = JSON.parse(JSON.stringify(m)) as unknown;
      expect(parseHostMessage(clean) !== undefined, JSON.stringify(m)).toBe(HostMessageSchema.safeParse(clean).success);
    }
  });
});
