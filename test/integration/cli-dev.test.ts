// `warden dev` as a developer uses it: the built CLI starts the extension, an edit of the source
// is rebuilt and reloaded in place (the new behaviour answers the next run), console output is
// streamed, commands typed on stdin run, and a broken save keeps the previous build running.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, runCli, tempDir } from '../helpers/sandbox';

const work = tempDir('warden-dev-');
let child: ChildProcessWithoutNullStreams | undefined;
afterAll(() => {
  child?.kill('SIGKILL');
  fs.rmSync(work, { recursive: true, force: true });
});

/** Resolves once `pick()` finds text in the stream (from `from` on), or fails after a long while. */
function waitFor(read: () => string, re: RegExp, from = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      const m = re.exec(read().slice(from));
      if (m) return resolve(from + m.index + m[0].length);
      if (Date.now() - started > 60_000)
        return reject(new Error(`timed out waiting for ${re}:\n${read().slice(from)}`));
      setTimeout(tick, 50);
    };
    tick();
  });
}

describe('warden dev', () => {
  it('rebuilds on save, reloads in place, streams console output and runs typed commands', async () => {
    const dir = path.join(work, 'live');
    expect((await runCli(['init', dir, '--id', 'acme.live'])).code).toBe(0);
    const src = path.join(dir, 'src', 'extension.ts');
    const edit = (from: string, to: string) => fs.writeFileSync(src, fs.readFileSync(src, 'utf8').replace(from, to));
    edit('const who =', "console.log('greeting', name);\n    const who =");

    child = spawn(
      process.execPath,
      [CLI, 'dev', dir, '--run', 'live.greet', '--args', '{"name":"Ada"}', '--data-dir', path.join(work, 'home')],
      { stdio: 'pipe' },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));

    let o = await waitFor(() => out, /Hello, Ada!/);
    await waitFor(() => err, /\[acme\.live\] greeting Ada/);
    await waitFor(() => err, /watching for changes/);

    // An edit: rebuilt, reloaded, and --run shows the new behaviour.
    edit('`Hello, ${who}!`', '`Bye, ${who}!`');
    o = await waitFor(() => out, /Bye, Ada!/, o);
    expect(err).toMatch(/rebuilt: acme\.live 0\.1\.0 running/);

    // A command typed on stdin runs in the reloaded extension.
    child.stdin.write('live.greet {"name":"Bob"}\n');
    o = await waitFor(() => out, /Bye, Bob!/, o);

    // A broken save: the build error names the source line; the previous build keeps answering.
    const e = err.length;
    edit('export function deactivate', 'export function deactivate(: void {}\nexport function deactivate2');
    await waitFor(
      () => err,
      /build failed \(the previous build keeps running\): build failed: src\/extension\.ts:\d+:\d+/,
      e,
    );
    child.stdin.write('live.greet {"name":"Cy"}\n');
    await waitFor(() => out, /Bye, Cy!/, o);

    child.stdin.write('quit\n');
    expect(await exited).toBe(0);
    child = undefined;
  });

  it('starts reloaded extensions from the start-up snapshot, with a process already waiting', async () => {
    // A long-lived host like `warden serve`: it builds and verifies the snapshot in the background
    // (processes start the usual way until then), and keeps one pre-locked process waiting, so a
    // reload after a save costs an `init`, not a process start.
    const dir = path.join(work, 'snap');
    expect((await runCli(['init', dir, '--id', 'acme.snap'])).code).toBe(0);
    const src = path.join(dir, 'src', 'extension.ts');
    const edit = (from: string, to: string) => fs.writeFileSync(src, fs.readFileSync(src, 'utf8').replace(from, to));
    child = spawn(
      process.execPath,
      [
        CLI,
        'dev',
        dir,
        '--verbose',
        '--run',
        'snap.greet',
        '--args',
        '{"name":"Ada"}',
        '--data-dir',
        path.join(work, 'home2'),
      ],
      { stdio: 'pipe' },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child!.on('exit', (code) => resolve(code)));

    let o = await waitFor(() => out, /Hello, Ada!/);
    const snap = await waitFor(() => err, /extension processes start from the start-up snapshot \(/);
    // Saves after the blob was verified: each reloaded process answers (one from the pool, whose
    // replacement starts from the snapshot, then that one).
    let word = 'Hello';
    for (const next of ['Bye', 'Ciao']) {
      edit(`\`${word}, \${who}!\``, `\`${next}, \${who}!\``);
      word = next;
      o = await waitFor(() => out, new RegExp(`${word}, Ada!`), o);
    }
    expect(err).not.toMatch(/did not start|stopped unheard/);
    // A process that failed to start from the blob would switch the launcher back, and say so.
    expect(err.slice(snap)).not.toMatch(/extension processes start the usual way/);
    child.stdin.write('quit\n');
    expect(await exited).toBe(0);
    child = undefined;
  }, 120_000);
});
