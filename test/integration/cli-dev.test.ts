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

/** A `warden init` scaffold in `work/<name>` and an edit function for its source. */
async function scaffold(name: string, id: string) {
  const dir = path.join(work, name);
  expect((await runCli(['init', dir, '--id', id])).code).toBe(0);
  const src = path.join(dir, 'src', 'extension.ts');
  const edit = (from: string, to: string) => fs.writeFileSync(src, fs.readFileSync(src, 'utf8').replace(from, to));
  return { dir, edit };
}

/** `warden dev` with `args`, its output collected as it comes (it becomes `child`, killed after all). */
function startDev(args: string[]) {
  const c = spawn(process.execPath, [CLI, 'dev', ...args], { stdio: 'pipe' });
  child = c;
  const io = { out: '', err: '' };
  c.stdout.on('data', (d: Buffer) => (io.out += d.toString()));
  c.stderr.on('data', (d: Buffer) => (io.err += d.toString()));
  const exited = new Promise<number | null>((resolve) => c.on('exit', (code) => resolve(code)));
  return { proc: c, io, exited };
}

describe('warden dev', () => {
  it('rebuilds on save, reloads in place, streams console output and runs typed commands', async () => {
    const { dir, edit } = await scaffold('live', 'acme.live');
    edit('const who =', "console.log('greeting', name);\n    const who =");

    const { proc, io, exited } = startDev([
      dir,
      '--run',
      'live.greet',
      '--args',
      '{"name":"Ada"}',
      '--data-dir',
      path.join(work, 'home'),
    ]);

    let o = await waitFor(() => io.out, /Hello, Ada!/);
    await waitFor(() => io.err, /\[acme\.live\] greeting Ada/);
    await waitFor(() => io.err, /watching for changes/);

    // An edit: rebuilt, reloaded, and --run shows the new behaviour.
    edit('`Hello, ${who}!`', '`Bye, ${who}!`');
    o = await waitFor(() => io.out, /Bye, Ada!/, o);
    expect(io.err).toMatch(/rebuilt: acme\.live 0\.1\.0 running/);

    // A command typed on stdin runs in the reloaded extension.
    proc.stdin.write('live.greet {"name":"Bob"}\n');
    o = await waitFor(() => io.out, /Bye, Bob!/, o);

    // A broken save: the build error names the source line; the previous build keeps answering.
    const e = io.err.length;
    edit('export function deactivate', 'export function deactivate(: void {}\nexport function deactivate2');
    await waitFor(
      () => io.err,
      /build failed \(the previous build keeps running\): build failed: src\/extension\.ts:\d+:\d+/,
      e,
    );
    proc.stdin.write('live.greet {"name":"Cy"}\n');
    await waitFor(() => io.out, /Bye, Cy!/, o);

    proc.stdin.write('quit\n');
    expect(await exited).toBe(0);
    child = undefined;
  });

  it('starts reloaded extensions from the start-up snapshot, with a process already waiting', async () => {
    // A long-lived host like `warden serve`: it builds and verifies the snapshot in the background
    // (processes start the usual way until then), and keeps one pre-locked process waiting, so a
    // reload after a save costs an `init`, not a process start.
    const { dir, edit } = await scaffold('snap', 'acme.snap');
    const { proc, io, exited } = startDev([
      dir,
      '--verbose',
      '--run',
      'snap.greet',
      '--args',
      '{"name":"Ada"}',
      '--data-dir',
      path.join(work, 'home2'),
    ]);

    let o = await waitFor(() => io.out, /Hello, Ada!/);
    const snap = await waitFor(() => io.err, /extension processes start from the start-up snapshot \(/);
    // Saves after the blob was verified: each reloaded process answers (one from the pool, whose
    // replacement starts from the snapshot, then that one).
    let word = 'Hello';
    for (const next of ['Bye', 'Ciao']) {
      edit(`\`${word}, \${who}!\``, `\`${next}, \${who}!\``);
      word = next;
      o = await waitFor(() => io.out, new RegExp(`${word}, Ada!`), o);
    }
    expect(io.err).not.toMatch(/did not start|stopped unheard/);
    // A process that failed to start from the blob would switch the launcher back, and say so.
    expect(io.err.slice(snap)).not.toMatch(/extension processes start the usual way/);
    proc.stdin.write('quit\n');
    expect(await exited).toBe(0);
    child = undefined;
  }, 120_000);
});
