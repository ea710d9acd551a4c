// Issue 12 item 3: a spinning extension must not keep `warden run` alive after its verdict (the
// command's timeout, or Ctrl+C). Its heartbeat is overdue, so there is nobody to ask to
// deactivate: the process is killed at once instead of after the 3 s graceful stop, and the CLI
// exits right after. Measured from the verdict (the error line, or SIGINT) to the CLI's exit; the
// bound is generous (1.5 s against the old ~3.1 s) because the machine is shared.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeExtension } from '../helpers/sandbox';
import { startCli } from '../helpers/cli-process';

let work: string;
let dir: string;
beforeAll(() => {
  work = tempDir('warden-spin-');
  dir = writeExtension(work, {
    id: 'bad.spinner',
    commands: ['spin'],
    source: `exports.activate = () => {
      host.commands.register('spin', async () => {
        console.log('spinning now');
        await new Promise((r) => setTimeout(r, 50)); // lets the log line leave first
        for (;;) {}
      });
    };`,
  });
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

const dataDir = () => path.join(work, `data-${Math.random().toString(36).slice(2, 8)}`);

describe('warden run with a spinning extension', () => {
  it('exits promptly after the command times out (no 3 s graceful wait for a process that cannot answer)', async () => {
    const cli = startCli(['run', dir, 'spin', '--timeout', '1500', '--data-dir', dataDir()]);
    const verdict = await cli.waitForStderr(/spin failed: ETIMEDOUT/, 60_000);
    const exit = await cli.exited;
    const afterVerdict = exit.at - verdict;
    console.log(`[limits] spin + --timeout: CLI exited ${Math.round(afterVerdict)} ms after the timeout`);
    expect(exit.code).toBe(1);
    expect(cli.stderr()).toMatch(/did not finish within 1500 ms/);
    expect(afterVerdict).toBeLessThan(1500);
  });

  it('exits promptly on Ctrl+C (SIGINT) while the extension spins', async () => {
    const cli = startCli(['run', dir, 'spin', '--data-dir', dataDir()]);
    await cli.waitForStderr(/spinning now/, 60_000);
    await new Promise((r) => setTimeout(r, 1000)); // its heartbeat is now clearly overdue
    const sent = performance.now();
    cli.child.kill('SIGINT');
    const exit = await cli.exited;
    const afterSignal = exit.at - sent;
    console.log(`[limits] spin + Ctrl+C: CLI exited ${Math.round(afterSignal)} ms after SIGINT`);
    expect(exit.code).toBe(1);
    expect(cli.stderr()).toMatch(/spin failed: ECANCELED/);
    expect(afterSignal).toBeLessThan(1500);
  });
});
