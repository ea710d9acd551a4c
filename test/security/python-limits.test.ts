// Issue 17 item 3: Python extensions under the same limits as JavaScript, through `warden run`.
// - memory: the manifest's memoryMb is the wasm memory maximum, so an allocation above it is a
//   Python MemoryError inside the interpreter (which keeps running), not host memory;
// - a spinning `while True: pass` blocks the event loop: the hang watchdog kills the process;
// - a failing command's error names the .py file and line (not the glue or a host path).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runCli, tempDir } from '../helpers/sandbox';

let work: string;
let dir: string;
const LONG = 600_000; // Python starts in ~1–3 s on a quiet machine; this one is shared.

beforeAll(() => {
  work = tempDir('warden-py-limits-');
  dir = path.join(work, 'limits');
  fs.mkdirSync(dir);
  for (const f of ['limits.py', 'helper.py'])
    fs.copyFileSync(path.join(ROOT, 'test', 'fixtures', 'python', f), path.join(dir, f === 'limits.py' ? 'main.py' : f));
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      id: 'bad.py-limits',
      name: 'Python limits',
      version: '1.0.0',
      publisher: 'bad',
      runtime: 'python',
      main: 'main.py',
      engines: { warden: '^1.0.0' },
      contributes: { commands: ['memory', 'spin', 'fail'].map((id) => ({ id, title: id })) },
      limits: { memoryMb: 96 },
    }),
  );
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const run = (command: string, args: object) =>
  runCli(
    ['run', dir, command, '--json', '--args', JSON.stringify(args), '--data-dir', path.join(work, 'data')],
    {},
    LONG,
  );
const last = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;

describe('Python limits through warden run', () => {
  it('memoryMb caps the wasm memory: 200 MiB is a MemoryError, the interpreter keeps running', async () => {
    const r = await run('memory', { mb: 200 });
    expect(last(r.stdout), r.stderr).toEqual({ ok: true, result: { type: 'json', value: ['MemoryError', 45] }, wall: expect.anything() });
  }, LONG);

  it('below the cap the same allocation succeeds', async () => {
    const r = await run('memory', { mb: 16 });
    expect((last(r.stdout).result as { value: unknown }).value, r.stderr).toEqual(['allocated 16 MiB', 45]);
  }, LONG);

  it('a spinning Python loop is killed by the hang watchdog', async () => {
    const r = await run('spin', {});
    const out = last(r.stdout) as { ok: boolean; error: { code: string; message: string } };
    expect(r.code).toBe(1);
    expect(out.ok).toBe(false);
    expect(out.error.code).toBe('ETIMEDOUT');
    expect(out.error.message).toMatch(/unresponsive: event loop blocked/);
  }, LONG);

  it("a Python exception names the extension's .py file and line", async () => {
    const r = await run('fail', { value: 'q' });
    const out = last(r.stdout) as { ok: boolean; error: { code: string; message: string; location?: string } };
    expect(out.ok).toBe(false);
    expect(out.error.code).toBe('EEXTENSION');
    expect(out.error.message).toBe("ValueError: bad value 'q'");
    expect(out.error.location).toBe('helper.py:3');
    expect(JSON.stringify(out.error)).not.toMatch(/\/tmp\/|\/work\/|pyodide|\.js:/);
  }, LONG);
});
