// The `warden` CLI as a real process whose stdin is a pipe the test writes (answers to prompts,
// a secret's value), optionally left open so nothing signals the end of input.
import { spawn } from 'node:child_process';
import { CLI, type CliRun } from './sandbox';

export function runCliPiped(
  args: string[],
  input: string,
  env: Record<string, string> = {},
  options: { keepOpen?: boolean; onStderr?(text: string, write: (s: string) => void): void } = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { ...process.env, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const write = (s: string) => {
      if (!child.stdin.destroyed) child.stdin.write(s);
    };
    const kill = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onStderr?.(stderr, write);
    });
    child.stdin.on('error', () => {}); // the CLI may exit before reading everything
    if (input) child.stdin.write(input);
    if (!options.keepOpen) child.stdin.end();
    child.on('close', (code) => {
      clearTimeout(kill);
      child.stdin.destroy();
      resolve({ code: code ?? 1, stdout, stderr });
    });
  });
}
