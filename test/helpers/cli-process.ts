/**
 * The built `warden` CLI as a live child process a test can watch and signal: stderr/stdout as
 * they arrive, when a line first appeared, and when the process exited (performance.now() ms).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { CLI } from './sandbox';

export interface LiveCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the time (performance.now()) at which `re` first matched stderr. */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<number>;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

export function startCli(args: string[], env: Record<string, string> = {}): LiveCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  const waiters: Array<{ re: RegExp; resolve(at: number): void }> = [];
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    const now = performance.now();
    for (const w of waiters.splice(0)) {
      if (w.re.test(err)) w.resolve(now);
      else waiters.push(w);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal, at: performance.now() }));
  });
  // A test that fails midway must not leave a CLI (and its extension) running.
  const guard = setTimeout(() => child.kill('SIGKILL'), 90_000);
  guard.unref();
  void exited.then(() => clearTimeout(guard));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitForStderr(re, timeoutMs = 30_000) {
      if (re.test(err)) return Promise.resolve(performance.now());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`stderr did not match ${re} within ${timeoutMs} ms:\n${err}`)),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: (at) => {
            clearTimeout(timer);
            resolve(at);
          },
        });
      });
    },
    exited,
  };
}
