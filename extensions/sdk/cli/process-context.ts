/** The context of the `warden` process itself: its streams and where the built Warden is (from dist/cli). */
import path from 'node:path';
import type { CliContext } from './context';

export const processContext = (cliDir: string): CliContext => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
  stdinIsTTY: process.stdin.isTTY === true,
  bootstrapPath: path.join(cliDir, '..', 'sandbox', 'bootstrap.cjs'),
  sdkDir: path.join(cliDir, '..', '..', 'extensions', 'sdk'),
});
