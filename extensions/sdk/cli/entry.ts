/** Process wiring for the bundled CLI (dist/cli/warden.cjs). */
import path from 'node:path';
import { main } from './main';
import { EXIT_FAILED } from './usage';

main(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
  stdinIsTTY: process.stdin.isTTY === true,
  bootstrapPath: path.join(__dirname, '..', 'sandbox', 'bootstrap.cjs'),
  sdkDir: path.join(__dirname, '..', '..', 'extensions', 'sdk'),
}).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = EXIT_FAILED;
  },
);
